// Processor: the commit loop of `ferry stream`.
//
//   loop until stopped:
//     messages = source.Poll(max_records, max_wait)       // backpressure: no Poll while a
//     events   = decode(messages)                         // batch is unfinished, so memory
//     scored   = bundle.Score(events)                     // holds one batch at most
//     write outputs to every sink, dead letters to the dead-letter sink, each retried with
//       capped exponential backoff while Unavailable, without polling (backpressure): forever
//       when sink_retries is 0, else up to sink_retries attempts, then Run fails Unavailable
//       and nothing of the batch is committed
//     source.Commit(messages)                             // only now
//
// Stop (SIGTERM): the batch in hand is finished and committed, then the source is closed.
// Run returns OK after a clean stop; an error when a sink stayed down or is misconfigured.
// Single-threaded; the Metrics may be read from another thread.
#ifndef FERRY_STREAM_PROCESSOR_H_
#define FERRY_STREAM_PROCESSOR_H_

#include <atomic>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "stream/config.h"
#include "stream/event_decoder.h"
#include "stream/metrics.h"
#include "stream/model_provider.h"
#include "stream/stream_types.h"

namespace ferry::stream {

class Processor {
 public:
  // `dead_letter` may be null: dead letters are then logged to stderr as JSON lines.
  Processor(const StreamConfig& config, std::unique_ptr<Source> source,
            std::vector<std::unique_ptr<Sink>> sinks, std::unique_ptr<Sink> dead_letter,
            const ModelProvider* models, Metrics* metrics);

  absl::Status Run(const std::atomic<bool>& stop);

 private:
  absl::Status ProcessBatch(const std::vector<Message>& messages, const std::atomic<bool>& stop);
  // Retries while the sink is Unavailable. Cancelled when `stop` is set meanwhile.
  absl::Status WriteWithRetry(Sink& sink, const SinkBatch& batch, const std::atomic<bool>& stop);
  absl::Status CommitWithRetry(const std::vector<Message>& messages, const std::atomic<bool>& stop);
  bool Backoff(int attempt, const std::atomic<bool>& stop) const;  // false when stopped
  // The wait before attempt + 1: backoff_initial_ms doubled per attempt, capped at backoff_max_ms.
  int64_t BackoffMs(int attempt) const;
  void DescribeMetrics();
  void UpdateLag();

  const StreamConfig& config_;
  std::unique_ptr<Source> source_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  std::unique_ptr<Sink> dead_letter_;
  const ModelProvider* models_;
  Metrics* metrics_;
  EventDecoder decoder_;
  ModelChoice model_;  // last good choice
  int64_t batches_ = 0;
  std::chrono::steady_clock::time_point last_lag_{};
};

}  // namespace ferry::stream

#endif  // FERRY_STREAM_PROCESSOR_H_
