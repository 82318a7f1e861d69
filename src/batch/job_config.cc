// Score job YAML -> ScoreJobConfig with yaml-cpp; yaml-cpp's exceptions stay in this file.
#include "batch/job_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ferry::batch {
namespace {

namespace fs = std::filesystem;

// Collects problems with their place in the file.
class Checker {
 public:
  explicit Checker(std::string file) : file_(std::move(file)) {}

  void Error(const YAML::Node& at, const std::string& message) {
    problems_.push_back(
        absl::StrCat(file_, ":", at.Mark().line + 1, ":", at.Mark().column + 1, ": ", message));
  }
  bool CheckMap(const YAML::Node& node, const std::string& where,
                const std::set<std::string>& keys) {
    if (!node.IsMap()) {
      Error(node, absl::StrCat(where, " must be a mapping (key: value lines)"));
      return false;
    }
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      if (!keys.count(key)) {
        Error(kv.first, absl::StrCat(where, ": unknown key '", key,
                                     "' (keys: ", absl::StrJoin(keys, ", "), ")"));
      }
    }
    return true;
  }
  std::string String(const YAML::Node& node, const std::string& where) {
    if (!node.IsScalar()) {
      Error(node, absl::StrCat(where, " must be a string"));
      return "";
    }
    return node.Scalar();
  }
  std::vector<std::string> Strings(const YAML::Node& node, const std::string& where) {
    std::vector<std::string> out;
    if (node.IsScalar()) {
      out.push_back(node.Scalar());
    } else if (node.IsSequence()) {
      for (const YAML::Node& item : node) out.push_back(String(item, where + "[]"));
    } else {
      Error(node, absl::StrCat(where, " must be a string or a list of strings"));
    }
    return out;
  }
  bool Bool(const YAML::Node& node, const std::string& where) {
    bool b = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, b)) {
      Error(node, absl::StrCat(where, " must be true or false"));
    }
    return b;
  }
  int64_t Int(const YAML::Node& node, const std::string& where, int64_t min) {
    long long v = 0;
    if (!node.IsScalar() || !YAML::convert<long long>::decode(node, v) || v < min) {
      Error(node, absl::StrCat(where, " must be an integer >= ", min));
    }
    return v;
  }
  double Fraction(const YAML::Node& node, const std::string& where) {
    double v = 0;
    if (!node.IsScalar() || !YAML::convert<double>::decode(node, v) || v < 0 || v > 1) {
      Error(node, absl::StrCat(where, " must be a number between 0 and 1"));
    }
    return v;
  }
  FileFormat Format(const YAML::Node& node, const std::string& where) {
    absl::StatusOr<FileFormat> f = ParseFileFormat(String(node, where));
    if (!f.ok()) {
      Error(node, absl::StrCat(where, ": ", f.status().message()));
      return FileFormat::kAuto;
    }
    return *f;
  }

  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::string file_;
  std::vector<std::string> problems_;
};

// Resolves a relative path (or template) against the config's directory; URLs stay as they are.
std::string Resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || absl::StrContains(path, "://")) return path;
  return (fs::path(dir) / path).lexically_normal().string();
}

// sqlite:///relative/path stays relative to the process; sqlite:relative is made absolute.
std::string ResolveUrl(const std::string& dir, const std::string& url) {
  if (absl::StartsWith(url, "sqlite:") && !absl::StartsWith(url, "sqlite://")) {
    return "sqlite://" + Resolve(dir, url.substr(7));
  }
  return url;
}

void ParseInput(Checker& c, const YAML::Node& node, const std::string& dir, InputConfig* in) {
  if (!c.CheckMap(node, "input",
                  {"paths", "path", "format", "skip_if_missing", "sql", "chunk_rows"})) {
    return;
  }
  for (const char* key : {"paths", "path"}) {
    if (node[key]) {
      for (const std::string& p : c.Strings(node[key], std::string("input.") + key)) {
        in->paths.push_back(Resolve(dir, p));
      }
    }
  }
  if (node["format"]) in->format = c.Format(node["format"], "input.format");
  if (node["skip_if_missing"])
    in->skip_if_missing = c.Bool(node["skip_if_missing"], "input.skip_if_missing");
  if (node["chunk_rows"]) in->chunk_rows = c.Int(node["chunk_rows"], "input.chunk_rows", 1);
  if (const YAML::Node sql = node["sql"]) {
    if (c.CheckMap(sql, "input.sql", {"url", "query"})) {
      if (sql["url"]) in->sql_url = ResolveUrl(dir, c.String(sql["url"], "input.sql.url"));
      if (sql["query"]) in->sql_query = c.String(sql["query"], "input.sql.query");
      if (in->sql_url.empty() || in->sql_query.empty()) {
        c.Error(sql, "input.sql needs both url and query");
      }
    }
  }
  if (in->paths.empty() == in->sql_url.empty()) {
    c.Error(node, "input needs either paths (files) or sql (a database query), not both");
  }
}

// output.table.shape and received_at: a json-shape table is the result table, keyed on `id`.
void ParseTableShape(Checker& c, const YAML::Node& t, OutputConfig* out) {
  if (t["shape"]) out->shape = c.String(t["shape"], "output.table.shape");
  if (out->shape != "columns" && out->shape != "json") {
    c.Error(t["shape"], absl::StrCat("output.table.shape is '", out->shape,
                                     "': expected columns (default) or json"));
    return;
  }
  if (t["received_at"]) {
    out->received_at_column = c.String(t["received_at"], "output.table.received_at");
    if (out->shape != "json") {
      c.Error(t["received_at"], "output.table.received_at needs shape: json");
    }
  }
  if (out->shape != "json") return;
  if (t["partition_column"]) {
    c.Error(t["partition_column"],
            "output.table.partition_column does not apply to shape: json (its rows are upserted "
            "on id)");
  }
  if (!out->key.empty() && out->key != std::vector<std::string>{"id"}) {
    c.Error(t["key"],
            "output.table.key: a shape: json table is keyed on its id column (the row id, "
            "columns.row_id); remove key");
  }
  out->key = {"id"};
}

void ParseOutput(Checker& c, const YAML::Node& node, const std::string& dir, OutputConfig* out) {
  if (!c.CheckMap(node, "output", {"path", "format", "file_name", "compression", "table"})) {
    return;
  }
  if (node["path"]) out->path = Resolve(dir, c.String(node["path"], "output.path"));
  if (node["format"]) {
    out->format = c.Format(node["format"], "output.format");
    if (out->format == FileFormat::kAuto) c.Error(node["format"], "output.format cannot be auto");
  }
  if (node["file_name"]) out->file_name = c.String(node["file_name"], "output.file_name");
  if (node["compression"]) out->compression = c.String(node["compression"], "output.compression");
  if (const YAML::Node t = node["table"]) {
    if (c.CheckMap(t, "output.table",
                   {"url", "name", "key", "partition_column", "shape", "received_at"})) {
      if (t["partition_column"]) {
        out->partition_column = c.String(t["partition_column"], "output.table.partition_column");
      }
      if (t["url"]) out->table_url = ResolveUrl(dir, c.String(t["url"], "output.table.url"));
      if (t["name"]) out->table = c.String(t["name"], "output.table.name");
      if (t["key"]) out->key = c.Strings(t["key"], "output.table.key");
      if (out->table_url.empty() || out->table.empty()) {
        c.Error(t, "output.table needs url and name");
      }
      ParseTableShape(c, t, out);
    }
  }
  if (out->path.empty() == out->table_url.empty()) {
    c.Error(node, "output needs either path (files) or table (a database table), not both");
  }
}

void ParseColumns(Checker& c, const YAML::Node& node, ColumnsConfig* cols) {
  if (!c.CheckMap(node, "columns",
                  {"passthrough", "outputs", "model_version", "row_id", "label", "difference"})) {
    return;
  }
  if (node["passthrough"])
    cols->passthrough = c.Strings(node["passthrough"], "columns.passthrough");
  if (node["outputs"]) cols->outputs = c.Strings(node["outputs"], "columns.outputs");
  auto optional_name = [&](const char* key, std::string* field) {
    if (!node[key]) return;
    if (node[key].IsNull()) {
      *field = "";
    } else {
      *field = c.String(node[key], std::string("columns.") + key);
    }
  };
  optional_name("model_version", &cols->model_version);
  optional_name("row_id", &cols->row_id);
  optional_name("label", &cols->label);
  optional_name("difference", &cols->difference);
}

void ParseRejects(Checker& c, const YAML::Node& node, const std::string& dir, RejectsConfig* r) {
  if (!c.CheckMap(node, "rejects",
                  {"path", "max_rows", "max_fraction", "publish_over_threshold"})) {
    return;
  }
  if (node["path"]) r->path = Resolve(dir, c.String(node["path"], "rejects.path"));
  if (node["max_rows"]) r->max_rows = c.Int(node["max_rows"], "rejects.max_rows", 0);
  if (node["max_fraction"])
    r->max_fraction = c.Fraction(node["max_fraction"], "rejects.max_fraction");
  if (node["publish_over_threshold"]) {
    r->publish_over_threshold =
        c.Bool(node["publish_over_threshold"], "rejects.publish_over_threshold");
  }
}

absl::StatusOr<ScoreJobConfig> Parse(const YAML::Node& root, const std::string& path) {
  ScoreJobConfig config;
  config.file = path;
  config.dir = fs::path(path).parent_path().string();
  if (config.dir.empty()) config.dir = ".";
  config.name = fs::path(path).stem().string();
  Checker c(path);
  if (!c.CheckMap(root, "the job config",
                  {"name", "bundle", "model", "period", "vars", "input", "output", "columns",
                   "rejects", "threads"})) {
    return absl::InvalidArgumentError(absl::StrJoin(c.problems(), "\n"));
  }
  if (root["name"]) config.name = c.String(root["name"], "name");
  if (root["bundle"]) config.bundle = Resolve(config.dir, c.String(root["bundle"], "bundle"));
  if (const YAML::Node m = root["model"]) {
    if (c.CheckMap(m, "model", {"repository", "name", "alias"})) {
      if (m["repository"])
        config.repository = Resolve(config.dir, c.String(m["repository"], "model.repository"));
      if (m["name"]) config.model_name = c.String(m["name"], "model.name");
      if (m["alias"]) config.model_alias = c.String(m["alias"], "model.alias");
      if (config.repository.empty() || config.model_name.empty()) {
        c.Error(m, "model needs repository and name (alias or version optional)");
      }
    }
  }
  if (config.bundle.empty() == config.repository.empty()) {
    c.Error(root, "give either bundle: DIR or model: {repository, name, alias}");
  }
  if (root["period"]) {
    absl::StatusOr<PeriodUnit> unit = ParsePeriodUnit(c.String(root["period"], "period"));
    if (unit.ok()) {
      config.period = *unit;
    } else {
      c.Error(root["period"], std::string(unit.status().message()));
    }
  }
  if (const YAML::Node vars = root["vars"]) {
    if (vars.IsMap()) {
      for (const auto& kv : vars)
        config.vars[kv.first.as<std::string>()] = c.String(kv.second, "vars");
    } else {
      c.Error(vars, "vars must be a mapping of names to strings");
    }
  }
  if (root["input"]) {
    ParseInput(c, root["input"], config.dir, &config.input);
  } else {
    c.Error(root, "missing key 'input' (paths: or sql:)");
  }
  if (root["output"]) {
    ParseOutput(c, root["output"], config.dir, &config.output);
  } else {
    c.Error(root, "missing key 'output' (path: or table:)");
  }
  if (root["columns"]) ParseColumns(c, root["columns"], &config.columns);
  if (root["rejects"]) ParseRejects(c, root["rejects"], config.dir, &config.rejects);
  if (root["threads"]) config.threads = c.Int(root["threads"], "threads", 0);
  if (!c.problems().empty()) return absl::InvalidArgumentError(absl::StrJoin(c.problems(), "\n"));
  return config;
}

}  // namespace

absl::StatusOr<ScoreJobConfig> LoadScoreJobConfig(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return absl::NotFoundError(absl::StrCat("job config '", path, "' does not exist"));
  }
  try {
    return Parse(YAML::LoadFile(path), path);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ":", e.mark.line + 1, ":", e.mark.column + 1, ": ", e.msg));
  }
}

absl::StatusOr<FileFormat> ParseFileFormat(absl::string_view text) {
  std::string t = absl::AsciiStrToLower(text);
  if (t == "csv") return FileFormat::kCsv;
  if (t == "jsonl" || t == "json" || t == "ndjson") return FileFormat::kJsonl;
  if (t == "parquet") return FileFormat::kParquet;
  if (t == "auto") return FileFormat::kAuto;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown format '", text, "' (choose csv, jsonl, parquet or auto)"));
}

absl::string_view FileFormatName(FileFormat format) {
  switch (format) {
    case FileFormat::kCsv:
      return "csv";
    case FileFormat::kJsonl:
      return "jsonl";
    case FileFormat::kParquet:
      return "parquet";
    case FileFormat::kAuto:
      break;
  }
  return "auto";
}

FileFormat FileFormatFromPath(absl::string_view path) {
  std::string p = absl::AsciiStrToLower(path);
  if (absl::EndsWith(p, ".csv")) return FileFormat::kCsv;
  if (absl::EndsWith(p, ".jsonl") || absl::EndsWith(p, ".ndjson") || absl::EndsWith(p, ".json")) {
    return FileFormat::kJsonl;
  }
  if (absl::EndsWith(p, ".parquet") || absl::EndsWith(p, ".pq")) return FileFormat::kParquet;
  return FileFormat::kAuto;
}

}  // namespace ferry::batch
