// The stream benchmark's ride events and latency arithmetic, shared by stream_load's two modes.
// FormatRideEvent writes byte for byte the JSON event that stream_bench.py's ride(i, sent_us)
// makes; the event id "<i>:<send time in us>" is what ferry copies into the output key, and
// SendTimeFromKey reads the send time back from it. SummarizeLatencies gives exact order
// statistics over every sample, with the nearest-rank index min(n - 1, floor(q * n)) the
// Python reader used, so the two readers' figures are comparable.
#ifndef FERRY_BENCH_STREAM_RIDE_EVENTS_H_
#define FERRY_BENCH_STREAM_RIDE_EVENTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::bench {

// Replaces `out` with event number `i`, sent at `sent_us` (microseconds since the Unix epoch).
void FormatRideEvent(int64_t i, int64_t sent_us, std::string& out);

// The send time in microseconds from an output key "<i>:<sent_us>"; nullopt if malformed.
std::optional<int64_t> SendTimeFromKey(std::string_view key);

struct LatencySummary {
  size_t count = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
};

// Sorts `latencies_ms` in place. An empty input gives a zero count and zero figures.
LatencySummary SummarizeLatencies(std::vector<double>& latencies_ms);

// One JSON object line: {"received": n, "p50_ms": ..., ...}.
std::string LatencySummaryJson(const LatencySummary& summary);

}  // namespace ferry::bench

#endif  // FERRY_BENCH_STREAM_RIDE_EVENTS_H_
