// Processor: the commit loop of `ferry stream`, pipelined up to batch.max_in_flight batches
// deep (D below).
//
//   loop until stopped:
//     commit the batches whose writes finished (oldest first)
//     messages = source.Poll(max_records, max_wait)
//     prepare batch N: decode, score, build output events and dead letters
//     while D batches are under way: wait for the oldest, then commit it
//     start batch N: hand it to the SinkWriter (writes on a background thread)
//
// So the sinks' round trips (Kafka acknowledgements, a database COMMIT) overlap the poll,
// decoding and scoring of later batches, and with Kafka sinks each other. Invariants:
// - A batch is committed only after every sink durably accepted it, and batches are committed
//   strictly in poll order. With D = 1 a batch goes to the sinks only once the one before was
//   accepted and committed.
// - At most D + 1 batches are held: D under way, one being prepared. While a sink is down
//   (retried with backoff by the SinkWriter) nothing more is polled: backpressure.
// - When a sink stays down through errors.max_retries attempts or fails for good, Run returns
//   the error and neither that batch nor any later one is committed.
// - An empty poll, and the end of the loop, finish every batch under way first.
// Stop (SIGTERM): every batch polled is finished and committed, then the source is closed; a
// batch whose sink is down at that moment is left uncommitted (delivered again).
// Run returns OK after a clean stop. The Metrics may be read from another thread.
#ifndef FERRY_STREAM_PROCESSOR_H_
#define FERRY_STREAM_PROCESSOR_H_

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "stream/config.h"
#include "stream/event_decoder.h"
#include "stream/metrics.h"
#include "stream/model_provider.h"
#include "stream/sink_writer.h"
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
  using Clock = std::chrono::steady_clock;
  // A batch between its poll and its commit: what the commit and the metrics need.
  struct Batch {
    std::vector<Message> messages;
    std::vector<int64_t> event_time_ms;
    size_t events_in = 0, scored = 0, dead_lettered = 0;
    std::string model, version;
    Clock::time_point polled, decoded, scored_at, built;
    double poll_ms = 0;                 // in source.Poll
    double wait_ms = 0, commit_ms = 0;  // waiting for the sinks' acceptance, committing
  };

  // Decodes and scores `messages` into *job; fails only when no model was ever loaded.
  absl::StatusOr<Batch> Prepare(std::vector<Message> messages, WriteJob* job);
  // Waits for the oldest batch under way to be accepted by every sink, then commits it. OK
  // when nothing is under way. The sinks' error when they did not accept it (not committed).
  absl::Status FinishOldest(const std::atomic<bool>& stop);
  // FinishOldest until nothing is under way or one fails.
  absl::Status FinishAll(const std::atomic<bool>& stop);
  absl::Status CommitWithRetry(const std::vector<Message>& messages, const std::atomic<bool>& stop);
  void ReportBatch(const Batch& batch, const WriteOutcome& outcome, bool committed);
  void UpdateModel();
  void DescribeMetrics();
  void UpdateLag();

  const StreamConfig& config_;
  std::unique_ptr<Source> source_;
  SinkWriter writer_;
  const ModelProvider* models_;
  Metrics* metrics_;
  EventDecoder decoder_;
  const bool sinks_read_table_;  // else output batches carry JSON lines only
  ModelChoice model_;  // last good choice
  absl::Status model_error_;
  std::deque<Batch> in_flight_;  // handed to writer_, not yet committed, oldest first
  // A batch is split across batch.score_threads threads only when one thread would take longer
  // than this to score it, by the running estimate of the scoring time per row (none yet: the
  // first batch is split, and measured).
  static constexpr double kSplitAboveSeconds = 0.002;
  double score_seconds_per_row_ = -1;
  int64_t batches_ = 0;
  Clock::time_point last_lag_{};
};

}  // namespace ferry::stream

#endif  // FERRY_STREAM_PROCESSOR_H_
