// SQLite driver: one sqlite3 handle in WAL mode with a busy timeout, so readers in other
// processes never block the writer for long. $N parameters become ?N before preparing.
#include <sqlite3.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "store/drivers.h"

namespace ferry::store {
namespace {

// Rewrites $N placeholders (outside quoted text) to SQLite's ?N.
std::string ToSqlitePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      c = '?';
    }
    out += c;
  }
  return out;
}

class SqliteDatabase : public Database {
 public:
  SqliteDatabase(sqlite3* db, std::string url) : db_(db), url_(std::move(url)) {}
  ~SqliteDatabase() override { sqlite3_close_v2(db_); }

  Dialect dialect() const override { return Dialect::kSqlite; }
  const std::string& description() const override { return url_; }

  absl::Status Execute(std::string_view sql, const std::vector<Value>& params) override {
    sqlite3_stmt* stmt = nullptr;
    absl::Status status = Prepare(sql, params, &stmt);
    if (!status.ok()) return status;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return Error(rc, sql);
    return absl::OkStatus();
  }

  absl::Status Begin() override { return Execute("BEGIN IMMEDIATE", {}); }
  bool InTransaction() const override { return !sqlite3_get_autocommit(db_); }
  absl::Status Commit() override { return Execute("COMMIT", {}); }
  absl::Status Rollback() override {
    if (sqlite3_get_autocommit(db_)) return absl::OkStatus();  // nothing open
    return Execute("ROLLBACK", {});
  }

  absl::Status Query(std::string_view sql, const std::vector<Value>& params, size_t chunk_rows,
                     const ChunkCallback& on_chunk) override {
    if (chunk_rows == 0) chunk_rows = 1;
    sqlite3_stmt* stmt = nullptr;
    absl::Status status = Prepare(sql, params, &stmt);
    if (!status.ok()) return status;
    const int num_columns = sqlite3_column_count(stmt);
    std::vector<std::string> names;
    for (int c = 0; c < num_columns; ++c) names.emplace_back(sqlite3_column_name(stmt, c));
    std::vector<std::vector<Value>> columns(num_columns);
    size_t rows = 0;
    auto flush = [&]() -> absl::Status {
      RecordBatch chunk(rows);
      for (int c = 0; c < num_columns; ++c) {
        chunk.AddColumn(names[c], std::move(columns[c]));
        columns[c].clear();
      }
      rows = 0;
      return on_chunk(std::move(chunk));
    };
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      for (int c = 0; c < num_columns; ++c) columns[c].push_back(Cell(stmt, c));
      if (++rows == chunk_rows) {
        status = flush();
        if (!status.ok()) break;
      }
    }
    sqlite3_finalize(stmt);
    if (!status.ok()) return status;
    if (rc != SQLITE_DONE) return Error(rc, sql);
    if (rows > 0) return flush();
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> TableColumns(std::string_view table) override {
    std::vector<std::string> names;
    absl::Status status = Query("SELECT name FROM pragma_table_info($1) ORDER BY cid",
                                {Value::String(std::string(table))}, 1024, [&](RecordBatch b) {
                                  for (const Value& v : b.column(0).values) {
                                    names.push_back(v.ToString());
                                  }
                                  return absl::OkStatus();
                                });
    if (!status.ok()) return status;
    return names;
  }

 private:
  absl::Status Prepare(std::string_view sql, const std::vector<Value>& params,
                       sqlite3_stmt** stmt) {
    std::string text = ToSqlitePlaceholders(sql);
    int rc = sqlite3_prepare_v2(db_, text.data(), static_cast<int>(text.size()), stmt, nullptr);
    if (rc != SQLITE_OK) return Error(rc, sql);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      const int index = static_cast<int>(i) + 1;
      switch (v.kind()) {
        case Value::Kind::kNull:
          rc = sqlite3_bind_null(*stmt, index);
          break;
        case Value::Kind::kBool:
          rc = sqlite3_bind_int(*stmt, index, v.as_bool() ? 1 : 0);
          break;
        case Value::Kind::kInt:
          rc = sqlite3_bind_int64(*stmt, index, v.as_int());
          break;
        case Value::Kind::kFloat:
          rc = sqlite3_bind_double(*stmt, index, v.as_float());
          break;
        case Value::Kind::kString:
          rc = sqlite3_bind_text(*stmt, index, v.as_string().data(),
                                 static_cast<int>(v.as_string().size()), SQLITE_TRANSIENT);
          break;
      }
      if (rc != SQLITE_OK && rc != SQLITE_RANGE) {
        sqlite3_finalize(*stmt);
        return Error(rc, sql);
      }
    }
    return absl::OkStatus();
  }

  static Value Cell(sqlite3_stmt* stmt, int c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_INTEGER:
        return Value::Int(sqlite3_column_int64(stmt, c));
      case SQLITE_FLOAT:
        return Value::Float(sqlite3_column_double(stmt, c));
      case SQLITE_NULL:
        return Value::Null();
      default: {
        const char* text = reinterpret_cast<const char*>(sqlite3_column_blob(stmt, c));
        return Value::String(std::string(text ? text : "", sqlite3_column_bytes(stmt, c)));
      }
    }
  }

  absl::Status Error(int rc, std::string_view sql) const {
    std::string message =
        absl::StrCat(url_, ": ", sqlite3_errmsg(db_), " (in: ", std::string(sql.substr(0, 200)),
                     sql.size() > 200 ? "..." : "", ")");
    int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return absl::AbortedError(message);
    if (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN) {
      return absl::UnavailableError(message);
    }
    return absl::InvalidArgumentError(message);
  }

  sqlite3* db_;
  std::string url_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                                     const std::string& url) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return absl::UnavailableError(absl::StrCat("cannot open SQLite database '", path,
                                               "': ", message,
                                               " (does its directory exist and is it writable?)"));
  }
  sqlite3_busy_timeout(db, 10000);
  auto database = std::make_unique<SqliteDatabase>(db, url);
  if (path != ":memory:") {
    // WAL lets other processes read while we write; failure (e.g. read-only media) is not fatal.
    (void)database->Execute("PRAGMA journal_mode=WAL", {});
    (void)database->Execute("PRAGMA synchronous=FULL", {});
  }
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace ferry::store
