// Metrics: counters, gauges and latency histograms of a server, rendered in the Prometheus
// text exposition format (GET /metrics), valid for `promtool check metrics`:
//   ferry_http_requests_total{route,model,version,status}          every answered request
//   ferry_http_request_errors_total{route,model,version,status}    those with status >= 400
//   ferry_http_request_duration_seconds{route,model,version}       request parsed -> written
//   ferry_http_requests_in_flight, ferry_http_connections_open     gauges
//   ferry_http_connections_rejected_total                          over --max-connections
//   ferry_predictions_total{model,version,class}                   scored records per class
//   ferry_model_loads_total{model,version,kind,result}             load/reload x success/failure
//   ferry_model_load_failures_total{model,version}
//   ferry_model_versions_served{model}                             from the current snapshot
// Thread-safe; updates take one short lock.
#ifndef FERRY_SERVE_METRICS_H_
#define FERRY_SERVE_METRICS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "registry/repository.h"
#include "registry/snapshot.h"

namespace ferry::serve {

class Metrics {
 public:
  Metrics();

  void RequestStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  // Counts a finished request. `seconds`: from the request parsed to the response written.
  void RequestFinished(std::string_view route, std::string_view model, std::string_view version,
                       int status, double seconds);
  void ConnectionOpened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  void ConnectionRejected() { rejected_.fetch_add(1, std::memory_order_relaxed); }

  // `label`: the decoded class of each scored record ("" for regressors), `count` records.
  void CountPredictions(std::string_view model, std::string_view version, std::string_view label,
                        uint64_t count);
  void ModelLoad(const registry::LoadEvent& event);

  // The exposition text; model gauges come from `snapshot`.
  std::string Render(const registry::Snapshot& snapshot) const;

  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;  // cumulative at render time, per-bucket here
    uint64_t count = 0;
    double sum = 0;
  };
  using RequestKey = std::tuple<std::string, std::string, std::string, int>;
  using LatencyKey = std::tuple<std::string, std::string, std::string>;
  using PredictionKey = std::tuple<std::string, std::string, std::string>;
  using LoadKey = std::tuple<std::string, std::string, std::string, std::string>;

  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<RequestKey, uint64_t> requests_;
  std::map<LatencyKey, Histogram> latency_;
  std::map<PredictionKey, uint64_t> predictions_;
  std::map<LoadKey, uint64_t> loads_;
  std::map<std::pair<std::string, std::string>, uint64_t> load_failures_;
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> connections_{0};
  std::atomic<uint64_t> rejected_{0};
};

}  // namespace ferry::serve

#endif  // FERRY_SERVE_METRICS_H_
