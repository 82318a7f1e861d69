// Decision trees and forests (DecisionTree*, ExtraTree*, RandomForest*, ExtraTrees*).
// Classifier leaves hold class probabilities normalized as predict_proba does (value / leaf
// sum; a zero sum stays zero), so the same code serves count (< 1.4.1) and fraction (>= 1.4.1)
// layouts. Forests average their trees (Aggregation::kMean).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/loaders/sklearn/common.h"
#include "model/loaders/sklearn/converters.h"
#include "model/loaders/sklearn/tree_reader.h"

namespace ferry::model::sklearn {
namespace {

bool IsClassifier(const std::string& name) { return name.find("Classifier") != std::string::npos; }

// Whether scikit-learn's predict accepts NaN for this estimator (so the IR should route it
// by missing_go_to_left rather than reject the row).
bool AcceptsMissing(const Object& est, const SklearnTree& tree) {
  if (!tree.has_missing_field) return false;
  const std::string name = ClassName(est);
  if (name.rfind("ExtraTree", 0) == 0) return false;  // random splitter: never (<= 1.5)
  if (name.rfind("DecisionTree", 0) == 0) {
    auto splitter = StringOr(est, "splitter", "best");
    return splitter.ok() && *splitter == "best";
  }
  if (name.rfind("RandomForest", 0) == 0) {
    std::optional<Version> v = VersionOf(est);
    return v.has_value() && v->AtLeast(1, 4);
  }
  return false;
}

// Copies one scikit-learn tree into the IR, with leaf values per the task.
absl::StatusOr<Tree> ToIRTree(const Object& est, SklearnTree t, bool classifier,
                              int64_t expected_width) {
  const int32_t n = t.tree.num_nodes();
  Tree out = std::move(t.tree);
  if (classifier) {
    if (t.num_outputs != 1) {
      return Error(est, absl::StrCat("multi-output classification (", t.num_outputs,
                                     " outputs) is not supported; train one classifier per "
                                     "target"));
    }
    const int64_t c = t.num_classes[0];
    if (c != expected_width) {
      return Error(est, absl::StrCat("tree has ", c, " classes but classes_ has ", expected_width));
    }
    out.leaf_value.resize(static_cast<size_t>(n) * c);
    for (int32_t node = 0; node < n; ++node) {
      double sum = 0;
      for (int64_t k = 0; k < c; ++k) sum += t.value(node, 0, k);
      if (sum == 0) sum = 1;
      for (int64_t k = 0; k < c; ++k) out.leaf_value[node * c + k] = t.value(node, 0, k) / sum;
    }
  } else {
    if (t.value_stride != 1) return Error(est, "regression tree with class counts in values");
    if (t.num_outputs != expected_width) {
      return Error(est,
                   absl::StrCat("tree has ", t.num_outputs, " outputs, expected ", expected_width));
    }
    out.leaf_value = std::move(t.values);  // node_count x n_outputs x 1
  }
  return out;
}

int32_t NumFeatures(const Object& est, const SklearnTree& first) {
  if (Optional(est, "n_features_in_") != nullptr) {
    auto n = NeedInt(est, "n_features_in_");
    if (n.ok()) return static_cast<int32_t>(*n);
  }
  return static_cast<int32_t>(first.num_features);
}

// Fills task, classes, outputs; returns the leaf width.
absl::StatusOr<int64_t> SetUpTask(const Object& est, bool classifier, ModelIR* ir) {
  if (classifier) {
    if (Optional(est, "n_outputs_") != nullptr) {
      auto outputs = NeedInt(est, "n_outputs_");
      if (!outputs.ok()) return outputs.status();
      if (*outputs != 1) {
        return Error(est,
                     "multi-output classification is not supported; train one "
                     "classifier per target");
      }
    }
    if (auto s = ReadClasses(est, ir); !s.ok()) return s;
    ir->link = Link::kIdentity;
    ir->label_rule = LabelRule::kArgmaxOutput;
    return static_cast<int64_t>(ir->classes.size());
  }
  ir->task = Task::kRegression;
  ir->link = Link::kIdentity;
  int64_t outputs = 1;
  if (Optional(est, "n_outputs_") != nullptr) {
    auto n = NeedInt(est, "n_outputs_");
    if (!n.ok()) return n.status();
    outputs = *n;
  }
  ir->num_outputs = static_cast<int32_t>(outputs);
  return outputs;
}

}  // namespace

absl::Status ConvertDecisionTree(const Object& est, ModelIR* ir) {
  const bool classifier = IsClassifier(ClassName(est));
  auto tree = ReadEstimatorTree(est);
  if (!tree.ok()) return tree.status();
  if (classifier && tree->num_outputs != 1) {
    return Error(est,
                 "multi-output classification is not supported; train one classifier "
                 "per target");
  }
  auto width = SetUpTask(est, classifier, ir);
  if (!width.ok()) return width.status();
  TreeEnsemble ens;
  ens.num_features = NumFeatures(est, *tree);
  ens.num_outputs = static_cast<int32_t>(*width);
  ens.leaf_width = ens.num_outputs;
  ens.split_rule = SplitRule::kSklearnTree;
  ens.aggregation = Aggregation::kMean;
  ens.missing_allowed = AcceptsMissing(est, *tree);
  ens.base_score.assign(ens.num_outputs, 0.0);
  auto t = ToIRTree(est, std::move(*tree), classifier, *width);
  if (!t.ok()) return t.status();
  ens.trees.push_back(std::move(*t));
  ir->estimator = std::move(ens);
  return absl::OkStatus();
}

absl::Status ConvertForest(const Object& est, ModelIR* ir) {
  const bool classifier = IsClassifier(ClassName(est));
  auto estimators = Need(est, "estimators_");
  if (!estimators.ok()) return estimators.status();
  auto members = Items(**estimators, "estimators_");
  if (!members.ok()) return Annotate(est, members.status());
  if (members->empty()) return Error(est, "estimators_ is empty");
  auto width = SetUpTask(est, classifier, ir);
  if (!width.ok()) return width.status();

  TreeEnsemble ens;
  ens.num_outputs = static_cast<int32_t>(*width);
  ens.leaf_width = ens.num_outputs;
  ens.split_rule = SplitRule::kSklearnTree;
  ens.aggregation = Aggregation::kMean;
  ens.base_score.assign(ens.num_outputs, 0.0);
  for (size_t i = 0; i < members->size(); ++i) {
    const Object& member = *(*members)[i];
    auto tree = ReadEstimatorTree(member);
    if (!tree.ok()) {
      return Annotate(
          est, absl::Status(tree.status().code(),
                            absl::StrCat("estimators_[", i, "]: ", tree.status().message())));
    }
    if (i == 0) {
      ens.num_features = NumFeatures(est, *tree);
      ens.missing_allowed = AcceptsMissing(est, *tree);
    }
    auto t = ToIRTree(est, std::move(*tree), classifier, *width);
    if (!t.ok()) return t.status();
    ens.trees.push_back(std::move(*t));
  }
  ir->estimator = std::move(ens);
  return absl::OkStatus();
}

}  // namespace ferry::model::sklearn
