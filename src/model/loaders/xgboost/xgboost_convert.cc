#include "model/loaders/xgboost/xgboost_convert.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "model/loaders/xgboost/objective.h"
#include "model/loaders/xgboost/tree_convert.h"

namespace ferry::model::xgboost {
namespace {

constexpr char kParams[] = "learner.learner_model_param";

// An integer parameter (stored as a string or a number) in [0, limit]; `fallback` when absent.
absl::StatusOr<int32_t> IntegerParam(const DocNode& params, absl::string_view key, int32_t fallback,
                                     int32_t limit) {
  if (params.Find(key) == nullptr) return fallback;
  auto value = GetNumberOrNumericString(params, key, kParams);
  if (!value.ok()) return value.status();
  if (!(*value >= 0 && *value <= limit) || *value != std::floor(*value)) {
    return absl::InvalidArgumentError(absl::StrCat(kParams, ".", key, " = ", *value,
                                                   " should be an integer in [0, ", limit, "]"));
  }
  return static_cast<int32_t>(*value);
}

// base_score as stored: "5E-1", "[5E-1]", "[1E0,2E0]" (one per output) or a plain number.
absl::StatusOr<std::vector<double>> ReadBaseScores(const DocNode& params) {
  const std::string path = absl::StrCat(kParams, ".base_score");
  const DocNode* node = params.Find("base_score");
  if (node == nullptr) return std::vector<double>{0.5};  // XGBoost's default
  if (node->kind == DocNode::Kind::kNumber) return std::vector<double>{node->number};
  if (node->kind == DocNode::Kind::kNumbers && !node->numbers.empty()) return node->numbers;
  if (node->kind != DocNode::Kind::kString) {
    return absl::InvalidArgumentError(absl::StrCat("field '", path,
                                                   "' should be a number string "
                                                   "but is ",
                                                   KindName(node->kind)));
  }
  absl::string_view text = node->text;
  if (absl::ConsumePrefix(&text, "[") && !absl::ConsumeSuffix(&text, "]")) {
    return absl::InvalidArgumentError(
        absl::StrCat("field '", path, "' = \"", node->text, "\" opens '[' without closing it"));
  }
  std::vector<double> scores;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    auto value = ParseNumberText(part, path);
    if (!value.ok()) return value.status();
    scores.push_back(*value);
  }
  return scores;
}

absl::StatusOr<std::vector<std::string>> ReadFeatureNames(const DocNode& learner,
                                                          int32_t num_features) {
  std::vector<std::string> names;
  if (learner.Find("feature_names") == nullptr) return names;
  auto items = GetArray(learner, "feature_names", "learner");
  if (!items.ok()) return items.status();
  if ((*items)->empty()) return names;
  if ((*items)->size() != static_cast<size_t>(num_features)) {
    return absl::InvalidArgumentError(absl::StrCat("learner.feature_names has ", (*items)->size(),
                                                   " names but ", kParams, ".num_feature is ",
                                                   num_features));
  }
  for (size_t i = 0; i < (*items)->size(); ++i) {
    const DocNode& item = (**items)[i];
    if (item.kind != DocNode::Kind::kString) {
      return absl::InvalidArgumentError(absl::StrCat(
          "learner.feature_names[", i, "] should be a string but is ", KindName(item.kind)));
    }
    names.push_back(item.text);
  }
  return names;
}

std::string VersionText(const DocNode& root) {
  const DocNode* version = root.Find("version");
  if (version == nullptr || version->kind != DocNode::Kind::kNumbers) return "";
  std::vector<std::string> parts;
  for (double v : version->numbers) parts.push_back(absl::StrCat(v));
  return absl::StrJoin(parts, ".");
}

// The gbtree model object and, for dart, the per-tree weights.
struct BoosterView {
  std::string name;
  const DocNode* model = nullptr;
  const std::vector<double>* weight_drop = nullptr;  // dart only
  std::string model_path;
};

absl::StatusOr<BoosterView> ReadBooster(const DocNode& learner) {
  auto booster = GetObject(learner, "gradient_booster", "learner");
  if (!booster.ok()) return booster.status();
  const std::string path = "learner.gradient_booster";
  BoosterView view;
  auto name = GetString(**booster, "name", path);
  if (!name.ok()) return name.status();
  view.name = *name;
  if (view.name == "gbtree") {
    view.model_path = path + ".model";
    auto model = GetObject(**booster, "model", path);
    if (!model.ok()) return model.status();
    view.model = *model;
  } else if (view.name == "dart") {
    auto inner = GetObject(**booster, "gbtree", path);
    if (!inner.ok()) return inner.status();
    view.model_path = path + ".gbtree.model";
    auto model = GetObject(**inner, "model", path + ".gbtree");
    if (!model.ok()) return model.status();
    view.model = *model;
    auto weights = GetNumbers(**booster, "weight_drop", path);
    if (!weights.ok()) return weights.status();
    view.weight_drop = *weights;
  } else {
    return absl::UnimplementedError(absl::StrCat(
        path, ".name is '", view.name, "'; only the gbtree and dart boosters are supported"));
  }
  return view;
}

absl::Status ReadTrees(const BoosterView& booster, TreeEnsemble* ensemble) {
  const std::string& path = booster.model_path;
  auto trees = GetArray(*booster.model, "trees", path);
  if (!trees.ok()) return trees.status();
  auto tree_info = GetNumbers(*booster.model, "tree_info", path);
  if (!tree_info.ok()) return tree_info.status();
  const size_t n = (*trees)->size();
  if ((*tree_info)->size() != n) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".tree_info has ", (*tree_info)->size(),
                                                   " entries but there are ", n, " trees"));
  }
  if (booster.weight_drop != nullptr && booster.weight_drop->size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("learner.gradient_booster.weight_drop has ",
                                                   booster.weight_drop->size(),
                                                   " entries but there are ", n, " trees"));
  }
  if (auto param = booster.model->Find("gbtree_model_param"); param != nullptr) {
    const std::string param_path = path + ".gbtree_model_param";
    if (param->Find("size_leaf_vector") != nullptr) {
      auto width = GetNumberOrNumericString(*param, "size_leaf_vector", param_path);
      if (!width.ok()) return width.status();
      if (*width > 1) {
        return absl::UnimplementedError(absl::StrCat(
            param_path, ".size_leaf_vector is ", *width,
            ": vector-leaf trees (multi_strategy=multi_output_tree) are not supported"));
      }
    }
    if (param->Find("num_trees") != nullptr) {
      auto declared = GetNumberOrNumericString(*param, "num_trees", param_path);
      if (!declared.ok()) return declared.status();
      if (*declared != static_cast<double>(n)) {
        return absl::InvalidArgumentError(
            absl::StrCat(param_path, ".num_trees is ", *declared, " but ", path, ".trees has ", n));
      }
    }
  }
  ensemble->trees.reserve(n);
  size_t category_words = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string tree_path = absl::StrCat(path, ".trees[", i, "]");
    auto tree = ConvertTree((**trees)[i], tree_path, ensemble->num_features,
                            &ensemble->category_sets, &category_words);
    if (!tree.ok()) return tree.status();
    double output = (**tree_info)[i];
    if (!(output >= 0 && output < ensemble->num_outputs) || output != std::floor(output)) {
      return absl::InvalidArgumentError(absl::StrCat(path, ".tree_info[", i, "] = ", output,
                                                     " should name an output in [0, ",
                                                     ensemble->num_outputs, ")"));
    }
    tree->output = static_cast<int32_t>(output);
    if (booster.weight_drop != nullptr) {
      tree->weight = static_cast<float>((*booster.weight_drop)[i]);
    }
    ensemble->trees.push_back(std::move(*tree));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ModelIR> ConvertXGBoostDocument(const DocNode& root, std::string format) {
  ModelIR ir;
  ir.format = std::move(format);
  ir.library = "XGBoost";
  ir.library_version = VersionText(root);

  auto learner = GetObject(root, "learner", "");
  if (!learner.ok()) return learner.status();
  auto params = GetObject(**learner, "learner_model_param", "learner");
  if (!params.ok()) return params.status();
  auto num_features = IntegerParam(**params, "num_feature", 0, INT32_MAX);
  auto num_class = IntegerParam(**params, "num_class", 0, 1 << 20);
  auto num_target = IntegerParam(**params, "num_target", 1, 1 << 20);
  for (const auto* s : {&num_features, &num_class, &num_target}) {
    if (!s->ok()) return s->status();
  }
  auto objective_node = GetObject(**learner, "objective", "learner");
  if (!objective_node.ok()) return objective_node.status();
  auto objective = GetString(**objective_node, "name", "learner.objective");
  if (!objective.ok()) return objective.status();
  auto info = DescribeObjective(*objective);
  if (!info.ok()) return info.status();

  int32_t raw_width = std::max({1, *num_class, *num_target});
  if (info->multiclass && *num_class < 1) {
    return absl::InvalidArgumentError(absl::StrCat(kParams, ".num_class is ", *num_class,
                                                   " but objective ", *objective,
                                                   " needs at least one class"));
  }
  if (info->multiclass && *num_target > 1) {
    return absl::UnimplementedError(absl::StrCat("objective ", *objective, " with num_target ",
                                                 *num_target, " is not supported"));
  }
  if (!info->multiclass && *num_class > 1) {
    return absl::InvalidArgumentError(absl::StrCat(kParams, ".num_class is ", *num_class,
                                                   " but objective ", *objective,
                                                   " is not multiclass; the file is inconsistent"));
  }
  if (info->binary && raw_width > 1) {
    return absl::UnimplementedError(
        absl::StrCat("objective ", *objective, " with ", raw_width,
                     " targets (multi-label classification) is not supported"));
  }

  auto base_scores = ReadBaseScores(**params);
  if (!base_scores.ok()) return base_scores.status();
  if (base_scores->size() != 1 && base_scores->size() != static_cast<size_t>(raw_width)) {
    return absl::InvalidArgumentError(absl::StrCat(kParams, ".base_score has ", base_scores->size(),
                                                   " values but the model "
                                                   "has ",
                                                   raw_width, " outputs"));
  }
  TreeEnsemble ensemble;
  ensemble.num_features = *num_features;
  ensemble.num_outputs = raw_width;
  ensemble.leaf_width = 1;
  ensemble.split_rule = SplitRule::kXGBoost;
  ensemble.aggregation = Aggregation::kSum;
  ensemble.float32_sum = true;
  ensemble.missing_allowed = true;
  for (int32_t k = 0; k < raw_width; ++k) {
    double stored = (*base_scores)[base_scores->size() == 1 ? 0 : k];
    auto margin = BaseScoreToMargin(static_cast<float>(stored), info->margin, *objective);
    if (!margin.ok()) return margin.status();
    ensemble.base_score.push_back(*margin);
  }

  auto booster = ReadBooster(**learner);
  if (!booster.ok()) return booster.status();
  if (auto s = ReadTrees(*booster, &ensemble); !s.ok()) return s;

  auto names = ReadFeatureNames(**learner, *num_features);
  if (!names.ok()) return names.status();
  ir.input_names = std::move(*names);
  ir.num_inputs = *num_features;
  ir.chain = {absl::StrCat("XGBoost ", booster->name, " booster (", *objective, ")")};
  ir.task = info->task;
  ir.link = info->link;
  ir.label_rule = info->label_rule;
  if (info->task == Task::kClassification) {
    int32_t num_classes = info->binary ? 2 : raw_width;
    for (int32_t c = 0; c < num_classes; ++c) ir.classes.push_back(Value::Int(c));
    ir.num_outputs = num_classes;
  } else {
    ir.num_outputs = raw_width;
  }
  ir.estimator = std::move(ensemble);
  return ir;
}

}  // namespace ferry::model::xgboost
