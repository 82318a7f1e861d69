// ServerState: what every request handler reads: the model repository (whose snapshot each
// request takes once), metrics, API keys and the handler's limits. Shared by all threads;
// the members are thread-safe or never modified once serving starts.
#ifndef FERRY_SERVE_SERVER_STATE_H_
#define FERRY_SERVE_SERVER_STATE_H_

#include <atomic>
#include <cstddef>
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

}  // namespace ferry::serve

#endif  // FERRY_SERVE_SERVER_STATE_H_
