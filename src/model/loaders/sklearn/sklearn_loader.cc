// SklearnToIR: walks Pipelines, converts transformers to stages and the final estimator
// through the class tables below, then fills the input side (names, count, dict input) from
// the outermost estimator that records it.
#include "model/loaders/sklearn/sklearn_loader.h"

#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "model/loaders/sklearn/common.h"
#include "model/loaders/sklearn/converters.h"

namespace ferry::model {
namespace sklearn {
namespace {

struct EstimatorEntry {
  std::string_view name;
  EstimatorConverter convert;
};
struct TransformerEntry {
  std::string_view name;
  TransformerConverter convert;
};

constexpr EstimatorEntry kEstimators[] = {
    {"LinearRegression", ConvertLinearRegressor},
    {"Ridge", ConvertLinearRegressor},
    {"RidgeCV", ConvertLinearRegressor},
    {"Lasso", ConvertLinearRegressor},
    {"LassoCV", ConvertLinearRegressor},
    {"ElasticNet", ConvertLinearRegressor},
    {"ElasticNetCV", ConvertLinearRegressor},
    {"LogisticRegression", ConvertLogisticRegression},
    {"LogisticRegressionCV", ConvertLogisticRegression},
    {"DecisionTreeClassifier", ConvertDecisionTree},
    {"DecisionTreeRegressor", ConvertDecisionTree},
    {"ExtraTreeClassifier", ConvertDecisionTree},
    {"ExtraTreeRegressor", ConvertDecisionTree},
    {"RandomForestClassifier", ConvertForest},
    {"RandomForestRegressor", ConvertForest},
    {"ExtraTreesClassifier", ConvertForest},
    {"ExtraTreesRegressor", ConvertForest},
    {"GradientBoostingClassifier", ConvertGradientBoosting},
    {"GradientBoostingRegressor", ConvertGradientBoosting},
    {"HistGradientBoostingClassifier", ConvertHistGradientBoosting},
    {"HistGradientBoostingRegressor", ConvertHistGradientBoosting},
};

constexpr TransformerEntry kTransformers[] = {
    {"StandardScaler", ConvertStandardScaler},
    {"MinMaxScaler", ConvertMinMaxScaler},
    {"SimpleImputer", ConvertSimpleImputer},
    {"OneHotEncoder", ConvertOneHotEncoder},
    {"DictVectorizer", ConvertDictVectorizer},
    {"FunctionTransformer", ConvertFunctionTransformer},
    {"ColumnTransformer", ConvertColumnTransformer},
};

bool IsSkippedStep(const Object& step) { return step.IsNone() || IsString(step, "passthrough"); }

// Pipeline.steps as (name, estimator) pairs.
absl::StatusOr<std::vector<std::pair<std::string, const Object*>>> Steps(const Object& pipe) {
  auto steps = Need(pipe, "steps");
  if (!steps.ok()) return steps.status();
  auto items = Items(**steps, "steps");
  if (!items.ok()) return Annotate(pipe, items.status());
  std::vector<std::pair<std::string, const Object*>> out;
  for (const Object* step : *items) {
    if (step == nullptr ||
        (step->kind != Object::Kind::kTuple && step->kind != Object::Kind::kList) ||
        step->items.size() != 2 || step->items[0]->kind != Object::Kind::kString) {
      return Error(pipe, "each entry of 'steps' must be a (name, estimator) pair");
    }
    out.emplace_back(step->items[0]->str, step->items[1].get());
  }
  if (out.empty()) return Error(pipe, "'steps' is empty");
  return out;
}

// Converts the final estimator (through nested Pipelines), appending any transformers.
absl::Status ConvertModel(const Object& est, ModelIR* ir) {
  const std::string name = ClassName(est);
  if (name == "Pipeline") {
    ir->chain.push_back(name);
    auto steps = Steps(est);
    if (!steps.ok()) return steps.status();
    for (size_t i = 0; i + 1 < steps->size(); ++i) {
      const Object& step = *(*steps)[i].second;
      if (IsSkippedStep(step)) continue;
      if (auto s = ConvertTransformerOrPipeline(step, &ir->stages, &ir->chain); !s.ok()) {
        return absl::Status(s.code(),
                            absl::StrCat("Pipeline step '", (*steps)[i].first, "': ", s.message()));
      }
    }
    const auto& [last_name, last] = steps->back();
    if (IsSkippedStep(*last)) {
      return Error(est, absl::StrCat("the last step '", last_name,
                                     "' is 'passthrough'; ferry needs a pipeline that ends "
                                     "in an estimator"));
    }
    auto s = ConvertModel(*last, ir);
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("Pipeline step '", last_name, "': ", s.message()));
    }
    return s;
  }
  if (EstimatorConverter convert = FindEstimatorConverter(name)) {
    ir->chain.push_back(name);
    return convert(est, ir);
  }
  if (FindTransformerConverter(name) != nullptr) {
    return Error(est,
                 "is a transformer, not an estimator; ferry loads models (or Pipelines) "
                 "that end in one of: " +
                     SupportedEstimators());
  }
  return absl::UnimplementedError(absl::StrCat(
      "unsupported scikit-learn class '", name, "'; supported estimators: ", SupportedEstimators(),
      "; supported transformers: ", SupportedTransformers(), "; plus Pipeline"));
}

// The estimators whose input is the model's input, outermost first: the root, then into the
// first non-skipped step of each Pipeline.
std::vector<const Object*> InputPath(const Object& root) {
  std::vector<const Object*> path;
  const Object* cur = &root;
  while (cur != nullptr) {
    path.push_back(cur);
    if (ClassName(*cur) != "Pipeline") break;
    auto steps = Steps(*cur);
    if (!steps.ok()) break;
    const Object* next = nullptr;
    for (const auto& step : *steps) {
      if (!IsSkippedStep(*step.second)) {
        next = step.second;
        break;
      }
    }
    cur = next;
  }
  return path;
}

absl::Status FillInputSide(const Object& root, ModelIR* ir) {
  std::vector<const Object*> path = InputPath(root);
  for (const Object* est : path) {
    if (const Object* names = Optional(*est, "feature_names_in_")) {
      auto strings = ToStrings(*names, "feature_names_in_");
      if (!strings.ok()) return Annotate(*est, strings.status());
      ir->input_names = std::move(*strings);
      break;
    }
  }
  for (const Object* est : path) {
    if (Optional(*est, "n_features_in_") != nullptr) {
      auto n = NeedInt(*est, "n_features_in_");
      if (!n.ok()) return n.status();
      ir->num_inputs = static_cast<int32_t>(*n);
      break;
    }
  }
  if (!path.empty() && ClassName(*path.back()) == "DictVectorizer") ir->dict_input = true;
  if (ir->num_inputs == 0 && !ir->input_names.empty()) {
    ir->num_inputs = static_cast<int32_t>(ir->input_names.size());
  }
  if (ir->num_inputs == 0 && ir->stages.empty() && !ir->dict_input) {
    // Old pickles without n_features_in_: the estimator's own width.
    if (const auto* linear = std::get_if<LinearModel>(&ir->estimator)) {
      ir->num_inputs = linear->num_features;
    } else if (const auto* trees = std::get_if<TreeEnsemble>(&ir->estimator)) {
      ir->num_inputs = trees->num_features;
    }
  }
  if (!ir->input_names.empty() && static_cast<int32_t>(ir->input_names.size()) != ir->num_inputs) {
    return absl::InvalidArgumentError(absl::StrCat("feature_names_in_ has ", ir->input_names.size(),
                                                   " names but n_features_in_ is ",
                                                   ir->num_inputs));
  }
  return absl::OkStatus();
}

}  // namespace

EstimatorConverter FindEstimatorConverter(const std::string& class_name) {
  for (const auto& e : kEstimators) {
    if (e.name == class_name) return e.convert;
  }
  return nullptr;
}

TransformerConverter FindTransformerConverter(const std::string& class_name) {
  for (const auto& e : kTransformers) {
    if (e.name == class_name) return e.convert;
  }
  return nullptr;
}

std::string SupportedEstimators() {
  std::string out;
  for (const auto& e : kEstimators)
    absl::StrAppend(&out, out.empty() ? "" : ", ", std::string(e.name));
  return out;
}

std::string SupportedTransformers() {
  std::string out;
  for (const auto& e : kTransformers)
    absl::StrAppend(&out, out.empty() ? "" : ", ", std::string(e.name));
  return out;
}

absl::Status ConvertTransformerOrPipeline(const Object& est, std::vector<Stage>* stages,
                                          std::vector<std::string>* chain) {
  if (IsSkippedStep(est)) return absl::OkStatus();
  const std::string name = ClassName(est);
  if (name == "Pipeline") {
    chain->push_back(name);
    auto steps = Steps(est);
    if (!steps.ok()) return steps.status();
    for (const auto& [step_name, step] : *steps) {
      if (auto s = ConvertTransformerOrPipeline(*step, stages, chain); !s.ok()) {
        return absl::Status(s.code(),
                            absl::StrCat("Pipeline step '", step_name, "': ", s.message()));
      }
    }
    return absl::OkStatus();
  }
  if (TransformerConverter convert = FindTransformerConverter(name)) {
    chain->push_back(name);
    return convert(est, stages, chain);
  }
  if (FindEstimatorConverter(name) != nullptr) {
    return Error(est,
                 "is an estimator where a transformer was expected (only the last "
                 "step of a Pipeline may be an estimator)");
  }
  return absl::UnimplementedError(
      absl::StrCat("unsupported scikit-learn transformer '", name,
                   "'; supported transformers: ", SupportedTransformers(), ", Pipeline"));
}

absl::Status ReadClasses(const Object& est, ModelIR* ir) {
  auto classes = Need(est, "classes_");
  if (!classes.ok()) return classes.status();
  if (ShapeOf(**classes).size() > 1) {
    return Error(est,
                 "multi-output classifiers (2-d classes_) are not supported; train one "
                 "classifier per target");
  }
  auto values = ToValues(**classes, "classes_");
  if (!values.ok()) return Annotate(est, values.status());
  if ((*values).size() < 2) {
    return Error(est, absl::StrCat("classes_ has ", values->size(),
                                   " class; a classifier needs at least 2"));
  }
  ir->classes = std::move(*values);
  ir->num_outputs = static_cast<int32_t>(ir->classes.size());
  ir->task = Task::kClassification;
  return absl::OkStatus();
}

}  // namespace sklearn

absl::StatusOr<ModelIR> SklearnToIR(const pickle::Object& root, const std::string& format) {
  ModelIR ir;
  ir.format = format;
  ir.library = "scikit-learn";
  if (const pickle::Object* v = sklearn::Optional(root, "_sklearn_version")) {
    if (v->kind == pickle::Object::Kind::kString) ir.library_version = v->str;
  }
  if (root.kind != pickle::Object::Kind::kInstance) {
    return absl::InvalidArgumentError(absl::StrCat("the pickle holds a ", root.TypeName(),
                                                   ", not a scikit-learn estimator object"));
  }
  if (auto s = sklearn::ConvertModel(root, &ir); !s.ok()) return s;
  if (auto s = sklearn::FillInputSide(root, &ir); !s.ok()) return s;
  return ir;
}

}  // namespace ferry::model
