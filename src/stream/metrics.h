// Metrics: counters, gauges and histograms rendered in the Prometheus text format, and
// MetricsServer, a tiny HTTP/1.0 listener that answers every GET with them (GET /metrics).
// Series are named by metric name plus a label text such as `sink="kafka:preds"`.
// Thread-safe: the loop updates while the server thread renders.
#ifndef FERRY_STREAM_METRICS_H_
#define FERRY_STREAM_METRICS_H_

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

namespace ferry::stream {

// `key="value"` with quotes, backslashes and newlines escaped, for a series' label text.
std::string MetricLabel(const std::string& key, const std::string& value);

class Metrics {
 public:
  enum class Type { kCounter, kGauge, kHistogram };
  // Declares a metric (its # HELP and # TYPE lines); `buckets` are histogram upper bounds.
  void Describe(const std::string& name, Type type, const std::string& help,
                std::vector<double> buckets = {});
  void Add(const std::string& name, const std::string& labels, double delta);
  void Set(const std::string& name, const std::string& labels, double value);
  // Replaces every series of gauge `name` with `series` (label text, value): series that are
  // not reported any more (a revoked partition's lag) disappear.
  void SetAll(const std::string& name, const std::vector<std::pair<std::string, double>>& series);
  void Observe(const std::string& name, const std::string& labels, double value);
  // Observe for each of `values`, under one lock.
  void ObserveAll(const std::string& name, const std::string& labels,
                  const std::vector<double>& values);

  std::string Render() const;
  // Value of a counter or gauge series (0 when absent), for tests.
  double Get(const std::string& name, const std::string& labels) const;

 private:
  struct Histogram {
    std::vector<uint64_t> counts;  // per bucket, not cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    Type type = Type::kCounter;
    std::string help;
    std::vector<double> buckets;
    std::map<std::string, double> values;
    std::map<std::string, Histogram> histograms;
  };
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

class MetricsServer {
 public:
  // Listens on host:port (port 0 picks a free one, see port()).
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& host, int port,
                                                              const Metrics* metrics);
  ~MetricsServer();
  int port() const { return port_; }

 private:
  MetricsServer(int fd, int port, const Metrics* metrics);
  void Serve();

  int fd_;
  int port_;
  const Metrics* metrics_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace ferry::stream

#endif  // FERRY_STREAM_METRICS_H_
