// The pieces the commit loop moves around: a Message from a source (its bytes and where it came
// from), a SinkBatch handed to every sink (output events as JSON lines and as table rows), and
// the Source and Sink interfaces the Kafka, Redis, SQL and file adapters implement.
//
// Contract of the loop (processor.h): Poll a batch, score it, Write it to every sink until each
// returns OK (a sink's OK means durably accepted), then Commit the batch's positions. Batches are
// committed in poll order, but the loop may Poll (and, up to batch.max_in_flight, Write) later
// batches before it commits batch N. A source never commits a position it did not hand out,
// and a sink may see the same event twice after a crash (at-least-once); sinks keyed by event
// id make that harmless. A Source is used from the loop's thread only; a Sink from one thread
// at a time (the loop's sink writer).
#ifndef FERRY_STREAM_STREAM_TYPES_H_
#define FERRY_STREAM_STREAM_TYPES_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/record_batch.h"

namespace ferry::stream {

// One message as the source delivered it.
// A source that gives a payload this much spare capacity (reserve) lets the decoder parse it in
// place, without a padded copy (simdjson reads up to 64 bytes past the end).
inline constexpr size_t kPayloadPadding = 64;

struct Message {
  std::string payload;       // the original bytes
  std::string topic;         // Kafka topic or Redis stream key
  int32_t partition = -1;    // Kafka partition; -1 for Redis
  int64_t offset = -1;       // Kafka offset; -1 for Redis
  std::string entry_id;      // Redis stream entry id ("1700000000000-0"); "" for Kafka
  int64_t timestamp_ms = 0;  // the source's timestamp of the message; 0 when unknown
  int64_t attempts = 1;      // deliveries so far, this one included, when the source knows

  // "rides/3/1042" (Kafka) or "rides/1700000000000-0" (Redis): a stable name of the position.
  std::string Position() const;
};

// What every sink receives for one batch. `json[i]` is the output event of `ids[i]`; `table`
// holds the same events as rows (one column per output field) for SQL and CSV sinks (only when
// one of the sinks reads_table(): else it has no columns).
struct SinkBatch {
  std::vector<std::string> ids;
  std::vector<std::string> json;
  RecordBatch table;
  size_t size() const { return ids.size(); }
};

class Source {
 public:
  virtual ~Source() = default;
  // "kafka:rides" or "redis:rides", for metrics and logs.
  virtual const std::string& name() const = 0;
  // Up to `max_messages`, waiting at most `max_wait` for the first one and no longer in all.
  // An empty result is normal. Unavailable when the broker cannot be reached (retry later).
  virtual absl::StatusOr<std::vector<Message>> Poll(size_t max_messages,
                                                    std::chrono::milliseconds max_wait) = 0;
  // Marks `messages`, all from one earlier Poll, processed (Kafka: records their offsets and
  // commits them asynchronously, at most every commit_interval_ms; Redis: XACK). Called once
  // per polled batch, in poll order.
  virtual absl::Status Commit(const std::vector<Message>& messages) = 0;
  // Consumer lag or pending entries as (label, value) pairs for the metrics page.
  virtual std::vector<std::pair<std::string, int64_t>> Lag() { return {}; }
  // Leaves the consumer group cleanly. Called once, after the last Commit.
  virtual absl::Status Close() = 0;
};

class Sink {
 public:
  virtual ~Sink() = default;
  // "kafka:preds", "postgres:ride_predictions", "file:/data/out", for metrics and logs.
  virtual const std::string& name() const = 0;
  // Writes the batch; OK means durably accepted. Unavailable when the destination is down
  // (the loop retries with backoff); other codes are configuration problems (the loop stops).
  virtual absl::Status Write(const SinkBatch& batch) = 0;

  // Pipelined sinks (Kafka) take several batches at once: Send starts writing `batch` and
  // returns a ticket without waiting; Await(ticket, wait) returns OK once that batch is durably
  // accepted, DeadlineExceeded when it is not yet after `wait`, or Write's errors. A ticket is
  // awaited until it is no longer DeadlineExceeded. Other sinks are only ever Written.
  virtual bool pipelined() const { return false; }
  // True when Write reads SinkBatch::table (SQL tables, CSV files), not only the JSON lines.
  virtual bool reads_table() const { return false; }
  virtual uint64_t Send(const SinkBatch& /*batch*/) { return 0; }
  virtual absl::Status Await(uint64_t /*ticket*/, std::chrono::milliseconds /*wait*/) {
    return absl::UnimplementedError(name() + " is not a pipelined sink");
  }

  // Finishes open files or flushes producers at shutdown.
  virtual absl::Status Close() { return absl::OkStatus(); }
};

}  // namespace ferry::stream

#endif  // FERRY_STREAM_STREAM_TYPES_H_
