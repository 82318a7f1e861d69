// GradientBoostingClassifier/Regressor: estimators_ is an object array (n_estimators, K) of
// DecisionTreeRegressor; tree (i, k) adds learning_rate * leaf value to raw score k. The
// learning rate is baked into the leaves (the same double product scikit-learn computes).
// The starting score comes from init_ ('zero', DummyRegressor, DummyClassifier) converted to
// raw scores as scikit-learn's loss does.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/loaders/sklearn/common.h"
#include "model/loaders/sklearn/converters.h"
#include "model/loaders/sklearn/tree_reader.h"

namespace ferry::model::sklearn {
namespace {

enum class LossKind { kRegression, kLogLoss, kExponential };

absl::StatusOr<LossKind> ReadLoss(const Object& est, bool classifier) {
  auto loss = StringOr(est, "loss", classifier ? "log_loss" : "squared_error");
  if (!loss.ok()) return loss.status();
  if (!classifier) {
    for (const char* ok : {"squared_error", "ls", "absolute_error", "lad", "huber", "quantile"}) {
      if (*loss == ok) return LossKind::kRegression;
    }
  } else {
    if (*loss == "log_loss" || *loss == "deviance") return LossKind::kLogLoss;
    if (*loss == "exponential") return LossKind::kExponential;
  }
  return Error(est, absl::StrCat("unsupported loss '", *loss, "'"));
}

// DummyClassifier.predict_proba for one row (it ignores its input).
absl::StatusOr<std::vector<double>> DummyProba(const Object& init, size_t num_classes) {
  std::string strategy = "prior";
  for (const char* key : {"_strategy", "strategy"}) {
    if (const Object* s = Optional(init, key); s && s->kind == Object::Kind::kString) {
      strategy = s->str;
      break;
    }
  }
  if (strategy == "uniform") return std::vector<double>(num_classes, 1.0 / num_classes);
  auto prior = Need(init, "class_prior_");
  if (!prior.ok()) return prior.status();
  auto p = Doubles(**prior, "class_prior_");
  if (!p.ok()) return Annotate(init, p.status());
  if (p->size() != num_classes) {
    return Error(init, absl::StrCat("class_prior_ has ", p->size(), " entries for ", num_classes,
                                    " classes"));
  }
  if (strategy == "prior") return *p;
  if (strategy == "most_frequent") {
    std::vector<double> one_hot(num_classes, 0.0);
    one_hot[std::max_element(p->begin(), p->end()) - p->begin()] = 1.0;
    return one_hot;
  }
  return Error(init, absl::StrCat("strategy '", strategy,
                                  "' as a gradient boosting init is not supported "
                                  "(supported: prior, most_frequent, uniform)"));
}

// Raw starting scores (K values) from init_, as scikit-learn's losses compute them.
absl::StatusOr<std::vector<double>> BaseScore(const Object& est, LossKind loss, size_t k,
                                              size_t num_classes) {
  auto init = Need(est, "init_");
  if (!init.ok()) return init.status();
  if (IsString(**init, "zero")) return std::vector<double>(k, 0.0);
  const std::string init_class = ClassName(**init);
  if (loss == LossKind::kRegression) {
    if (init_class != "DummyRegressor") {
      return Error(est, absl::StrCat("init_ is a ", init_class,
                                     "; only 'zero' and DummyRegressor are supported"));
    }
    auto constant = Need(**init, "constant_");
    if (!constant.ok()) return constant.status();
    auto c = Doubles(**constant, "constant_");
    if (!c.ok()) return Annotate(**init, c.status());
    if (c->size() != k) {
      return Error(**init, absl::StrCat("constant_ has ", c->size(), " values, expected ", k));
    }
    return *c;
  }
  if (init_class != "DummyClassifier") {
    return Error(est, absl::StrCat("init_ is a ", init_class,
                                   "; only 'zero' and DummyClassifier are supported"));
  }
  auto proba = DummyProba(**init, num_classes);
  if (!proba.ok()) return proba.status();
  const double eps = std::numeric_limits<float>::epsilon();
  auto clip = [eps](double p) { return std::clamp(p, eps, 1 - eps); };
  if (num_classes == 2) {
    const double p = clip((*proba)[1]);
    const double log_odds = std::log(p / (1 - p));
    return std::vector<double>{loss == LossKind::kExponential ? 0.5 * log_odds : log_odds};
  }
  // Multiclass: log of the clipped prior (scikit-learn <= 1.2). Later versions center these
  // scores, which leaves the softmax probabilities unchanged.
  std::vector<double> out;
  for (double p : *proba) out.push_back(std::log(clip(p)));
  return out;
}

}  // namespace

absl::Status ConvertGradientBoosting(const Object& est, ModelIR* ir) {
  const bool classifier = ClassName(est) == "GradientBoostingClassifier";
  auto loss = ReadLoss(est, classifier);
  if (!loss.ok()) return loss.status();
  size_t num_classes = 0;
  if (classifier) {
    if (auto s = ReadClasses(est, ir); !s.ok()) return s;
    num_classes = ir->classes.size();
    if (*loss == LossKind::kExponential && num_classes != 2) {
      return Error(est, "exponential loss needs exactly 2 classes");
    }
  } else {
    ir->task = Task::kRegression;
    ir->num_outputs = 1;
  }
  const size_t k = classifier && num_classes > 2 ? num_classes : 1;

  auto estimators = Need(est, "estimators_");
  if (!estimators.ok()) return estimators.status();
  std::vector<int64_t> shape = ShapeOf(**estimators);
  auto members = Items(**estimators, "estimators_");
  if (!members.ok()) return Annotate(est, members.status());
  if (shape.size() != 2 || shape[1] != static_cast<int64_t>(k) || members->empty()) {
    return Error(
        est, absl::StrCat("estimators_ must be a non-empty (n_estimators, ", k, ") object array"));
  }
  auto learning_rate = NeedDouble(est, "learning_rate");
  if (!learning_rate.ok()) return learning_rate.status();

  TreeEnsemble ens;
  ens.num_outputs = static_cast<int32_t>(k);
  ens.leaf_width = 1;
  ens.split_rule = SplitRule::kSklearnTree;
  ens.aggregation = Aggregation::kSum;
  ens.missing_allowed = false;
  auto base = BaseScore(est, *loss, k, num_classes);
  if (!base.ok()) return base.status();
  ens.base_score = std::move(*base);
  for (size_t i = 0; i < members->size(); ++i) {
    const Object* member = (*members)[i];
    if (member == nullptr || ClassName(*member) != "DecisionTreeRegressor") {
      return Error(est, absl::StrCat("estimators_[", i / k, ", ", i % k,
                                     "] is not a DecisionTreeRegressor"));
    }
    auto tree = ReadEstimatorTree(*member);
    if (!tree.ok()) {
      return Annotate(
          est, absl::Status(tree.status().code(), absl::StrCat("estimators_[", i / k, ", ", i % k,
                                                               "]: ", tree.status().message())));
    }
    if (tree->num_outputs != 1 || tree->value_stride != 1) {
      return Error(est, "boosting trees must have a single regression output");
    }
    if (i == 0) ens.num_features = static_cast<int32_t>(tree->num_features);
    Tree t = std::move(tree->tree);
    t.leaf_value.resize(t.num_nodes());
    for (int32_t node = 0; node < t.num_nodes(); ++node) {
      t.leaf_value[node] = *learning_rate * tree->values[node];
    }
    t.output = static_cast<int32_t>(i % k);
    ens.trees.push_back(std::move(t));
  }
  if (Optional(est, "n_features_in_") != nullptr) {
    auto n = NeedInt(est, "n_features_in_");
    if (!n.ok()) return n.status();
    ens.num_features = static_cast<int32_t>(*n);
  }
  ir->estimator = std::move(ens);
  if (classifier) {
    ir->link = num_classes > 2                   ? Link::kSoftmax
               : *loss == LossKind::kExponential ? Link::kSigmoidTimesTwo
                                                 : Link::kSigmoid;
    ir->label_rule = LabelRule::kArgmaxOutput;
  } else {
    ir->link = Link::kIdentity;
  }
  return absl::OkStatus();
}

}  // namespace ferry::model::sklearn
