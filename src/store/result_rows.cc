// ResultRows / CreateResultTable: the result table's layout in one place (see result_rows.h).
#include "store/result_rows.h"

#include "absl/strings/str_cat.h"

namespace ferry::store {

RecordBatch ResultRows(ResultRowValues values, const std::string& id_column) {
  RecordBatch rows(values.ids.size());
  rows.AddColumn(id_column, std::move(values.ids));
  rows.AddColumn("model", std::move(values.models));
  rows.AddColumn("version", std::move(values.versions));
  if (!values.received_at.empty()) rows.AddColumn("received_at", std::move(values.received_at));
  rows.AddColumn("processed_at", std::move(values.processed_at));
  rows.AddColumn("event", std::move(values.events));
  return rows;
}

absl::Status CreateResultTable(Database& db, const std::string& table,
                               const std::string& id_column) {
  absl::Status status = ChangeSchemaSerialized(db, table, [&] {
    return db.Execute(absl::StrCat(
        "CREATE TABLE IF NOT EXISTS ", QuoteIdentifier(table), " (", QuoteIdentifier(id_column),
        " TEXT PRIMARY KEY, model TEXT, version TEXT, received_at TEXT, processed_at TEXT, "
        "event TEXT)"));
  });
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("result table ", table, " in ",
                                                    db.description(), ": ", status.message()));
  }
  return status;
}

std::string FormatResultTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::optional<absl::Time> ParseResultTime(const std::string& text) {
  // With an offset first ("Z" included), then wall-clock times read as UTC.
  static const char* const kFormats[] = {"%Y-%m-%dT%H:%M:%E*S%Ez",
                                         "%Y-%m-%d %H:%M:%E*S%Ez",
                                         "%Y-%m-%dT%H:%M:%E*S",
                                         "%Y-%m-%d %H:%M:%E*S",
                                         "%Y-%m-%dT%H:%M",
                                         "%Y-%m-%d %H:%M",
                                         "%Y-%m-%d"};
  for (const char* format : kFormats) {
    absl::Time t;
    std::string error;
    if (absl::ParseTime(format, text, absl::UTCTimeZone(), &t, &error)) return t;
  }
  return std::nullopt;
}

}  // namespace ferry::store
