// EventDecoder: turns source messages into the input records of a batch. A message is one JSON
// event, or (format kinesis) an envelope {"Records": [{"kinesis": {"data": "<base64 JSON>",
// "partitionKey": ..., "sequenceNumber": ...}}]} holding several. The inputs are the scalar
// fields of the event (or of the object at `input_path`, plus the scalar fields beside it), the
// id comes from `id_field` (default: the source position, stable across replays), the event
// time from `timestamp_field` (epoch seconds or milliseconds, or RFC 3339 text; default: the
// source's timestamp). An event that cannot be decoded becomes a DecodeFailure, never an error
// of the batch. Stateless apart from a reused parser; not thread-safe.
#ifndef FERRY_STREAM_EVENT_DECODER_H_
#define FERRY_STREAM_EVENT_DECODER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "simdjson.h"
#include "stream/config.h"
#include "stream/stream_types.h"

namespace ferry::stream {

struct DecodeFailure {
  size_t message;        // index into the messages
  std::string position;  // message position, plus "#<sequenceNumber>" inside an envelope
  std::string payload;   // the bytes that failed (the inner event inside an envelope)
  std::string error;
};

struct DecodedEvents {
  RecordBatch inputs;                  // one row per decoded event
  std::vector<std::string> ids;        // per row
  std::vector<int64_t> event_time_ms;  // per row; 0 when unknown
  std::vector<size_t> message;         // per row: index of its message
  // Per row, for dead letters: its position and its own bytes, or "" for both when the row is
  // its whole message (then they are the message's Position() and payload: see below).
  std::vector<std::string> position;
  std::vector<std::string> payload;
  std::vector<DecodeFailure> failures;

  // Row `r`'s position and bytes; `messages` are those Decode read.
  std::string PositionOf(size_t r, const std::vector<Message>& messages) const;
  const std::string& PayloadOf(size_t r, const std::vector<Message>& messages) const;
};

class EventDecoder {
 public:
  explicit EventDecoder(EventConfig config);
  DecodedEvents Decode(const std::vector<Message>& messages);

 private:
  // One event's decoded fields, before they join the batch's columns (only if the whole event
  // decoded). Reused from event to event.
  struct Row {
    std::vector<std::pair<size_t, Value>> cells;  // (index into columns_, value)
    std::string id;
    int64_t time_ms = 0;
  };
  // Decodes one JSON event; returns "" or the reason it failed. `padded`: the bytes after
  // `json` up to simdjson::SIMDJSON_PADDING may be read (else the parser copies it first).
  std::string DecodeEvent(std::string_view json, bool padded, const std::string& default_id,
                          int64_t default_time_ms, Row* row);
  // The index of the column named `key` in columns_, added when new. `hint`: where the key was
  // in the last event (events of one stream mostly share their fields' order).
  size_t ColumnFor(std::string_view key, size_t hint);
  // Appends `row` to the batch's columns as row number `r`.
  void AddRow(Row& row, size_t r);

  static constexpr size_t kMaxRememberedColumns = 4096;
  EventConfig config_;
  // The dotted paths of config_, split once.
  std::vector<std::string> input_path_, id_path_, timestamp_path_;
  simdjson::dom::parser parser_;
  std::vector<Column> columns_;  // of the batch being decoded
  std::vector<size_t> field_order_;  // column of each field of the last event, in its order
  size_t expected_rows_ = 0;  // rows the batch being decoded will have, about (its messages)
};

// Decodes standard base64 (with or without padding); false on invalid input.
bool DecodeBase64(std::string_view in, std::string* out);

}  // namespace ferry::stream

#endif  // FERRY_STREAM_EVENT_DECODER_H_
