// ServerState: what every request handler reads: the model repository (whose snapshot each
// request takes once), metrics, API keys and the handler's limits. Shared by all threads;
// the members are thread-safe or never modified once serving starts.
#ifndef FERRY_SERVE_SERVER_STATE_H_
#define FERRY_SERVE_SERVER_STATE_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "registry/repository.h"
#include "serve/auth.h"
#include "serve/metrics.h"

namespace ferry::async {
class AsyncService;
}  // namespace ferry::async

namespace ferry::serve {

struct HandlerOptions {
  // Records in one request (a batch, CSV rows, tensor rows); more gets 413.
  size_t max_rows = 10000;
  // Nesting depth of a JSON body; deeper gets 400.
  size_t max_json_depth = 32;
  // The model POST /invocations scores when several are served; "" = the only one.
  std::string default_model;
  // Prediction routes of every model need an API key (else only models whose config.yaml
  // says `auth: required`).
  bool require_key_for_predict = false;
  // Reported by /version and GET /v2.
  std::string server_version = "0.0.0";
};

struct ServerState {
  registry::Repository* repository = nullptr;  // not owned; outlives the server
  Metrics* metrics = nullptr;                  // not owned; outlives the server
  ApiKeys keys;
  HandlerOptions options;
  async::AsyncService* async = nullptr;  // not owned; null: the async API answers 503
  // Readiness (GET /v2/health/ready, .../ready): false while the first load of the models is
  // still running (the command clears it before loading, sets it after); `draining` is set by
  // the server when SIGTERM starts the drain.
  std::atomic<bool> initial_load_done{true};
  std::atomic<bool> draining{false};
};

// Why the server cannot take inference requests now, "" when it can: draining, the first load
// still running, or no model loaded. What /v2/health/ready and MLflow's /ping answer by.
inline std::string NotReadyReason(const ServerState& state) {
  if (state.draining) return "shutting down: finishing the requests in flight";
  if (!state.initial_load_done) return "loading models";
  std::shared_ptr<const registry::Snapshot> snapshot = state.repository->snapshot();
  if (snapshot->models.empty()) {
    return snapshot->index.empty() ? "no model found to serve"
                                   : "no model loaded (see GET /v2/repository/index for why)";
  }
  return "";
}

}  // namespace ferry::serve

#endif  // FERRY_SERVE_SERVER_STATE_H_
