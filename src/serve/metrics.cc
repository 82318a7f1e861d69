#include "serve/metrics.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/value.h"
#include "serve/sv.h"

namespace ferry::serve {
namespace {

// Label values escape backslash, double quote and line feed.
std::string Escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string Labels(std::initializer_list<std::pair<std::string_view, std::string_view>> labels) {
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ",";
    Append(&out, name, "=\"", Escape(value), "\"");
  }
  return out + "}";
}

void Header(std::string* out, std::string_view name, std::string_view type, std::string_view help) {
  Append(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

std::string Number(double d) {
  if (d == static_cast<double>(static_cast<int64_t>(d))) return Cat(static_cast<int64_t>(d));
  return FormatDouble(d);
}

}  // namespace

Metrics::Metrics()
    : bounds_({0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
               0.5, 1, 2.5, 5, 10}) {}

void Metrics::RequestFinished(std::string_view route, std::string_view model,
                              std::string_view version, int status, double seconds) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin();
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[RequestKey(route, model, version, status)];
  Histogram& h = latency_[LatencyKey(route, model, version)];
  if (h.buckets.empty()) h.buckets.assign(bounds_.size() + 1, 0);
  ++h.buckets[bucket];
  ++h.count;
  h.sum += seconds;
}

void Metrics::CountPredictions(std::string_view model, std::string_view version,
                               std::string_view label, uint64_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  predictions_[PredictionKey(model, version, label)] += count;
}

void Metrics::ModelLoad(const registry::LoadEvent& event) {
  std::lock_guard<std::mutex> lock(mu_);
  ++loads_[LoadKey(event.model, event.version, event.reload ? "reload" : "load",
                   event.ok ? "success" : "failure")];
  if (!event.ok) ++load_failures_[{event.model, event.version}];
}

std::string Metrics::Render(const registry::Snapshot& snapshot) const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  Header(&out, "ferry_http_requests_total", "counter", "HTTP requests answered.");
  for (const auto& [k, n] : requests_) {
    Append(&out, "ferry_http_requests_total",
           Labels({{"route", std::get<0>(k)},
                   {"model", std::get<1>(k)},
                   {"version", std::get<2>(k)},
                   {"status", Cat(std::get<3>(k))}}),
           " ", n, "\n");
  }
  Header(&out, "ferry_http_request_errors_total", "counter",
         "HTTP requests answered with a status of 400 or more.");
  for (const auto& [k, n] : requests_) {
    if (std::get<3>(k) < 400) continue;
    Append(&out, "ferry_http_request_errors_total",
           Labels({{"route", std::get<0>(k)},
                   {"model", std::get<1>(k)},
                   {"version", std::get<2>(k)},
                   {"status", Cat(std::get<3>(k))}}),
           " ", n, "\n");
  }
  Header(&out, "ferry_http_request_duration_seconds", "histogram",
         "Time from a request parsed to its response written.");
  for (const auto& [k, h] : latency_) {
    auto [route, model, version] = k;
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += h.buckets[i];
      std::string le = i < bounds_.size() ? FormatDouble(bounds_[i]) : "+Inf";
      Append(&out, "ferry_http_request_duration_seconds_bucket",
             Labels({{"route", route}, {"model", model}, {"version", version}, {"le", le}}), " ",
             cumulative, "\n");
    }
    std::string labels = Labels({{"route", route}, {"model", model}, {"version", version}});
    Append(&out, "ferry_http_request_duration_seconds_sum", labels, " ", Number(h.sum), "\n");
    Append(&out, "ferry_http_request_duration_seconds_count", labels, " ", h.count, "\n");
  }
  Header(&out, "ferry_http_requests_in_flight", "gauge", "Requests being handled now.");
  Append(&out, "ferry_http_requests_in_flight ", in_flight_.load(), "\n");
  Header(&out, "ferry_http_connections_open", "gauge", "Client connections open now.");
  Append(&out, "ferry_http_connections_open ", connections_.load(), "\n");
  Header(&out, "ferry_http_connections_rejected_total", "counter",
         "Connections closed at once because --max-connections were open.");
  Append(&out, "ferry_http_connections_rejected_total ", rejected_.load(), "\n");
  Header(&out, "ferry_predictions_total", "counter",
         "Records scored, by decoded class (empty for regressors).");
  for (const auto& [k, n] : predictions_) {
    Append(
        &out, "ferry_predictions_total",
        Labels({{"model", std::get<0>(k)}, {"version", std::get<1>(k)}, {"class", std::get<2>(k)}}),
        " ", n, "\n");
  }
  Header(&out, "ferry_model_loads_total", "counter",
         "Attempts to load (or reload, after its files changed) a model version.");
  for (const auto& [k, n] : loads_) {
    Append(&out, "ferry_model_loads_total",
           Labels({{"model", std::get<0>(k)},
                   {"version", std::get<1>(k)},
                   {"kind", std::get<2>(k)},
                   {"result", std::get<3>(k)}}),
           " ", n, "\n");
  }
  Header(&out, "ferry_model_load_failures_total", "counter",
         "Model versions that failed to load; the version serving before keeps serving.");
  for (const auto& [k, n] : load_failures_) {
    Append(&out, "ferry_model_load_failures_total",
           Labels({{"model", k.first}, {"version", k.second}}), " ", n, "\n");
  }
  Header(&out, "ferry_model_versions_served", "gauge", "Versions of each model being served.");
  for (const auto& [name, model] : snapshot.models) {
    Append(&out, "ferry_model_versions_served", Labels({{"model", name}}), " ",
           model.versions.size(), "\n");
  }
  return out;
}

}  // namespace ferry::serve
