// BundleSpec: the parsed ferry.yaml of a bundle directory (see docs/bundle.md), plus Problem,
// the one way every check (spec, lookups, expressions, model fit) reports what is wrong and
// where. Parsing never stops at the first problem: it reports them all and fills what it can.
#ifndef FERRY_BUNDLE_SPEC_H_
#define FERRY_BUNDLE_SPEC_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bundle/column.h"
#include "bundle/lookup_table.h"
#include "core/value.h"

namespace ferry::bundle {

struct Problem {
  std::string file;  // path as the user knows it, e.g. "ferry.yaml" or "data/dist.csv"
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
  std::string message;
  bool warning = false;
  // "ferry.yaml:12:3: error: inputs.DepDelay: unknown key 'maximum' (keys: ...)".
  std::string ToString() const;
};
bool HasErrors(const std::vector<Problem>& problems);

struct InputSpec {
  std::string name;
  Type type = Type::kString;
  bool required = true;
  Value default_value;  // as written; null when none
  std::optional<double> min, max;
  std::vector<Value> enum_values;
  std::string regex;
  std::string description;  // for people (forms, docs); no effect on scoring
  int line = 0;
};

struct LookupEntry {
  LookupSpec spec;   // spec.file is resolved against the bundle directory
  std::string file;  // as written in ferry.yaml
  int line = 0;
};

struct FeatureSpec {
  std::string name;
  std::string expression;
  int line = 0, column = 0;
};

struct OutputSpec {
  std::string prediction = "prediction";
  std::vector<std::pair<Value, std::string>> labels;  // class -> label, in file order
  int labels_line = 0;
  bool probabilities = false;
  std::optional<Value> probability_of_class;
  std::string probability_of_name;
  int probability_of_line = 0;
  std::vector<std::string> passthrough;
  std::vector<std::pair<std::string, Value>> constants;  // "{name}"/"{version}" substituted later
};

struct BundleSpec {
  std::string dir;        // the bundle directory
  std::string spec_file;  // dir + "/ferry.yaml"
  std::string name, version, description;
  std::string model;       // as written
  std::string model_path;  // resolved
  bool reject_unknown = false;
  std::vector<InputSpec> inputs;
  std::vector<LookupEntry> lookups;
  std::vector<FeatureSpec> features;
  OutputSpec outputs;
};

// Reads dir/ferry.yaml. Appends every problem found to `problems` (unknown keys, wrong types,
// missing required keys, duplicate names), each with its line and column.
BundleSpec ParseSpec(const std::string& dir, std::vector<Problem>* problems);
// The same for ferry.yaml's text, already read; `dir` only resolves the model and lookup paths.
BundleSpec ParseSpecText(const std::string& dir, std::string_view text,
                         std::vector<Problem>* problems);

// A YAML-like scalar as a typed Value: 12 -> Int, 1.5 -> Float, true -> Bool, null/~ -> null,
// anything else (or any quoted scalar) -> String.
Value ScalarValue(const std::string& text, bool quoted);

}  // namespace ferry::bundle

#endif  // FERRY_BUNDLE_SPEC_H_
