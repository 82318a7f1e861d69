// PostgreSQL driver over libpq: text-format parameters and results, single-row mode for
// chunked reads, and a reconnect (PQreset) before the next call once the connection broke.
#include <libpq-fe.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "store/drivers.h"

namespace ferry::store {
namespace {

// Type OIDs from pg_type.h (stable across releases).
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kOidOid = 26;
constexpr Oid kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

Value CellValue(const PGresult* res, int row, int c) {
  if (PQgetisnull(res, row, c)) return Value::Null();
  absl::string_view text(PQgetvalue(res, row, c), PQgetlength(res, row, c));
  switch (PQftype(res, c)) {
    case kBoolOid:
      return Value::Bool(text == "t");
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      int64_t i;
      if (absl::SimpleAtoi(text, &i)) return Value::Int(i);
      break;
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: {
      double d;
      if (absl::SimpleAtod(text, &d)) return Value::Float(d);
      if (text == "NaN") return Value::Float(std::nan(""));
      break;
    }
    default:
      break;
  }
  return Value::String(std::string(text.data(), text.size()));
}

std::string ParamText(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      return v.as_bool() ? "true" : "false";
    case Value::Kind::kInt:
      return std::to_string(v.as_int());
    case Value::Kind::kFloat: {
      double d = v.as_float();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      return FormatDouble(d);
    }
    case Value::Kind::kString:
      return v.as_string();
    case Value::Kind::kNull:
      return "";
  }
  return "";
}

class PostgresDatabase : public Database {
 public:
  PostgresDatabase(PGconn* conn, std::string description)
      : conn_(conn), description_(std::move(description)) {}
  ~PostgresDatabase() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }
  const std::string& description() const override { return description_; }

  absl::Status Execute(std::string_view sql, const std::vector<Value>& params) override {
    absl::Status status = EnsureConnected();
    if (!status.ok()) return status;
    std::vector<std::string> texts;
    std::vector<const char*> values;
    BindParams(params, &texts, &values);
    std::string text(sql);
    PGresult* res = PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0);
    status = CheckResult(res, sql);
    PQclear(res);
    return status;
  }

  absl::Status Begin() override { return Execute("BEGIN", {}); }
  bool InTransaction() const override {
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) != PQTRANS_IDLE;
  }
  absl::Status Commit() override { return Execute("COMMIT", {}); }
  absl::Status Rollback() override {
    if (PQstatus(conn_) != CONNECTION_OK) return absl::OkStatus();  // died with the session
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return absl::OkStatus();
    return Execute("ROLLBACK", {});
  }

  absl::Status Query(std::string_view sql, const std::vector<Value>& params, size_t chunk_rows,
                     const ChunkCallback& on_chunk) override {
    if (chunk_rows == 0) chunk_rows = 1;
    absl::Status status = EnsureConnected();
    if (!status.ok()) return status;
    std::vector<std::string> texts;
    std::vector<const char*> values;
    BindParams(params, &texts, &values);
    std::string text(sql);
    if (!PQsendQueryParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                           values.data(), nullptr, nullptr, 0)) {
      return ConnectionError(sql);
    }
    PQsetSingleRowMode(conn_);
    std::vector<std::string> names;
    std::vector<std::vector<Value>> columns;
    size_t rows = 0;
    auto flush = [&]() -> absl::Status {
      RecordBatch chunk(rows);
      for (size_t c = 0; c < names.size(); ++c) {
        chunk.AddColumn(names[c], std::move(columns[c]));
        columns[c].clear();
      }
      rows = 0;
      return on_chunk(std::move(chunk));
    };
    // Every result must be read, even after a failure, before the connection is usable again.
    while (PGresult* res = PQgetResult(conn_)) {
      ExecStatusType st = PQresultStatus(res);
      if (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK) {
        if (names.empty() && PQnfields(res) > 0) {
          for (int c = 0; c < PQnfields(res); ++c) names.emplace_back(PQfname(res, c));
          columns.resize(names.size());
        }
        for (int r = 0; status.ok() && r < PQntuples(res); ++r) {
          for (size_t c = 0; c < names.size(); ++c) {
            columns[c].push_back(CellValue(res, r, static_cast<int>(c)));
          }
          if (++rows == chunk_rows) status = flush();
        }
      } else if (status.ok()) {
        status = CheckResult(res, sql);
      }
      PQclear(res);
    }
    if (status.ok() && rows > 0) status = flush();
    return status;
  }

  absl::StatusOr<std::vector<std::string>> TableColumns(std::string_view table) override {
    // to_regclass resolves the name like the server would (search_path, quoting).
    std::vector<std::string> names;
    absl::Status status = Query(
        "SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        {Value::String(QuoteIdentifier(table))}, 1024, [&](RecordBatch b) {
          for (const Value& v : b.column(0).values) names.push_back(v.ToString());
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    return names;
  }

 private:
  absl::Status EnsureConnected() {
    if (PQstatus(conn_) == CONNECTION_OK) return absl::OkStatus();
    PQreset(conn_);
    if (PQstatus(conn_) == CONNECTION_OK) return absl::OkStatus();
    return absl::UnavailableError(absl::StrCat(
        "PostgreSQL at ", description_,
        " is unreachable: ", absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn_))));
  }

  static void BindParams(const std::vector<Value>& params, std::vector<std::string>* texts,
                         std::vector<const char*>* values) {
    texts->reserve(params.size());
    for (const Value& v : params) texts->push_back(ParamText(v));
    for (size_t i = 0; i < params.size(); ++i) {
      values->push_back(params[i].is_null() ? nullptr : (*texts)[i].c_str());
    }
  }

  absl::Status ConnectionError(std::string_view sql) {
    std::string message(absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn_)));
    if (PQstatus(conn_) != CONNECTION_OK) {
      return absl::UnavailableError(
          absl::StrCat("PostgreSQL at ", description_, " lost the connection: ", message));
    }
    return absl::InvalidArgumentError(absl::StrCat(description_, ": ", message));
  }

  absl::Status CheckResult(PGresult* res, std::string_view sql) {
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_SINGLE_TUPLE) {
      return absl::OkStatus();
    }
    if (PQstatus(conn_) != CONNECTION_OK || res == nullptr) return ConnectionError(sql);
    std::string message(absl::StripTrailingAsciiWhitespace(PQresultErrorMessage(res)));
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    std::string_view sqlstate = state ? state : "";
    std::string full =
        absl::StrCat(description_, ": ", message, " (in: ", std::string(sql.substr(0, 200)),
                     sql.size() > 200 ? "..." : "", ")");
    // Class 08 connection exceptions, 57P admin shutdown, 53 insufficient resources.
    if (sqlstate.starts_with("08") || sqlstate.starts_with("57P") || sqlstate.starts_with("53")) {
      return absl::UnavailableError(full);
    }
    // 40: serialization failure / deadlock.
    if (sqlstate.starts_with("40")) return absl::AbortedError(full);
    return absl::InvalidArgumentError(full);
  }

  PGconn* conn_;
  std::string description_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string description = RedactUrl(url);
  if (conn == nullptr) return absl::ResourceExhaustedError("libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message(absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn)));
    PQfinish(conn);
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to PostgreSQL at ", description, ": ", message,
        " (is the server running? scripts/services.sh start postgres starts a local one)"));
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Database>(std::make_unique<PostgresDatabase>(conn, description));
}

}  // namespace ferry::store
