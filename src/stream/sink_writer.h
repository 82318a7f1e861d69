// SinkWriter: writes one batch at a time to every sink (and its dead letters to the dead-letter
// sink) on its own long-lived thread (started by the first Start, ended by the destructor), so
// that the loop can poll, decode and score the next batch meanwhile. Each sink is retried with
// capped exponential backoff while it is Unavailable: forever when errors.max_retries is 0, else up
// to that many attempts (then Unavailable); a sink that already accepted the batch is not written
// again. Other errors end the write at once. Stopping (the `stop` flag) during a backoff cancels
// the write (Cancelled).
//
// Use from one thread: Start, then Wait before the next Start, WriteIdle or Close. While a
// write is under way only the writer's thread touches the sinks.
#ifndef FERRY_STREAM_SINK_WRITER_H_
#define FERRY_STREAM_SINK_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "stream/config.h"
#include "stream/metrics.h"
#include "stream/stream_types.h"

namespace ferry::stream {

// The wait before attempt + 1: backoff_initial_ms doubled per attempt, capped at backoff_max_ms.
int64_t BackoffMs(const StreamConfig& config, int attempt);
// Sleeps BackoffMs(attempt) in short slices; false as soon as `stop` is set.
bool SleepBackoff(const StreamConfig& config, int attempt, const std::atomic<bool>& stop);

struct WriteJob {
  SinkBatch outputs;       // to every sink
  SinkBatch dead_letters;  // to the dead-letter sink, or logged when there is none
};

struct WriteOutcome {
  absl::Status status;  // OK: every sink durably accepted the batch
  double write_ms = 0;  // time from Start to the last sink's acceptance
};

class SinkWriter {
 public:
  // `dead_letter` may be null: dead letters are then logged to stderr as JSON lines.
  SinkWriter(const StreamConfig& config, std::vector<std::unique_ptr<Sink>> sinks,
             std::unique_ptr<Sink> dead_letter, Metrics* metrics);
  ~SinkWriter();  // waits for a write under way

  // `stop` cancels the sinks' backoffs; it must outlive the write.
  void Start(WriteJob job, const std::atomic<bool>& stop);
  bool busy() const { return busy_; }
  // True when a write was started and has finished (Wait will not block).
  bool ready() const;
  WriteOutcome Wait();
  // An empty batch to every sink, which lets file sinks roll by age. Only when not busy.
  void WriteIdle();
  // Closes every sink (files published, producers flushed). Only when not busy.
  void Close();

 private:
  void WriterLoop();
  WriteOutcome Write(const WriteJob& job);
  absl::Status WriteWithRetry(Sink& sink, const SinkBatch& batch);

  const StreamConfig& config_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  std::unique_ptr<Sink> dead_letter_;
  Metrics* metrics_;
  const std::atomic<bool>* stop_ = nullptr;
  std::unique_ptr<WriteJob> job_;  // the batch under way, owned here until Wait
  bool busy_ = false;              // Start called, Wait not yet (the caller's thread only)

  std::thread thread_;  // the writer thread, started by the first Start
  mutable std::mutex mu_;
  std::condition_variable cv_;
  const WriteJob* pending_ = nullptr;  // handed to the writer thread, not yet taken
  bool written_ = false;               // outcome_ holds the result of the last job
  bool quit_ = false;
  WriteOutcome outcome_;
};

}  // namespace ferry::stream

#endif  // FERRY_STREAM_SINK_WRITER_H_
