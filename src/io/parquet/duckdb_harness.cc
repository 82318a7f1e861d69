// The node process gets its jobs as JSON on stdin and prints JSON results, parsed here with
// simdjson.
#include "io/parquet/duckdb_harness.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "io/parquet/parquet_reader.h"
#include "simdjson.h"

namespace ferry::parquet::testing {
namespace {

std::string SourceDir() {
  const char* dir = std::getenv("FERRY_SOURCE_DIR");
  return dir != nullptr ? dir : FERRY_PARQUET_SOURCE_DIR;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

// "2021-01-01 00:00:00.120000" -> "2021-01-01 00:00:00.12"; fraction cut to `max_digits`.
std::string NormalizeTime(std::string s, size_t max_digits) {
  size_t dot = s.find('.');
  if (dot == std::string::npos) return s;
  size_t end = dot + 1;
  while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
  std::string frac = s.substr(dot + 1, std::min(end - dot - 1, max_digits));
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return s.substr(0, dot) + (frac.empty() ? "" : "." + frac) + s.substr(end);
}

std::string Hex(const std::string& s) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace

std::string MakeTempDir() {
  std::string pattern = "/tmp/ferry-parquet-XXXXXX";
  char* dir = mkdtemp(pattern.data());
  return dir == nullptr ? "/tmp" : std::string(dir);
}

absl::StatusOr<std::vector<DuckResult>> RunDuckDb(const std::vector<DuckJob>& jobs) {
  const std::string root = SourceDir();
  static bool installed = false;
  if (!installed) {
    std::string check =
        absl::StrCat("test -d '", root, "/node_modules/@duckdb/node-api' || (cd '", root,
                     "' && npm install --no-audit --no-fund --loglevel=error >&2)");
    if (std::system(check.c_str()) != 0) {
      return absl::UnavailableError(
          "cannot install @duckdb/node-api (npm install at the repository root failed; run "
          "scripts/setup.sh, which installs nodejs and npm)");
    }
    installed = true;
  }
  std::string dir = MakeTempDir();
  std::string in = dir + "/jobs.json", out = dir + "/results.json";
  {
    std::ofstream f(in);
    f << "[";
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (i) f << ",";
      if (!jobs[i].read_path.empty())
        f << "{\"read\":" << JsonString(jobs[i].read_path) << "}";
      else
        f << "{\"sql\":" << JsonString(jobs[i].sql) << "}";
    }
    f << "]";
  }
  std::string cmd = absl::StrCat("cd '", root, "' && node src/io/parquet/duckdb_query.mjs < '", in,
                                 "' > '", out, "'");
  if (std::system(cmd.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("node duckdb_query.mjs failed: ", cmd));
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.load(out).get(doc)) return absl::InternalError("DuckDB output is not JSON");
  std::vector<DuckResult> results;
  for (simdjson::dom::element r : doc.get_array()) {
    DuckResult d;
    d.ok = r["ok"].get_bool().value();
    if (!d.ok) {
      d.error = std::string(r["error"].get_string().value());
      results.push_back(std::move(d));
      continue;
    }
    for (auto c : r["columns"].get_array()) d.columns.emplace_back(c.get_string().value());
    for (auto t : r["types"].get_array()) d.types.emplace_back(t.get_string().value());
    for (auto row : r["rows"].get_array()) {
      std::vector<DuckCell> cells;
      for (auto cell : row.get_array()) {
        DuckCell c;
        if (cell.is_bool()) {
          c.kind = DuckCell::Kind::kBool;
          c.boolean = cell.get_bool().value();
        } else if (cell.is_string()) {
          c.kind = DuckCell::Kind::kText;
          c.text = std::string(cell.get_string().value());
        } else if (!cell.is_null()) {
          c.kind = DuckCell::Kind::kText;
          c.text = simdjson::to_string(cell);
        }
        cells.push_back(std::move(c));
      }
      d.rows.push_back(std::move(cells));
    }
    results.push_back(std::move(d));
  }
  std::remove(in.c_str());
  std::remove(out.c_str());
  rmdir(dir.c_str());
  return results;
}

bool SameValue(const Value& ours, const DuckCell& theirs, const std::string& type,
               std::string* explain) {
  *explain =
      absl::StrCat("ferry ", ours.ToString(), " vs DuckDB ",
                   theirs.kind == DuckCell::Kind::kNull   ? "NULL"
                   : theirs.kind == DuckCell::Kind::kBool ? (theirs.boolean ? "true" : "false")
                                                          : theirs.text,
                   " (", type, ")");
  if (theirs.kind == DuckCell::Kind::kNull || ours.is_null()) {
    return theirs.kind == DuckCell::Kind::kNull && ours.is_null();
  }
  switch (ours.kind()) {
    case Value::Kind::kBool:
      return theirs.kind == DuckCell::Kind::kBool && theirs.boolean == ours.as_bool();
    case Value::Kind::kInt:
      return theirs.text == std::to_string(ours.as_int());
    case Value::Kind::kFloat: {
      const std::string& t = theirs.text;
      double d = ours.as_float();
      if (t == "nan" || t == "-nan" || t == "NaN") return std::isnan(d);
      if (t == "inf" || t == "Infinity") return d == INFINITY;
      if (t == "-inf" || t == "-Infinity") return d == -INFINITY;
      return std::strtod(t.c_str(), nullptr) == d;
    }
    case Value::Kind::kString: {
      if (type == "BLOB") return Hex(ours.as_string()) == theirs.text;
      if (type.rfind("TIMESTAMP", 0) == 0 || type.rfind("TIME", 0) == 0 || type == "DATE") {
        size_t digits = type == "TIMESTAMP_NS" ? 9 : 6;
        return NormalizeTime(ours.as_string(), digits) == NormalizeTime(theirs.text, 9);
      }
      return ours.as_string() == theirs.text;
    }
    default:
      return false;
  }
}

absl::StatusOr<FerryTable> ReadWithFerry(const std::string& path) {
  ParquetReaderOptions options;
  options.batch_rows = 1000;
  auto reader = ParquetReader::Open(path, options);
  if (!reader.ok()) return reader.status();
  FerryTable t;
  for (const auto& c : (*reader)->schema()) t.columns.push_back(c.name);
  t.values.resize(t.columns.size());
  RecordBatch batch;
  while (true) {
    auto more = (*reader)->Next(&batch);
    if (!more.ok()) return more.status();
    if (!*more) break;
    for (size_t c = 0; c < t.columns.size(); ++c) {
      auto& src = batch.mutable_column(c).values;
      t.values[c].insert(t.values[c].end(), src.begin(), src.end());
    }
  }
  return t;
}

std::string CompareTables(const FerryTable& ours, const DuckResult& theirs,
                          const std::vector<size_t>& skip_rows) {
  if (!theirs.ok) return "DuckDB failed: " + theirs.error;
  if (ours.columns != theirs.columns) return "column names differ";
  size_t rows = ours.values.empty() ? 0 : ours.values[0].size();
  if (rows != theirs.rows.size()) {
    return absl::StrCat("ferry read ", rows, " rows, DuckDB ", theirs.rows.size());
  }
  std::string explain;
  for (size_t r = 0; r < rows; ++r) {
    if (std::find(skip_rows.begin(), skip_rows.end(), r) != skip_rows.end()) continue;
    for (size_t c = 0; c < ours.columns.size(); ++c) {
      if (!SameValue(ours.values[c][r], theirs.rows[r][c], theirs.types[c], &explain)) {
        return absl::StrCat("row ", r, ", column '", ours.columns[c], "': ", explain);
      }
    }
  }
  return "";
}

}  // namespace ferry::parquet::testing
