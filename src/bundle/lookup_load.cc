// LookupTable::Load: reads CSV and JSONL files with the io readers, SQLite with libsqlite3.
#include <sqlite3.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bundle/lookup_table.h"
#include "io/record_reader.h"

namespace ferry::bundle {
namespace {

// Appends the chunk's columns (by name) to `columns`, padding names new to this chunk.
void AppendChunk(const RecordBatch& batch, size_t rows_before, std::vector<Column>* columns) {
  for (const Column& c : batch.columns()) {
    Column* target = nullptr;
    for (Column& t : *columns) {
      if (t.name == c.name) target = &t;
    }
    if (target == nullptr) {
      columns->push_back(Column{c.name, std::vector<Value>(rows_before)});
      target = &columns->back();
    }
    target->values.insert(target->values.end(), c.values.begin(), c.values.end());
  }
  for (Column& t : *columns) t.values.resize(rows_before + batch.num_rows());
}

absl::StatusOr<LookupTable> LoadRecords(const LookupSpec& spec, io::RecordFormat format) {
  std::string prefix = absl::StrCat("lookup ", spec.name, ": ");
  auto reader = io::OpenRecordReader(spec.file, format, io::ReaderOptions{});
  if (!reader.ok()) return absl::Status(reader.status().code(), prefix + std::string(reader.status().message()));
  std::vector<Column> columns;
  std::vector<std::string> where;
  io::RecordChunk chunk;
  while (true) {
    auto more = (*reader)->Next(&chunk);
    if (!more.ok()) return absl::Status(more.status().code(), prefix + std::string(more.status().message()));
    if (!*more) break;
    for (size_t r = 0; r < chunk.batch.num_rows(); ++r) {
      std::string line = absl::StrCat("line ", chunk.line_numbers[r]);
      if (!chunk.batch.ok(r)) {
        return absl::InvalidArgumentError(
            absl::StrCat(prefix, spec.file, " ", line, ": ", chunk.batch.error(r)));
      }
      where.push_back(std::move(line));
    }
    AppendChunk(chunk.batch, where.size() - chunk.batch.num_rows(), &columns);
  }
  return LookupTable::FromColumns(spec, std::move(columns), where);
}

absl::StatusOr<LookupTable> LoadSqlite(const LookupSpec& spec) {
  std::string prefix = absl::StrCat("lookup ", spec.name, ": ", spec.file, ": ");
  if (spec.table.empty() == spec.query.empty()) {
    return absl::InvalidArgumentError(prefix + "a SQLite lookup needs exactly one of table: or query:");
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(spec.file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
  if (rc != SQLITE_OK) {
    return absl::NotFoundError(absl::StrCat(prefix, "cannot open: ", raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  std::string sql = spec.query.empty() ? absl::StrCat("SELECT * FROM \"", spec.table, "\"") : spec.query;
  sqlite3_stmt* stmt_raw = nullptr;
  if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt_raw, nullptr) != SQLITE_OK) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, "bad query '", sql, "': ", sqlite3_errmsg(db.get())));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(stmt_raw, sqlite3_finalize);
  int n = sqlite3_column_count(stmt.get());
  std::vector<Column> columns(n);
  for (int i = 0; i < n; ++i) columns[i].name = sqlite3_column_name(stmt.get(), i);
  std::vector<std::string> where;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    where.push_back(absl::StrCat("row ", where.size() + 1));
    for (int i = 0; i < n; ++i) {
      Value v;
      switch (sqlite3_column_type(stmt.get(), i)) {
        case SQLITE_INTEGER:
          v = Value::Int(sqlite3_column_int64(stmt.get(), i));
          break;
        case SQLITE_FLOAT:
          v = Value::Float(sqlite3_column_double(stmt.get(), i));
          break;
        case SQLITE_NULL:
          break;
        default: {
          const unsigned char* text = sqlite3_column_text(stmt.get(), i);
          v = Value::String(std::string(reinterpret_cast<const char*>(text),
                                        sqlite3_column_bytes(stmt.get(), i)));
        }
      }
      columns[i].values.push_back(std::move(v));
    }
  }
  if (rc != SQLITE_DONE) {
    return absl::DataLossError(absl::StrCat(prefix, "reading '", sql, "': ", sqlite3_errmsg(db.get())));
  }
  return LookupTable::FromColumns(spec, std::move(columns), where);
}

}  // namespace

absl::StatusOr<LookupTable> LookupTable::Load(const LookupSpec& spec) {
  std::string lower = absl::AsciiStrToLower(spec.file);
  if (absl::EndsWith(lower, ".csv")) return LoadRecords(spec, io::RecordFormat::kCsv);
  if (absl::EndsWith(lower, ".jsonl") || absl::EndsWith(lower, ".ndjson")) {
    return LoadRecords(spec, io::RecordFormat::kJsonl);
  }
  if (absl::EndsWith(lower, ".sqlite") || absl::EndsWith(lower, ".sqlite3") ||
      absl::EndsWith(lower, ".db")) {
    return LoadSqlite(spec);
  }
  return absl::InvalidArgumentError(absl::StrCat("lookup ", spec.name, ": '", spec.file,
                                                 "' has an unknown extension; use .csv, .jsonl, "
                                                 ".ndjson, .sqlite, .sqlite3 or .db"));
}

}  // namespace ferry::bundle
