// ResultStore: SQL over store::Database, and the stored event turned into the API's shape.
#include "async/result_store.h"

#include "absl/strings/str_cat.h"
#include "io/json_writer.h"
#include "simdjson.h"
#include "store/result_rows.h"

namespace ferry::async {
namespace {

std::string Text(const RecordBatch& batch, std::string_view column, size_t row) {
  int c = batch.FindColumn(column);
  if (c < 0) return "";
  const Value& v = batch.column(c).values[row];
  if (v.is_null()) return "";
  return v.is_string() ? v.as_string() : v.ToString();
}

// Fills state, prediction_json and error from the stored event (an output event, nested or
// flat, or a dead letter).
void Interpret(const std::string& event, StoredResult* result) {
  if (event.empty()) {
    result->state = StoredResult::State::kWait;
    return;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::object object;
  if (parser.parse(event).get(root) || root.get(object)) {
    result->state = StoredResult::State::kError;
    result->error = "the stored result is not a JSON object";
    return;
  }
  simdjson::dom::element prediction, error;
  bool nested = object["prediction"].get(prediction) == simdjson::SUCCESS && prediction.is_object();
  if (!nested && object["error"].get(error) == simdjson::SUCCESS) {
    result->state = StoredResult::State::kError;
    std::string_view text;
    result->error = error.get(text) ? simdjson::minify(error) : std::string(text);
    return;
  }
  result->state = StoredResult::State::kOk;
  simdjson::dom::object fields = nested ? simdjson::dom::object(prediction) : object;
  std::string out;
  io::JsonWriter w(&out);
  w.BeginObject();
  for (auto [key, value] : fields) {
    if (!nested && (key == "id" || key == "processed_at" || key == "model" || key == "version")) {
      continue;
    }
    w.Key(key).Raw(simdjson::minify(value));
  }
  w.Key("model").String(result->model).Key("version").String(result->version).EndObject();
  result->prediction_json = std::move(out);
}

StoredResult FromRow(const RecordBatch& batch, size_t row) {
  StoredResult result;
  result.id = Text(batch, "id", row);
  result.model = Text(batch, "model", row);
  result.version = Text(batch, "version", row);
  result.received_at = Text(batch, "received_at", row);
  result.processed_at = Text(batch, "processed_at", row);
  Interpret(Text(batch, "event", row), &result);
  return result;
}

constexpr char kColumns[] = "id, model, version, received_at, processed_at, event";

}  // namespace

std::string FormatUtcTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<std::unique_ptr<ResultStore>> ResultStore::Open(const std::string& url,
                                                               const std::string& table) {
  auto db = store::OpenDatabase(url);
  if (!db.ok()) return db.status();
  std::unique_ptr<ResultStore> result(
      new ResultStore(std::move(*db), store::QuoteIdentifier(table)));
  result->table_name_ = table;
  if (absl::Status created = store::CreateResultTable(*result->db_, table); !created.ok()) {
    return absl::Status(created.code(), absl::StrCat("async ", created.message()));
  }
  return result;
}

absl::Status InsertWaitingRow(store::Database& db, const std::string& table, const std::string& id,
                              const std::string& model, const std::string& received_at) {
  return db.Execute(absl::StrCat("INSERT INTO ", store::QuoteIdentifier(table),
                                 " (id, model, received_at) VALUES ($1, $2, $3)"),
                    {Value::String(id), Value::String(model), Value::String(received_at)});
}

absl::Status ResultStore::AddPending(const std::string& id, const std::string& model,
                                     const std::string& received_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  return InsertWaitingRow(*db_, table_name_, id, model, received_at);
}

absl::Status ResultStore::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return db_->Execute(absl::StrCat("DELETE FROM ", table_, " WHERE id = $1 AND event IS NULL"),
                      {Value::String(id)});
}

absl::StatusOr<std::optional<StoredResult>> ResultStore::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::optional<StoredResult> found;
  absl::Status status =
      db_->Query(absl::StrCat("SELECT ", kColumns, " FROM ", table_, " WHERE id = $1"),
                 {Value::String(id)}, 16, [&](RecordBatch chunk) {
                   if (chunk.num_rows() > 0) found = FromRow(chunk, 0);
                   return absl::OkStatus();
                 });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<std::vector<StoredResult>> ResultStore::List(const std::string& model,
                                                            absl::Time from, absl::Time to,
                                                            size_t limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<StoredResult> out;
  absl::Status status =
      db_->Query(absl::StrCat("SELECT ", kColumns, " FROM ", table_,
                              " WHERE model = $1 AND event IS NOT NULL AND processed_at >= $2 AND "
                              "processed_at < $3 ORDER BY processed_at, id LIMIT $4"),
                 {Value::String(model), Value::String(FormatUtcTime(from)),
                  Value::String(FormatUtcTime(to)), Value::Int(static_cast<int64_t>(limit))},
                 1024, [&](RecordBatch chunk) {
                   for (size_t r = 0; r < chunk.num_rows(); ++r) out.push_back(FromRow(chunk, r));
                   return absl::OkStatus();
                 });
  if (!status.ok()) return status;
  return out;
}

absl::Status ResultStore::DeleteOlderThan(absl::Time cutoff) {
  std::lock_guard<std::mutex> lock(mutex_);
  return db_->Execute(
      absl::StrCat("DELETE FROM ", table_, " WHERE COALESCE(received_at, processed_at) < $1"),
      {Value::String(FormatUtcTime(cutoff))});
}

}  // namespace ferry::async
