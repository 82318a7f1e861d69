// Output columns and reject lines of a scored chunk (see output_rows.h).
#include "batch/output_rows.h"

#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "bundle/output_event.h"
#include "io/json_writer.h"
#include "store/result_rows.h"

namespace ferry::batch {
namespace {

std::optional<parquet::ColumnType> TypeOfInput(const bundle::Bundle& bundle,
                                               const std::string& name) {
  for (const bundle::InputSpec& in : bundle.spec().inputs) {
    if (in.name != name) continue;
    switch (in.type) {
      case bundle::Type::kInt:
        return parquet::ColumnType::kInt64;
      case bundle::Type::kFloat:
        return parquet::ColumnType::kDouble;
      case bundle::Type::kBool:
        return parquet::ColumnType::kBool;
      case bundle::Type::kString:
      case bundle::Type::kDate:
      case bundle::Type::kTimestamp:
        return parquet::ColumnType::kString;
      case bundle::Type::kNull:
        break;
    }
  }
  return std::nullopt;
}

// The row ids of rows `good` of `in`: column `col`'s values, or fresh UUIDs where there are
// none (col < 0 or null).
std::vector<Value> RowIds(const RecordBatch& in, int col, const std::vector<size_t>& good) {
  std::vector<Value> ids(good.size());
  for (size_t i = 0; i < good.size(); ++i) {
    const Value* v = col >= 0 ? &in.column(col).values[good[i]] : nullptr;
    ids[i] = v && !v->is_null() ? *v : Value::String(NewUuid());
  }
  return ids;
}

}  // namespace

std::string NewUuid() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ull) | 0x4000ull;                  // version 4
  lo = (lo & ~(0xC000ull << 48)) | (0x8000ull << 48);  // variant 10xx
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  int pos = 0;
  auto put = [&](uint64_t v, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
      out[pos++] = kHex[(v >> (4 * i)) & 0xF];
    }
  };
  put(hi, 16);
  put(lo, 16);
  return out;
}

absl::StatusOr<OutputLayout> OutputLayout::Make(const ColumnsConfig& config,
                                                const bundle::Bundle& bundle,
                                                const OutputConfig& output) {
  OutputLayout layout;
  layout.config_ = config;
  layout.version_ = bundle.version();
  layout.model_name_ = bundle.name();
  if (output.shape == "json") {
    if (config.row_id.empty()) {
      return absl::InvalidArgumentError(
          "output.table.shape json: its rows are keyed on the row id; set columns.row_id to "
          "the input column holding the request id");
    }
    if (bundle.name().empty()) {
      return absl::InvalidArgumentError(
          "output.table.shape json: the bundle has no name (name: in its ferry.yaml), which the "
          "result table's model column needs");
    }
    layout.result_table_ = true;
    layout.received_at_column_ = output.received_at_column;
    for (const char* name : {"id", "model", "version", "received_at", "processed_at", "event"}) {
      if (std::string(name) == "received_at" && output.received_at_column.empty()) continue;
      layout.columns_.push_back({name, parquet::ColumnType::kString});
    }
    return layout;
  }
  // The bundle's output names, from scoring no rows.
  bundle::ScoredBatch empty = bundle.Score(RecordBatch(0));
  std::set<std::string> taken;
  auto add = [&](std::string name, Slot slot, std::optional<parquet::ColumnType> type) {
    taken.insert(name);
    layout.columns_.push_back({std::move(name), type});
    layout.slots_.push_back(std::move(slot));
  };
  if (!config.row_id.empty()) {
    add(config.row_id, {Kind::kRowId, config.row_id, 0}, parquet::ColumnType::kString);
  }
  for (const std::string& name : config.passthrough) {
    if (taken.count(name)) continue;
    add(name, {Kind::kPassthrough, name, 0}, TypeOfInput(bundle, name));
  }
  std::set<std::string> wanted(config.outputs.begin(), config.outputs.end());
  std::set<std::string> known;
  for (size_t i = 0; i < empty.field_names.size(); ++i) {
    const std::string& name = empty.field_names[i];
    known.insert(name);
    if (taken.count(name) || (!wanted.empty() && !wanted.count(name))) continue;
    std::optional<parquet::ColumnType> type;
    if (i == 0 && bundle.model().task() == model::Task::kRegression)
      type = parquet::ColumnType::kDouble;
    if (i == 0 && !bundle.spec().outputs.labels.empty()) type = parquet::ColumnType::kString;
    for (const std::string& p : bundle.spec().outputs.passthrough) {
      if (p == name) type = TypeOfInput(bundle, name);
    }
    add(name, {Kind::kField, "", i}, type);
  }
  for (size_t k = 0; k < empty.class_labels.size(); ++k) {
    std::string name = absl::StrCat(empty.probabilities_name, "_", empty.class_labels[k]);
    known.insert(name);
    if (taken.count(name) || (!wanted.empty() && !wanted.count(name))) continue;
    add(name, {Kind::kProbability, "", k}, parquet::ColumnType::kDouble);
  }
  for (const std::string& w : wanted) {
    if (!known.count(w)) {
      std::vector<std::string> names(known.begin(), known.end());
      return absl::InvalidArgumentError(absl::StrCat("columns.outputs: the bundle has no output '",
                                                     w, "' (it has: ", absl::StrJoin(names, ", "),
                                                     ")"));
    }
  }
  if (!config.model_version.empty() && !taken.count(config.model_version)) {
    add(config.model_version, {Kind::kModelVersion, "", 0}, parquet::ColumnType::kString);
  }
  if (!config.label.empty() && !config.difference.empty() && !taken.count(config.difference)) {
    if (bundle.model().task() != model::Task::kRegression) {
      return absl::InvalidArgumentError(absl::StrCat(
          "columns.label: a difference to the label needs a regression model; this bundle's "
          "model is a classifier (remove columns.label, or pass the label through instead)"));
    }
    add(config.difference, {Kind::kDifference, config.label, 0}, parquet::ColumnType::kDouble);
  }
  return layout;
}

BuiltRows OutputLayout::Build(const SourceChunk& chunk, const bundle::ScoredBatch& scored,
                              const std::vector<std::string>& sources) const {
  BuiltRows built;
  const RecordBatch& in = chunk.batch;
  std::vector<size_t> good;
  good.reserve(in.num_rows());
  const std::string& source = sources[chunk.source];
  for (size_t r = 0; r < in.num_rows(); ++r) {
    std::string problem = scored.ok(r) ? RowProblem(in, r) : scored.errors[r];
    if (problem.empty()) {
      good.push_back(r);
      continue;
    }
    ++built.rejected;
    io::JsonWriter w(&built.rejects);
    w.BeginObject().Key("source").String(source);
    w.Key(chunk.position_kind).Int(r < chunk.positions.size() ? chunk.positions[r] : 0);
    w.Key("reason").String(problem);
    w.Key("record").BeginObject();
    for (const Column& c : in.columns()) w.Key(c.name).Write(c.values[r]);
    w.EndObject().EndObject();
    built.rejects.push_back('\n');
  }
  if (result_table_) {
    built.rows = ResultTableRows(in, good, scored);
    return built;
  }
  built.rows = RecordBatch(good.size());
  const size_t n = good.size();
  for (size_t c = 0; c < slots_.size(); ++c) {
    const Slot& slot = slots_[c];
    std::vector<Value> values(n);
    int col = slot.source_name.empty() ? -1 : in.FindColumn(slot.source_name);
    switch (slot.kind) {
      case Kind::kRowId:
        values = RowIds(in, col, good);
        break;
      case Kind::kPassthrough:
        if (col >= 0) {
          for (size_t i = 0; i < n; ++i) values[i] = in.column(col).values[good[i]];
        }
        break;
      case Kind::kField:
        for (size_t i = 0; i < n; ++i) values[i] = scored.field(good[i], slot.index);
        break;
      case Kind::kProbability:
        for (size_t i = 0; i < n; ++i)
          values[i] = Value::Float(scored.probability(good[i], slot.index));
        break;
      case Kind::kModelVersion:
        for (size_t i = 0; i < n; ++i) values[i] = Value::String(version_);
        break;
      case Kind::kDifference:
        if (col >= 0) {
          for (size_t i = 0; i < n; ++i) {
            std::optional<double> actual = in.column(col).values[good[i]].ToDouble();
            std::optional<double> predicted = scored.field(good[i], 0).ToDouble();
            if (actual && predicted) values[i] = Value::Float(*actual - *predicted);
          }
        }
        break;
    }
    built.rows.AddColumn(columns_[c].name, std::move(values));
  }
  return built;
}

std::string OutputLayout::RowProblem(const RecordBatch& in, size_t r) const {
  if (received_at_column_.empty()) return "";
  int col = in.FindColumn(received_at_column_);
  if (col < 0) {
    return absl::StrCat("output.table.received_at: the input has no column '", received_at_column_,
                        "'");
  }
  const Value& v = in.column(col).values[r];
  if (v.is_null()) return "";
  if (!v.is_string() || !store::ParseResultTime(v.as_string())) {
    return absl::StrCat("received_at (input column '", received_at_column_, "'): '",
                        v.ToString().substr(0, 64),
                        "' is not a time (write YYYY-MM-DD HH:MM:SS in UTC, or RFC 3339)");
  }
  return "";
}

RecordBatch OutputLayout::ResultTableRows(const RecordBatch& in, const std::vector<size_t>& good,
                                          const bundle::ScoredBatch& scored) const {
  const std::string processed_at = store::FormatResultTime(absl::Now());
  const bundle::OutputEventWriter events(bundle::OutputEventKeys(), scored, model_name_, version_,
                                         processed_at);
  store::ResultRowValues values;
  values.ids = RowIds(in, in.FindColumn(config_.row_id), good);
  int received_col = received_at_column_.empty() ? -1 : in.FindColumn(received_at_column_);
  for (size_t i = 0; i < good.size(); ++i) {
    Value& id = values.ids[i];
    if (!id.is_string()) id = Value::String(id.ToString());
    values.events.push_back(
        Value::String(events.Event(id.as_string(), good[i])));
    if (received_col >= 0) {
      const Value& v = in.column(received_col).values[good[i]];
      values.received_at.push_back(v.is_null() ? Value::Null()
                                               : Value::String(store::FormatResultTime(
                                                     *store::ParseResultTime(v.as_string()))));
    }
  }
  values.models.assign(good.size(), Value::String(model_name_));
  values.versions.assign(good.size(), Value::String(version_));
  values.processed_at.assign(good.size(), Value::String(processed_at));
  return store::ResultRows(std::move(values));
}

}  // namespace ferry::batch
