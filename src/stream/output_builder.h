// Output events and dead letters of one batch, in the shapes the sinks write.
//
// Output event: bundle::OutputEventWriter's JSON line (bundle/output_event.h), e.g.
//   {"model": "ride_duration", "version": "3", "id": "r-17",
//    "prediction": {"duration": 18.2, "ride_id": "r-17"}, "processed_at":
//    "2024-05-01T10:00:00.123Z"}
// Table rows: the id, model, version and timestamp columns, then one column per output field and
// one per class probability ("probabilities_<label>").
//
// Dead letter:
//   {"id": "...", "source": "rides/3/1042", "error": "...", "attempts": 1, "payload": "<original>",
//    "model": "ride_duration", "version": "3", "failed_at": "..."}
// with the same fields as table columns. JsonShapeRows: either as rows of the result table
// (store/result_rows.h), the "json" table shape.
// Pure functions; thread-safe.
#ifndef FERRY_STREAM_OUTPUT_BUILDER_H_
#define FERRY_STREAM_OUTPUT_BUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "stream/config.h"
#include "stream/event_decoder.h"
#include "stream/stream_types.h"

namespace ferry::stream {

struct DeadLetter {
  std::string id;
  std::string position;
  std::string error;
  int64_t attempts = 1;
  std::string payload;
};

// "2024-05-01T10:00:00.123Z" for a Unix time in milliseconds.
std::string FormatTimestampMs(int64_t unix_ms);

// Output events for the rows of `scored` that succeeded (rows are those of `events.inputs`);
// the failed rows are appended to `dead` with their error. `with_table`: also as table rows
// (else the batch's table has its row count and no columns: no sink reads it).
SinkBatch BuildOutputs(const OutputConfig& config, const std::string& model,
                       const std::string& version, const DecodedEvents& events,
                       const bundle::ScoredBatch& scored, const std::vector<Message>& messages,
                       int64_t now_ms, std::vector<DeadLetter>* dead, bool with_table = true);

// The dead letters as a batch for a dead-letter sink; ids are the events' ids, or their
// positions when the id is unknown.
SinkBatch BuildDeadLetters(const std::vector<DeadLetter>& dead, const std::string& model,
                           const std::string& version, int64_t now_ms);

// The rows of a table sink with shape "json" (and of the async API's result store), in
// store::ResultRows' layout: `key_column` (the id), model, version, processed_at (a dead
// letter's failed_at; else `now_ms`) and event, the batch's JSON line; no received_at.
RecordBatch JsonShapeRows(const SinkBatch& batch, const std::string& key_column, int64_t now_ms);

}  // namespace ferry::stream

#endif  // FERRY_STREAM_OUTPUT_BUILDER_H_
