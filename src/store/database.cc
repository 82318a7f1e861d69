// OpenDatabase dispatch by URL scheme, ReadQuery, identifier quoting and URL redaction.
#include "store/database.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "store/drivers.h"

namespace ferry::store {

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(std::string_view url) {
  if (url.starts_with("sqlite:")) {
    std::string_view path = url.substr(7);
    if (path.starts_with("//")) path.remove_prefix(2);
    if (path.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("database url '", std::string(url),
                       "' names no file; write sqlite:///abs/path.db or sqlite:rel.db"));
    }
    return OpenSqlite(std::string(path), std::string(url));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return OpenPostgres(std::string(url));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("database url '", RedactUrl(url),
                   "' has an unknown scheme; expected sqlite:///path.db or postgresql://..."));
}

absl::StatusOr<std::vector<RecordBatch>> ReadQuery(Database& db, std::string_view sql,
                                                   const std::vector<Value>& params,
                                                   size_t chunk_rows) {
  std::vector<RecordBatch> chunks;
  absl::Status status = db.Query(sql, params, chunk_rows, [&](RecordBatch chunk) {
    chunks.push_back(std::move(chunk));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return chunks;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out;
  out += '"';
  for (char c : name) {
    if (c == '.') {
      out += "\".\"";
      continue;
    }
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string RedactUrl(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  size_t at = url.find('@', scheme_end + 3);
  if (at == std::string_view::npos) return std::string(url);
  size_t colon = url.find(':', scheme_end + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return absl::StrCat(std::string(url.substr(0, colon + 1)), "***", std::string(url.substr(at)));
}

absl::Status ChangeSchemaSerialized(Database& db, std::string_view table,
                                    const std::function<absl::Status()>& change) {
  if (db.dialect() != Dialect::kPostgres) return change();
  const bool own_transaction = !db.InTransaction();
  if (own_transaction) {
    if (absl::Status s = db.Begin(); !s.ok()) return s;
  }
  absl::Status status = db.Execute("SELECT pg_advisory_xact_lock(hashtext($1))",
                                   {Value::String("ferry schema " + std::string(table))});
  if (status.ok()) status = change();
  if (own_transaction) {
    if (status.ok()) {
      status = db.Commit();
    } else {
      (void)db.Rollback();
    }
  }
  return status;
}

}  // namespace ferry::store
