// BuildOutputs / BuildDeadLetters: JSON lines with io::JsonWriter and matching table rows.
#include "stream/output_builder.h"

#include <algorithm>

#include "absl/time/time.h"
#include "bundle/output_event.h"
#include "io/json_writer.h"
#include "store/result_rows.h"

namespace ferry::stream {
namespace {

// The column `name` of `table` as text per row, or `fallback` where it is absent or null.
std::vector<Value> TextColumn(const RecordBatch& table, std::string_view name, size_t rows,
                              const Value& fallback) {
  std::vector<Value> out(rows, fallback);
  int c = table.FindColumn(name);
  if (c < 0 || table.num_rows() != rows) return out;
  for (size_t r = 0; r < rows; ++r) {
    const Value& v = table.column(c).values[r];
    if (!v.is_null()) out[r] = v.is_string() ? v : Value::String(v.ToString());
  }
  return out;
}

}  // namespace

std::string FormatTimestampMs(int64_t unix_ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(unix_ms),
                          absl::UTCTimeZone());
}

SinkBatch BuildOutputs(const OutputConfig& config, const std::string& model,
                       const std::string& version, const DecodedEvents& events,
                       const bundle::ScoredBatch& scored, const std::vector<Message>& messages,
                       int64_t now_ms, std::vector<DeadLetter>* dead, bool with_table) {
  SinkBatch out;
  const std::string processed_at = FormatTimestampMs(now_ms);
  std::vector<size_t> good;
  for (size_t r = 0; r < scored.num_rows; ++r) {
    if (scored.ok(r)) {
      good.push_back(r);
    } else {
      dead->push_back({events.ids[r], events.PositionOf(r, messages), scored.errors[r],
                       messages[events.message[r]].attempts, events.PayloadOf(r, messages)});
    }
  }
  // Table columns: fixed ones first, then outputs not already present.
  std::vector<std::string> names;
  auto add_name = [&](const std::string& name) {
    if (name.empty() || std::find(names.begin(), names.end(), name) != names.end()) return false;
    names.push_back(name);
    return true;
  };
  auto fixed_column = [&](const std::string& name) {
    return add_name(name) ? static_cast<int>(names.size() - 1) : -1;
  };
  const int id_col = fixed_column(config.id_key);
  const int model_col = fixed_column(config.model_key);
  const int version_col = fixed_column(config.version_key);
  const int time_col = fixed_column(config.timestamp_key);
  std::vector<int> field_column(scored.field_names.size(), -1);
  for (size_t f = 0; f < scored.field_names.size(); ++f) {
    if (add_name(scored.field_names[f])) field_column[f] = static_cast<int>(names.size() - 1);
  }
  std::vector<int> probability_column(scored.class_labels.size(), -1);
  for (size_t k = 0; k < scored.class_labels.size(); ++k) {
    if (add_name(scored.probabilities_name + "_" + scored.class_labels[k])) {
      probability_column[k] = static_cast<int>(names.size() - 1);
    }
  }
  std::vector<std::vector<Value>> columns(names.size());
  for (auto& c : columns) c.reserve(good.size());

  const bundle::OutputEventWriter event_writer(config, scored, model, version, processed_at);
  out.ids.reserve(good.size());
  out.json.reserve(good.size());
  for (size_t r : good) {
    const std::string& id = events.ids[r];
    std::string line = event_writer.Event(id, r);
    out.ids.push_back(id);
    out.json.push_back(std::move(line));
    if (!with_table) continue;

    if (id_col >= 0) columns[id_col].push_back(Value::String(id));
    if (model_col >= 0) columns[model_col].push_back(Value::String(model));
    if (version_col >= 0) columns[version_col].push_back(Value::String(version));
    if (time_col >= 0) columns[time_col].push_back(Value::String(processed_at));
    for (size_t f = 0; f < field_column.size(); ++f) {
      if (field_column[f] >= 0) columns[field_column[f]].push_back(scored.field(r, f));
    }
    for (size_t k = 0; k < probability_column.size(); ++k) {
      if (probability_column[k] >= 0) {
        columns[probability_column[k]].push_back(Value::Float(scored.probability(r, k)));
      }
    }
  }
  out.table = RecordBatch(good.size());
  if (!with_table) return out;
  for (size_t c = 0; c < names.size(); ++c) out.table.AddColumn(names[c], std::move(columns[c]));
  return out;
}

SinkBatch BuildDeadLetters(const std::vector<DeadLetter>& dead, const std::string& model,
                           const std::string& version, int64_t now_ms) {
  SinkBatch out;
  const std::string failed_at = FormatTimestampMs(now_ms);
  std::vector<Value> ids, sources, errors, attempts, payloads, models, versions, times;
  for (const DeadLetter& d : dead) {
    const std::string& id = d.id.empty() ? d.position : d.id;
    std::string line;
    io::JsonWriter w(&line);
    w.BeginObject()
        .Key("id")
        .String(id)
        .Key("source")
        .String(d.position)
        .Key("error")
        .String(d.error)
        .Key("attempts")
        .Int(d.attempts)
        .Key("payload")
        .String(d.payload)
        .Key("model")
        .String(model)
        .Key("version")
        .String(version)
        .Key("failed_at")
        .String(failed_at)
        .EndObject();
    out.ids.push_back(id);
    out.json.push_back(std::move(line));
    ids.push_back(Value::String(id));
    sources.push_back(Value::String(d.position));
    errors.push_back(Value::String(d.error));
    attempts.push_back(Value::Int(d.attempts));
    payloads.push_back(Value::String(d.payload));
    models.push_back(Value::String(model));
    versions.push_back(Value::String(version));
    times.push_back(Value::String(failed_at));
  }
  out.table = RecordBatch(dead.size());
  out.table.AddColumn("id", std::move(ids));
  out.table.AddColumn("source", std::move(sources));
  out.table.AddColumn("error", std::move(errors));
  out.table.AddColumn("attempts", std::move(attempts));
  out.table.AddColumn("payload", std::move(payloads));
  out.table.AddColumn("model", std::move(models));
  out.table.AddColumn("version", std::move(versions));
  out.table.AddColumn("failed_at", std::move(times));
  return out;
}

RecordBatch JsonShapeRows(const SinkBatch& batch, const std::string& key_column, int64_t now_ms) {
  const size_t rows = batch.size();
  Value now = Value::String(FormatTimestampMs(now_ms));
  bool dead = batch.table.FindColumn("failed_at") >= 0;
  store::ResultRowValues values;
  for (size_t r = 0; r < rows; ++r) {
    values.ids.push_back(Value::String(batch.ids[r]));
    values.events.push_back(Value::String(batch.json[r]));
  }
  values.models = TextColumn(batch.table, "model", rows, Value::Null());
  values.versions = TextColumn(batch.table, "version", rows, Value::Null());
  values.processed_at = TextColumn(batch.table, dead ? "failed_at" : "processed_at", rows, now);
  return store::ResultRows(std::move(values), key_column);
}

}  // namespace ferry::stream
