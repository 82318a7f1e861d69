// ferry.yaml -> BundleSpec with yaml-cpp; yaml-cpp's exceptions stay inside this file.
#include "bundle/spec.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ferry::bundle {

std::string Problem::ToString() const {
  std::string where = file;
  if (line > 0) absl::StrAppend(&where, ":", line);
  if (line > 0 && column > 0) absl::StrAppend(&where, ":", column);
  return absl::StrCat(where, ": ", warning ? "warning" : "error", ": ", message);
}

bool HasErrors(const std::vector<Problem>& problems) {
  for (const Problem& p : problems) {
    if (!p.warning) return true;
  }
  return false;
}

Value ScalarValue(const std::string& text, bool quoted) {
  if (quoted) return Value::String(text);
  if (text == "null" || text == "~" || text.empty()) return Value::Null();
  if (text == "true" || text == "True") return Value::Bool(true);
  if (text == "false" || text == "False") return Value::Bool(false);
  const char* end = text.data() + text.size();
  int64_t i;
  auto ri = std::from_chars(text.data(), end, i);
  if (ri.ec == std::errc() && ri.ptr == end) return Value::Int(i);
  double d;
  auto rd = std::from_chars(text.data(), end, d);
  if (rd.ec == std::errc() && rd.ptr == end) return Value::Float(d);
  if (text == ".inf" || text == "inf") return Value::Float(HUGE_VAL);
  if (text == "-.inf" || text == "-inf") return Value::Float(-HUGE_VAL);
  return Value::String(text);
}

namespace {

class SpecParser {
 public:
  SpecParser(std::string file, std::vector<Problem>* problems) : file_(std::move(file)), problems_(problems) {}

  void Error(const YAML::Node& at, const std::string& message) {
    problems_->push_back({file_, at.Mark().line + 1, at.Mark().column + 1, message, false});
  }

  // Checks that `map` is a mapping whose keys are all in `allowed`.
  bool CheckMap(const YAML::Node& map, const std::string& where, const std::set<std::string>& allowed) {
    if (!map.IsMap()) {
      Error(map, absl::StrCat(where, " must be a mapping (key: value lines)"));
      return false;
    }
    for (auto it = map.begin(); it != map.end(); ++it) {
      std::string key = it->first.Scalar();
      if (!allowed.count(key)) {
        Error(it->first, absl::StrCat(where, ": unknown key '", key, "' (allowed: ",
                                      absl::StrJoin(allowed, ", "), ")"));
      }
    }
    return true;
  }

  bool Scalar(const YAML::Node& n, const std::string& where, std::string* out) {
    if (!n.IsScalar()) {
      Error(n, absl::StrCat(where, " must be a single value"));
      return false;
    }
    *out = n.Scalar();
    return true;
  }

  static Value ValueOf(const YAML::Node& n) { return ScalarValue(n.Scalar(), n.Tag() == "!"); }

  bool Bool(const YAML::Node& n, const std::string& where, bool* out) {
    Value v = n.IsScalar() ? ValueOf(n) : Value();
    if (v.kind() != Value::Kind::kBool) {
      Error(n, absl::StrCat(where, " must be true or false"));
      return false;
    }
    *out = v.as_bool();
    return true;
  }

  void Inputs(const YAML::Node& node, BundleSpec* spec) {
    if (!node.IsMap()) return Error(node, "inputs must be a mapping of field name -> {type: ..., ...}");
    for (auto it = node.begin(); it != node.end(); ++it) {
      InputSpec in;
      in.name = it->first.Scalar();
      in.line = it->first.Mark().line + 1;
      std::string where = absl::StrCat("inputs.", in.name);
      const YAML::Node body = it->second;  // a copy: it->second lives in a temporary proxy
      std::string type_name;
      YAML::Node type_node;  // reset(), never operator=, which would overwrite the shared node
      type_node.reset(body);
      if (body.IsScalar()) {
        type_name = body.Scalar();  // shorthand: `Origin: string`
      } else if (CheckMap(body, where, {"type", "required", "default", "enum", "min", "max", "regex", "description"})) {
        type_node.reset(body["type"]);
        if (!type_node) {
          Error(body, absl::StrCat(where, ": missing 'type' (string, int, float, bool, date or timestamp)"));
          continue;
        }
        Scalar(type_node, where + ".type", &type_name);
        if (body["default"]) {
          in.default_value = ValueOf(body["default"]);
          in.required = false;
        }
        if (body["required"]) Bool(body["required"], where + ".required", &in.required);
        if (in.required && !in.default_value.is_null()) {
          Error(body["required"], absl::StrCat(where, ": a required field cannot have a default"));
        }
        for (const char* bound : {"min", "max"}) {
          if (!body[bound]) continue;
          auto d = ValueOf(body[bound]).ToDouble();
          if (!body[bound].IsScalar() || !d) {
            Error(body[bound], absl::StrCat(where, ".", bound, " must be a number"));
          } else {
            (bound[1] == 'i' ? in.min : in.max) = *d;
          }
        }
        if (const YAML::Node e = body["enum"]) {
          if (!e.IsSequence() || e.size() == 0) {
            Error(e, absl::StrCat(where, ".enum must be a non-empty list, e.g. [economy, business]"));
          } else {
            for (const YAML::Node& v : e) in.enum_values.push_back(ValueOf(v));
          }
        }
        if (body["regex"]) Scalar(body["regex"], where + ".regex", &in.regex);
        if (body["description"]) Scalar(body["description"], where + ".description", &in.description);
      } else {
        continue;
      }
      static const std::pair<const char*, Type> kTypes[] = {
          {"string", Type::kString}, {"int", Type::kInt}, {"float", Type::kFloat},
          {"bool", Type::kBool}, {"date", Type::kDate}, {"timestamp", Type::kTimestamp}};
      bool known = false;
      for (const auto& [name, t] : kTypes) {
        if (type_name == name) in.type = t, known = true;
      }
      if (!known) {
        Error(type_node, absl::StrCat(where, ": unknown type '", type_name,
                                      "' (string, int, float, bool, date, timestamp)"));
      }
      if ((in.min || in.max) && in.type != Type::kInt && in.type != Type::kFloat) {
        Error(body, absl::StrCat(where, ": min/max apply to int and float fields only"));
      }
      if (!in.regex.empty() && in.type != Type::kString) {
        Error(body, absl::StrCat(where, ": regex applies to string fields only"));
      }
      spec->inputs.push_back(std::move(in));
    }
  }

  void Lookups(const YAML::Node& node, BundleSpec* spec) {
    if (!node.IsMap()) return Error(node, "lookups must be a mapping of table name -> {file: ..., key: [...]}");
    for (auto it = node.begin(); it != node.end(); ++it) {
      LookupEntry e;
      e.spec.name = it->first.Scalar();
      e.line = it->first.Mark().line + 1;
      std::string where = absl::StrCat("lookups.", e.spec.name);
      const YAML::Node b = it->second;  // a copy: it->second lives in a temporary proxy
      if (!CheckMap(b, where, {"file", "table", "query", "key", "on_missing", "default", "description"})) continue;
      if (!b["file"]) {
        Error(b, where + ": missing 'file' (a .csv, .jsonl or .sqlite file in the bundle)");
        continue;
      }
      Scalar(b["file"], where + ".file", &e.file);
      e.spec.file = e.file.empty() || e.file[0] == '/' ? e.file : absl::StrCat(spec->dir, "/", e.file);
      if (b["table"]) Scalar(b["table"], where + ".table", &e.spec.table);
      if (b["query"]) Scalar(b["query"], where + ".query", &e.spec.query);
      const YAML::Node key = b["key"];
      if (!key) {
        Error(b, where + ": missing 'key' (the key column or list of columns)");
      } else if (key.IsScalar()) {
        e.spec.key.push_back(key.Scalar());
      } else if (key.IsSequence() && key.size() > 0) {
        for (const YAML::Node& k : key) e.spec.key.push_back(k.Scalar());
      } else {
        Error(key, where + ".key must be a column name or a list of column names");
      }
      std::string policy = "error";
      if (b["on_missing"]) Scalar(b["on_missing"], where + ".on_missing", &policy);
      if (policy == "error") e.spec.on_missing = OnMissing::kError;
      else if (policy == "default") e.spec.on_missing = OnMissing::kDefault;
      else if (policy == "null") e.spec.on_missing = OnMissing::kNull;
      else Error(b["on_missing"], absl::StrCat(where, ".on_missing: '", policy, "' is not one of error, default, null"));
      if (const YAML::Node d = b["default"]) {
        if (!d.IsMap()) {
          Error(d, where + ".default must map column -> value, e.g. {Distance: 0}");
        } else {
          for (auto c = d.begin(); c != d.end(); ++c) e.spec.defaults[c->first.Scalar()] = ValueOf(c->second);
        }
        if (e.spec.on_missing != OnMissing::kDefault) {
          Error(d, where + ": 'default' is only used with on_missing: default");
        }
      } else if (e.spec.on_missing == OnMissing::kDefault) {
        Error(b, where + ": on_missing: default needs a 'default' mapping, e.g. {Distance: 0}");
      }
      spec->lookups.push_back(std::move(e));
    }
  }

  void Features(const YAML::Node& node, BundleSpec* spec) {
    if (!node.IsMap() || node.size() == 0) {
      return Error(node, "features must be a non-empty mapping of feature name -> expression");
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      FeatureSpec f;
      f.name = it->first.Scalar();
      f.line = it->second.Mark().line + 1;
      f.column = it->second.Mark().column + 1;
      if (!Scalar(it->second, absl::StrCat("features.", f.name), &f.expression)) continue;
      spec->features.push_back(std::move(f));
    }
  }

  void Outputs(const YAML::Node& node, OutputSpec* out) {
    if (!CheckMap(node, "outputs", {"prediction", "labels", "probabilities", "probability_of", "passthrough", "constants"})) return;
    if (node["prediction"]) Scalar(node["prediction"], "outputs.prediction", &out->prediction);
    if (const YAML::Node l = node["labels"]) {
      out->labels_line = l.Mark().line + 1;
      if (!l.IsMap()) {
        Error(l, "outputs.labels must map class -> label, e.g. {0: \"Early\", 1: \"Late\"}");
      } else {
        for (auto it = l.begin(); it != l.end(); ++it) out->labels.emplace_back(ValueOf(it->first), it->second.Scalar());
      }
    }
    if (node["probabilities"]) Bool(node["probabilities"], "outputs.probabilities", &out->probabilities);
    if (const YAML::Node p = node["probability_of"]) {
      out->probability_of_line = p.Mark().line + 1;
      if (CheckMap(p, "outputs.probability_of", {"class", "name"})) {
        if (!p["class"] || !p["name"]) {
          Error(p, "outputs.probability_of needs 'class' and 'name', e.g. {class: 1, name: propensity}");
        } else {
          out->probability_of_class = ValueOf(p["class"]);
          Scalar(p["name"], "outputs.probability_of.name", &out->probability_of_name);
        }
      }
    }
    if (const YAML::Node p = node["passthrough"]) {
      if (!p.IsSequence()) {
        Error(p, "outputs.passthrough must be a list of input field names");
      } else {
        for (const YAML::Node& f : p) out->passthrough.push_back(f.Scalar());
      }
    }
    if (const YAML::Node c = node["constants"]) {
      if (!c.IsMap()) {
        Error(c, "outputs.constants must map output name -> value");
      } else {
        for (auto it = c.begin(); it != c.end(); ++it) out->constants.emplace_back(it->first.Scalar(), ValueOf(it->second));
      }
    }
  }

  void Top(const YAML::Node& root, BundleSpec* spec) {
    if (!CheckMap(root, "ferry.yaml", {"name", "version", "description", "model", "unknown_fields",
                                       "inputs", "lookups", "features", "outputs"})) {
      return;
    }
    for (const char* required : {"name", "model", "inputs", "features"}) {
      if (!root[required]) Error(root, absl::StrCat("missing required key '", required, "'"));
    }
    if (root["name"]) Scalar(root["name"], "name", &spec->name);
    if (root["version"]) Scalar(root["version"], "version", &spec->version);
    if (root["description"]) Scalar(root["description"], "description", &spec->description);
    if (root["model"] && Scalar(root["model"], "model", &spec->model)) {
      spec->model_path = !spec->model.empty() && spec->model[0] == '/' ? spec->model : absl::StrCat(spec->dir, "/", spec->model);
    }
    if (const YAML::Node u = root["unknown_fields"]) {
      std::string v;
      Scalar(u, "unknown_fields", &v);
      if (v != "ignore" && v != "reject") Error(u, absl::StrCat("unknown_fields: '", v, "' is not one of ignore, reject"));
      spec->reject_unknown = v == "reject";
    }
    if (root["inputs"]) Inputs(root["inputs"], spec);
    if (root["lookups"]) Lookups(root["lookups"], spec);
    if (root["features"]) Features(root["features"], spec);
    if (root["outputs"]) Outputs(root["outputs"], &spec->outputs);
  }

 private:
  std::string file_;
  std::vector<Problem>* problems_;
};

}  // namespace

BundleSpec ParseSpecText(const std::string& dir, std::string_view text,
                         std::vector<Problem>* problems) {
  BundleSpec spec;
  spec.dir = dir;
  spec.spec_file = absl::StrCat(dir, "/ferry.yaml");
  SpecParser parser("ferry.yaml", problems);
  try {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      problems->push_back({"ferry.yaml", e.mark.line + 1, e.mark.column + 1,
                           absl::StrCat("not valid YAML: ", e.msg,
                                        " (check the brackets, quotes and indentation here)"),
                           false});
      return spec;
    }
    parser.Top(root, &spec);
  } catch (const YAML::Exception& e) {
    problems->push_back({"ferry.yaml", e.mark.line + 1, e.mark.column + 1, e.msg, false});
  }
  return spec;
}

BundleSpec ParseSpec(const std::string& dir, std::vector<Problem>* problems) {
  const std::string spec_file = absl::StrCat(dir, "/ferry.yaml");
  std::string why;
  std::error_code ec;
  if (!std::filesystem::exists(spec_file, ec)) {
    why = absl::StrCat("no ", spec_file, " (is ", dir, " a bundle directory? it needs a ferry.yaml; see docs/bundle.md)");
  } else if (!std::filesystem::is_regular_file(spec_file, ec)) {
    why = absl::StrCat(spec_file, " is not a regular file (a bundle's ferry.yaml must be a file)");
  }
  std::string text;
  if (why.empty()) {
    std::ifstream in(spec_file, std::ios::binary);
    if (in) text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!in.is_open() || in.bad()) {
      why = absl::StrCat("cannot read ", spec_file, " (check its permissions)");
    }
  }
  if (!why.empty()) {
    BundleSpec spec;
    spec.dir = dir;
    spec.spec_file = spec_file;
    problems->push_back({"ferry.yaml", 0, 0, why, false});
    return spec;
  }
  return ParseSpecText(dir, text, problems);
}

}  // namespace ferry::bundle
