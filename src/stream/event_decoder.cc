// EventDecoder: simdjson DOM parsing of events and Kinesis envelopes into RecordBatch rows.
#include "stream/event_decoder.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "io/json_value.h"

namespace ferry::stream {
static_assert(kPayloadPadding >= simdjson::SIMDJSON_PADDING);
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool ScalarValue(element e, Value* out) { return io::JsonScalarToValue(e, out); }

// Follows a path (the parts of "ride.id") through objects; false when something is missing.
bool AtPath(element root, const std::vector<std::string>& path, element* out) {
  element current = root;
  for (const std::string& part : path) {
    if (!current.is_object()) return false;
    if (current[part].get(current)) return false;
  }
  *out = current;
  return true;
}

int64_t TimeMs(const Value& v) {
  if (v.is_number()) {
    double d = *v.ToDouble();
    return static_cast<int64_t>(d > 1e11 ? d : d * 1000.0);  // milliseconds or seconds
  }
  if (v.is_string()) {
    absl::Time t;
    std::string err;
    if (absl::ParseTime(absl::RFC3339_full, v.as_string(), &t, &err)) return absl::ToUnixMillis(t);
  }
  return 0;
}

std::vector<std::string> PathParts(const std::string& path) {
  if (path.empty()) return {};
  return absl::StrSplit(path, '.');
}

}  // namespace

EventDecoder::EventDecoder(EventConfig config)
    : config_(std::move(config)),
      input_path_(PathParts(config_.input_path)),
      id_path_(PathParts(config_.id_field)),
      timestamp_path_(PathParts(config_.timestamp_field)) {}

bool DecodeBase64(std::string_view in, std::string* out) {
  static const auto* table = [] {
    auto* t = new std::array<int8_t, 256>;
    t->fill(-1);
    const char* chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i)
      (*t)[static_cast<unsigned char>(chars[i])] = static_cast<int8_t>(i);
    return t;
  }();
  out->clear();
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    int8_t v = (*table)[static_cast<unsigned char>(c)];
    if (v < 0) return false;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return bits < 6;  // a single leftover symbol cannot encode a byte
}

std::string EventDecoder::DecodeEvent(std::string_view json, bool padded,
                                      const std::string& default_id, int64_t default_time_ms,
                                      Row* row) {
  if (json.empty()) {
    return "the event is empty (for Redis: does the entry have the configured field?)";
  }
  element root;
  auto error = parser_.parse(json.data(), json.size(), /*realloc_if_needed=*/!padded).get(root);
  if (error) return absl::StrCat("invalid JSON: ", simdjson::error_message(error));
  if (!root.is_object()) return "the event is not a JSON object";
  element inputs = root;
  if (!config_.input_path.empty()) {
    if (!AtPath(root, input_path_, &inputs) || !inputs.is_object()) {
      return absl::StrCat("the event has no object at '", config_.input_path, "'");
    }
    // Scalars beside the inputs object (e.g. ride_id next to ride) come first, so that a
    // field of the inputs object with the same name wins.
    for (auto [key, value] : root.get_object()) {
      Value v;
      if (ScalarValue(value, &v)) {
        row->cells.emplace_back(ColumnFor(key, row->cells.size()), std::move(v));
      }
    }
  }
  for (auto [key, value] : inputs.get_object()) {
    Value v;
    if (ScalarValue(value, &v)) {
      row->cells.emplace_back(ColumnFor(key, row->cells.size()), std::move(v));
    }
  }
  row->id = default_id;
  if (!config_.id_field.empty()) {
    element id;
    std::string_view text;
    Value v;
    const bool found = AtPath(root, id_path_, &id);
    if (found && id.get_string().get(text) == simdjson::SUCCESS) {
      row->id.assign(text);  // the usual string id, copied once
    } else if (found && ScalarValue(id, &v) && !v.is_null()) {
      row->id = v.ToString();  // a number or boolean, as its JSON text
    } else {
      return absl::StrCat("the event lacks its id field '", config_.id_field, "'");
    }
  }
  row->time_ms = default_time_ms;
  if (!config_.timestamp_field.empty()) {
    element t;
    Value v;
    if (AtPath(root, timestamp_path_, &t) && ScalarValue(t, &v)) {
      if (int64_t ms = TimeMs(v); ms > 0) row->time_ms = ms;
    }
  }
  return "";
}

size_t EventDecoder::ColumnFor(std::string_view key, size_t hint) {
  if (hint < field_order_.size() && field_order_[hint] < columns_.size() &&
      columns_[field_order_[hint]].name == key) {
    return field_order_[hint];
  }
  size_t c = 0;
  while (c < columns_.size() && columns_[c].name != key) ++c;
  if (c == columns_.size()) columns_.push_back(Column{std::string(key), {}});
  if (hint < field_order_.size()) {
    field_order_[hint] = c;
  } else {
    field_order_.resize(hint + 1, c);
  }
  return c;
}

void EventDecoder::AddRow(Row& row, size_t r) {
  for (auto& [c, value] : row.cells) {
    std::vector<Value>& values = columns_[c].values;
    if (values.size() == r + 1) {  // the same name twice in one event: the later one wins
      values.back() = std::move(value);
      continue;
    }
    // A column's values move into the batch's RecordBatch: room for the whole batch at its
    // first value, rather than growing (and moving the values) ten times on the way to 1000.
    if (values.capacity() == 0) values.reserve(expected_rows_);
    values.resize(r);  // nulls where earlier events lacked the field
    values.push_back(std::move(value));
  }
}

DecodedEvents EventDecoder::Decode(const std::vector<Message>& messages) {
  DecodedEvents out;
  // The columns' names carry over from batch to batch (so does field_order_), unless events
  // bring ever new names.
  if (columns_.size() > kMaxRememberedColumns) {
    columns_.clear();
    field_order_.clear();
  }
  Row row;
  const bool kinesis = config_.format == "kinesis";
  expected_rows_ = messages.size();
  out.ids.reserve(expected_rows_);
  out.event_time_ms.reserve(expected_rows_);
  out.message.reserve(expected_rows_);
  out.position.reserve(expected_rows_);
  out.payload.reserve(expected_rows_);
  for (size_t m = 0; m < messages.size(); ++m) {
    const Message& message = messages[m];
    // The position is the default id; without a need for it, only a failure spells it out.
    const std::string position =
        kinesis || config_.id_field.empty() ? message.Position() : std::string();
    // `pos` and `json` are "" and the whole message for a plain event, else an envelope's.
    auto add = [&](std::string_view json, const std::string& pos, bool whole_message) {
      row.cells.clear();
      // A payload with spare capacity for simdjson's padding is parsed in place.
      const bool padded =
          whole_message && message.payload.capacity() >= json.size() + simdjson::SIMDJSON_PADDING;
      std::string error = DecodeEvent(json, padded, pos, message.timestamp_ms, &row);
      if (!error.empty()) {
        out.failures.push_back({m, whole_message ? message.Position() : pos, std::string(json),
                                std::move(error)});
        return;
      }
      AddRow(row, out.ids.size());
      out.ids.push_back(std::move(row.id));
      out.event_time_ms.push_back(row.time_ms);
      out.message.push_back(m);
      out.position.emplace_back(whole_message ? "" : pos);
      out.payload.emplace_back(whole_message ? std::string_view() : json);
    };
    if (!kinesis) {
      add(message.payload, position, true);
      continue;
    }
    // Kinesis envelope: copy the records out before the parser is reused for each event.
    struct Record {
      std::string data, sequence;
      bool ok;
    };
    std::vector<Record> records;
    element root;
    simdjson::dom::array list;
    if (parser_.parse(message.payload.data(), message.payload.size(), true).get(root) ||
        root["Records"].get(list)) {
      out.failures.push_back(
          {m, position, message.payload, "not a Kinesis envelope: expected {\"Records\": [...]}"});
      continue;
    }
    for (element record : list) {
      std::string_view data, sequence;
      Record r;
      r.ok = !record["kinesis"]["data"].get(data);
      if (!record["kinesis"]["sequenceNumber"].get(sequence)) r.sequence = std::string(sequence);
      if (r.sequence.empty()) r.sequence = std::to_string(records.size());
      r.data = std::string(data);
      records.push_back(std::move(r));
    }
    for (const Record& r : records) {
      std::string pos = absl::StrCat(position, "#", r.sequence);
      std::string decoded;
      if (!r.ok || !DecodeBase64(r.data, &decoded)) {
        out.failures.push_back({m, pos, r.data, "kinesis.data is missing or not base64"});
        continue;
      }
      add(decoded, pos, false);
    }
  }
  const size_t rows = out.ids.size();
  out.inputs = RecordBatch(rows);
  for (Column& column : columns_) {
    if (column.values.empty()) continue;  // only in failed events, or in earlier batches
    column.values.resize(rows);
    out.inputs.AddColumn(column.name, std::move(column.values));
    column.values.clear();
  }
  return out;
}

std::string DecodedEvents::PositionOf(size_t r, const std::vector<Message>& messages) const {
  return position[r].empty() ? messages[message[r]].Position() : position[r];
}

const std::string& DecodedEvents::PayloadOf(size_t r, const std::vector<Message>& messages) const {
  return payload[r].empty() ? messages[message[r]].payload : payload[r];
}

std::string Message::Position() const {
  if (partition >= 0) return absl::StrCat(topic, "/", partition, "/", offset);
  return absl::StrCat(topic, "/", entry_id);
}

}  // namespace ferry::stream
