// SinkWriter: writes batches to every sink (and their dead letters to the dead-letter sink) on
// its own long-lived thread (started by the first Start, ended by the destructor), so that the
// loop can poll, decode and score meanwhile. Several batches may be under way at once (the
// caller bounds how many): a pipelined sink (Kafka) is sent each batch as soon as it is started
// and its acknowledgements are awaited oldest first, so round trips overlap; other sinks are
// written one batch after the other. Outcomes come back in start order (Wait).
//
// Each sink is retried with capped exponential backoff while it is Unavailable: forever when
// errors.max_retries is 0, else up to that many attempts (then Unavailable); a sink that
// already accepted the batch is not written again. Other errors end the batch's write at once.
// Stopping (the `stop` flag) during a backoff cancels the write (Cancelled). Dead letters go
// out once every sink accepted the batch's outputs.
//
// Use from one thread: Start, Wait (oldest first); WriteIdle and Close only when nothing is
// under way. Only the writer's thread touches the sinks while batches are under way.
#ifndef FERRY_STREAM_SINK_WRITER_H_
#define FERRY_STREAM_SINK_WRITER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
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
// Sleeps BackoffMs(attempt) in short slices; false as soon as `stop` (or `*also`) is set.
bool SleepBackoff(const StreamConfig& config, int attempt, const std::atomic<bool>& stop,
                  const std::atomic<bool>* also = nullptr);

struct WriteJob {
  SinkBatch outputs;       // to every sink
  SinkBatch dead_letters;  // to the dead-letter sink, or logged when there is none
};

struct WriteOutcome {
  absl::Status status;  // OK: every sink durably accepted the batch
  double write_ms = 0;  // time from Start to the last sink's acceptance (and dead letters)
  double send_ms = 0;   // time from Start until every sink had the batch (sent or written)
};

class SinkWriter {
 public:
  // `dead_letter` may be null: dead letters are then logged to stderr as JSON lines.
  SinkWriter(const StreamConfig& config, std::vector<std::unique_ptr<Sink>> sinks,
             std::unique_ptr<Sink> dead_letter, Metrics* metrics);
  ~SinkWriter();  // waits for the writes under way

  // Queues `job` behind those under way. `stop` cancels the sinks' backoffs; it must outlive
  // the writes.
  void Start(WriteJob job, const std::atomic<bool>& stop);
  // True when one of the sinks reads SinkBatch::table.
  bool reads_table() const;
  // Batches started and not yet Waited for.
  size_t in_flight() const { return started_ - waited_; }
  bool busy() const { return in_flight() > 0; }
  // True when the oldest batch under way has its outcome (Wait will not block).
  bool ready() const;
  // The outcome of the oldest batch under way; blocks until it has one.
  WriteOutcome Wait();
  // Gives up the batches under way (after an error, before Waiting them out): backoffs end and
  // unfinished writes end Cancelled instead of being retried.
  void Cancel() { cancelled_ = true; }
  // An empty batch to every sink, which lets file sinks roll by age. Only when not busy.
  void WriteIdle();
  // Closes every sink (files published, producers flushed). Only when not busy.
  void Close();

 private:
  using Clock = std::chrono::steady_clock;
  struct Slot {
    WriteJob job;
    Clock::time_point started;
    std::vector<uint64_t> tickets;  // per sink: its Send ticket (pipelined sinks)
    std::vector<int> attempts;      // per sink: writes tried so far
    std::vector<bool> accepted;     // per sink
    bool failed = false;            // outcome.status is final (and not OK)
    bool done = false;              // outcome is final (guarded by mu_)
    WriteOutcome outcome;
  };

  void WriterLoop();
  // Sends the slot to the pipelined sinks and writes it to the others.
  void Send(Slot& slot);
  // Awaits the slot's pipelined sinks for a short while; true when its outcome is final.
  bool Finish(Slot& slot);
  // Marks sink number `sink` as having accepted the slot, and counts its events out.
  void Accepted(Slot& slot, size_t sink);
  // After a failed attempt of `sink`: the error to end with, or OK after the backoff.
  absl::Status Retry(Sink& sink, int attempt, const absl::Status& failure);
  absl::Status WriteWithRetry(Sink& sink, const SinkBatch& batch);
  Slot* SlotAt(uint64_t sequence) { return slots_[sequence - waited_].get(); }

  const StreamConfig& config_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  std::unique_ptr<Sink> dead_letter_;
  Metrics* metrics_;
  const std::atomic<bool>* stop_ = nullptr;
  std::atomic<bool> cancelled_ = false;

  std::thread thread_;  // the writer thread, started by the first Start
  mutable std::mutex mu_;
  std::condition_variable cv_;
  // Slots by sequence number: waited_ <= finished_ <= sent_ <= started_. slots_[0] is the
  // slot of sequence waited_. started_ and waited_ change on the caller's thread, sent_ and
  // finished_ on the writer's; all under mu_.
  std::deque<std::unique_ptr<Slot>> slots_;
  uint64_t started_ = 0, sent_ = 0, finished_ = 0, waited_ = 0;
  bool quit_ = false;
};

}  // namespace ferry::stream

#endif  // FERRY_STREAM_SINK_WRITER_H_
