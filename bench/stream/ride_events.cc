// See ride_events.h.
#include "ride_events.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ferry::bench {
namespace {

// Python's repr(round(0.5 + k * 0.37, 2)) for k in 0..39: two decimals, trailing zeros dropped
// (no value of the series is a whole number, so a digit always follows the point).
const std::array<std::string, 40>& TripDistances() {
  static const std::array<std::string, 40> table = [] {
    std::array<std::string, 40> t;
    for (int k = 0; k < 40; ++k) {
      std::string s = absl::StrFormat("%.2f", 0.5 + k * 0.37);
      while (s.back() == '0') s.pop_back();
      t[k] = s;
    }
    return t;
  }();
  return table;
}

}  // namespace

void FormatRideEvent(int64_t i, int64_t sent_us, std::string& out) {
  out.clear();
  absl::StrAppend(&out, "{\"ride_id\": \"", i, ":", sent_us, "\", \"sent_ms\": ", sent_us / 1000,
                  ", \"PULocationID\": ", 1 + i % 265, ", \"DOLocationID\": ", 1 + (i * 7) % 265,
                  ", \"trip_distance\": ", TripDistances()[i % 40], "}");
}

std::optional<int64_t> SendTimeFromKey(std::string_view key) {
  size_t colon = key.find(':');
  if (colon == std::string_view::npos || colon + 1 >= key.size()) return std::nullopt;
  int64_t sent_us = 0;
  const char* end = key.data() + key.size();
  auto [ptr, ec] = std::from_chars(key.data() + colon + 1, end, sent_us);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return sent_us;
}

LatencySummary SummarizeLatencies(std::vector<double>& latencies_ms) {
  LatencySummary s;
  s.count = latencies_ms.size();
  if (latencies_ms.empty()) return s;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto quantile = [&](double q) {
    size_t index = std::min(s.count - 1, static_cast<size_t>(q * static_cast<double>(s.count)));
    return latencies_ms[index];
  };
  s.p50_ms = quantile(0.5);
  s.p90_ms = quantile(0.9);
  s.p99_ms = quantile(0.99);
  s.max_ms = latencies_ms.back();
  s.mean_ms = std::accumulate(latencies_ms.begin(), latencies_ms.end(), 0.0) /
              static_cast<double>(s.count);
  return s;
}

std::string LatencySummaryJson(const LatencySummary& s) {
  return absl::StrFormat(
      "{\"received\": %d, \"p50_ms\": %.3f, \"p90_ms\": %.3f, \"p99_ms\": %.3f, "
      "\"max_ms\": %.3f, \"mean_ms\": %.3f}",
      s.count, s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms, s.mean_ms);
}

}  // namespace ferry::bench
