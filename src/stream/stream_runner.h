// RunStream: builds everything a StreamConfig names (model provider, source, sinks, dead-letter
// sink, metrics endpoint) and runs the commit loop until `stop` is set or the loop fails.
// Returns OK after a clean stop. Errors say which part failed (config key, sink name).
#ifndef FERRY_STREAM_STREAM_RUNNER_H_
#define FERRY_STREAM_STREAM_RUNNER_H_

#include <atomic>

#include "absl/status/status.h"
#include "stream/config.h"

namespace ferry::stream {

absl::Status RunStream(const StreamConfig& config, const std::atomic<bool>& stop);

}  // namespace ferry::stream

#endif  // FERRY_STREAM_STREAM_RUNNER_H_
