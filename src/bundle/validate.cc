#include "bundle/validate.h"

#include <set>
#include <variant>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ferry::bundle {
namespace {

bool SameClass(const Value& a, const Value& b) { return a == b || a.ToString() == b.ToString(); }

std::string ClassList(const std::vector<Value>& classes) {
  std::vector<std::string> names;
  for (const Value& c : classes) names.push_back(c.ToString());
  return absl::StrJoin(names, ", ");
}

class FitChecker {
 public:
  FitChecker(const BundleParts& parts, std::vector<Problem>* problems) : parts_(parts), problems_(problems) {}

  void Run() {
    const model::Model& m = *parts_.model;
    if (m.ir().dict_input) {
      CheckVocabulary(m);
    } else {
      CheckInputs(m);
    }
    CheckOutputs(m);
  }

 private:
  void Add(int line, std::string message, bool warning = false) {
    problems_->push_back({"ferry.yaml", line, 0, std::move(message), warning});
  }
  int FeatureLine(const std::string& name) const {
    for (const FeatureSpec& f : parts_.spec.features) {
      if (f.name == name) return f.line;
    }
    return 0;
  }

  void CheckVocabulary(const model::Model& m) {
    const model::DictVectorizerStage* dv = nullptr;
    for (const model::Stage& s : m.ir().stages) {
      if (const auto* d = std::get_if<model::DictVectorizerStage>(&s.op)) {
        dv = d;
        break;
      }
    }
    if (dv == nullptr) return;
    const std::string& sep = dv->separator;
    std::set<std::string> vocab(dv->feature_names.begin(), dv->feature_names.end());
    for (const CompiledFeature& f : parts_.features) {
      std::string prefix = f.name + sep;
      bool as_string = false;
      for (auto it = vocab.lower_bound(prefix); it != vocab.end() && absl::StartsWith(*it, prefix); ++it) as_string = true;
      bool as_number = vocab.count(f.name) > 0;
      int line = FeatureLine(f.name);
      if (f.expr->type() == Type::kString && !as_string) {
        Add(line, absl::StrCat("features.", f.name, " gives strings, but the model's DictVectorizer has no entry '",
                               f.name, sep, "...'", as_number ? " (it saw this feature as a number: use float(...))" : " (not in its vocabulary)"));
      } else if (f.expr->type() != Type::kString && !as_number) {
        Add(line, absl::StrCat("features.", f.name, " gives ", TypeName(f.expr->type()),
                               " values, but '", f.name, "' is not in the model's DictVectorizer vocabulary",
                               as_string ? " (it saw this feature as a string: use string(...))" : ""));
      }
    }
    std::vector<std::string> unused;
    for (const std::string& entry : dv->feature_names) {
      bool produced = false;
      for (const CompiledFeature& f : parts_.features) {
        produced = produced || entry == f.name || absl::StartsWith(entry, f.name + sep);
      }
      if (!produced) unused.push_back(entry);
    }
    if (!unused.empty()) {
      size_t shown = std::min<size_t>(unused.size(), 10);
      Add(0, absl::StrCat("the model's DictVectorizer has ", unused.size(), " entr",
                          unused.size() == 1 ? "y" : "ies", " no feature produces: ",
                          absl::StrJoin(unused.begin(), unused.begin() + shown, ", "),
                          unused.size() > shown ? ", ..." : ""),
          /*warning=*/true);
    }
  }

  void CheckInputs(const model::Model& m) {
    const auto& names = m.input_names();
    size_t n = parts_.spec.features.size();
    if (!names.empty()) {
      std::set<std::string> have;
      for (const FeatureSpec& f : parts_.spec.features) {
        have.insert(f.name);
        if (std::find(names.begin(), names.end(), f.name) == names.end()) {
          Add(f.line, absl::StrCat("features.", f.name, ": the model has no input of that name (inputs: ",
                                   absl::StrJoin(names, ", "), ")"));
        }
      }
      for (const std::string& name : names) {
        if (!have.count(name)) Add(0, absl::StrCat("the model needs input '", name, "' but no feature has that name"));
      }
    } else if (m.num_inputs() > 0 && static_cast<int32_t>(n) != m.num_inputs()) {
      Add(0, absl::StrCat("ferry.yaml defines ", n, " feature", n == 1 ? "" : "s", " but the model takes ",
                          m.num_inputs(), " input", m.num_inputs() == 1 ? "" : "s",
                          " (features are given to it in the order listed)"));
    }
  }

  void CheckOutputs(const model::Model& m) {
    const OutputSpec& out = parts_.spec.outputs;
    bool classifier = m.task() == model::Task::kClassification;
    if (!classifier) {
      if (m.num_outputs() != 1) Add(0, absl::StrCat("the model is a regressor with ", m.num_outputs(), " targets; bundles support one"));
      if (!out.labels.empty()) Add(out.labels_line, "outputs.labels: the model is a regressor, it has no classes to label");
      if (out.probabilities) Add(0, "outputs.probabilities: the model is a regressor, it gives no probabilities");
      if (out.probability_of_class) Add(out.probability_of_line, "outputs.probability_of: the model is a regressor, it gives no probabilities");
      return;
    }
    const auto& classes = m.classes();
    for (const auto& [cls, label] : out.labels) {
      bool found = false;
      for (const Value& c : classes) found = found || SameClass(c, cls);
      if (!found) {
        Add(out.labels_line, absl::StrCat("outputs.labels: class ", cls.ToString(), " is not a class of the model (classes: ",
                                          ClassList(classes), ")"));
      }
    }
    if (!out.labels.empty()) {
      for (const Value& c : classes) {
        bool labelled = false;
        for (const auto& l : out.labels) labelled = labelled || SameClass(c, l.first);
        if (!labelled) Add(out.labels_line, absl::StrCat("outputs.labels: class ", c.ToString(), " has no label; it is returned as ", c.ToString()), true);
      }
    }
    if (out.probability_of_class) {
      bool found = false;
      for (const Value& c : classes) found = found || SameClass(c, *out.probability_of_class);
      if (!found) {
        Add(out.probability_of_line, absl::StrCat("outputs.probability_of: class ", out.probability_of_class->ToString(),
                                                  " is not a class of the model (classes: ", ClassList(classes), ")"));
      }
    }
  }

  const BundleParts& parts_;
  std::vector<Problem>* problems_;
};

void CheckOutputNames(const BundleSpec& spec, std::vector<Problem>* problems) {
  std::vector<std::string> names = {spec.outputs.prediction};
  if (spec.outputs.probabilities) names.push_back("probabilities");
  if (spec.outputs.probability_of_class) names.push_back(spec.outputs.probability_of_name);
  for (const std::string& p : spec.outputs.passthrough) {
    names.push_back(p);
    bool declared = false;
    for (const InputSpec& in : spec.inputs) declared = declared || in.name == p;
    if (!declared && spec.reject_unknown) {
      problems->push_back({"ferry.yaml", 0, 0, absl::StrCat("outputs.passthrough: '", p,
                           "' is not a declared input, and unknown_fields: reject would refuse it"), false});
    }
  }
  for (const auto& c : spec.outputs.constants) names.push_back(c.first);
  std::set<std::string> seen;
  for (const std::string& n : names) {
    if (!seen.insert(n).second) {
      problems->push_back({"ferry.yaml", 0, 0, absl::StrCat("outputs: the name '", n, "' is used twice"), false});
    }
  }
}

}  // namespace

void CheckModelFit(const BundleParts& parts, std::vector<Problem>* problems) {
  CheckOutputNames(parts.spec, problems);
  if (parts.model) FitChecker(parts, problems).Run();
}

std::vector<Problem> ValidateBundle(const std::string& dir) {
  std::vector<Problem> problems;
  BundleParts parts = CompileBundleParts(dir, &problems);
  CheckModelFit(parts, &problems);
  return problems;
}

}  // namespace ferry::bundle
