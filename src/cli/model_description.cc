#include "cli/model_description.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/prediction_writer.h"
#include "io/json_writer.h"

namespace ferry::cli {
namespace {

using model::ModelIR;
using model::Stage;

const char* SplitRuleText(model::SplitRule rule) {
  switch (rule) {
    case model::SplitRule::kSklearnTree:
      return "scikit-learn tree: float32(x) <= threshold goes left";
    case model::SplitRule::kHistGradientBoosting:
      return "scikit-learn histogram boosting: x <= threshold (float64) goes left";
    case model::SplitRule::kXGBoost:
      return "XGBoost: float32(x) < float32(threshold) goes left";
  }
  return "unknown";
}

const char* LinkText(model::Link link) {
  switch (link) {
    case model::Link::kIdentity:
      return "identity";
    case model::Link::kExp:
      return "exp";
    case model::Link::kSigmoid:
      return "sigmoid";
    case model::Link::kSigmoidTimesTwo:
      return "sigmoid of twice the score (exponential loss)";
    case model::Link::kSoftmax:
      return "softmax";
    case model::Link::kBinarySoftmax:
      return "binary softmax";
    case model::Link::kOneVsRestNormalize:
      return "one-vs-rest sigmoids, normalized";
    case model::Link::kXGBoostSigmoid:
      return "XGBoost sigmoid (float32)";
    case model::Link::kXGBoostSoftmax:
      return "XGBoost softmax (float32)";
    case model::Link::kXGBoostExp:
      return "XGBoost exp (float32)";
    case model::Link::kXGBoostRawBinary:
      return "XGBoost raw binary score [1 - d, d] (float32)";
  }
  return "unknown";
}

const char* LabelRuleText(model::LabelRule rule) {
  switch (rule) {
    case model::LabelRule::kArgmaxOutput:
      return "largest probability";
    case model::LabelRule::kArgmaxRaw:
      return "largest raw score";
    case model::LabelRule::kRawPositive:
      return "raw score > 0";
    case model::LabelRule::kAboveHalf:
      return "probability > 0.5";
  }
  return "unknown";
}

std::string StageName(const Stage& stage) {
  if (!stage.class_name.empty()) return stage.class_name;
  static const char* const kNames[] = {"DictVectorizer", "OneHotEncoder", "StandardScaler",
                                       "MinMaxScaler",   "SimpleImputer", "ColumnTransformer"};
  return kNames[stage.op.index()];
}

// Facts about a stage as (name, value) pairs, values already in JSON.
std::vector<std::pair<std::string, std::string>> StageFacts(const Stage& stage) {
  std::vector<std::pair<std::string, std::string>> facts;
  auto num = [](auto n) { return absl::StrCat(n); };
  auto yes_no = [](bool b) { return std::string(b ? "true" : "false"); };
  if (auto* dv = std::get_if<model::DictVectorizerStage>(&stage.op)) {
    facts.emplace_back("output_features", num(dv->feature_names.size()));
  } else if (auto* ohe = std::get_if<model::OneHotEncoderStage>(&stage.op)) {
    size_t categories = 0;
    size_t dropped = 0;
    for (const auto& c : ohe->categories) categories += c.size();
    for (int32_t d : ohe->drop_index) dropped += d >= 0 ? 1 : 0;
    facts.emplace_back("columns", num(ohe->categories.size()));
    facts.emplace_back("categories", num(categories));
    facts.emplace_back("output_features", num(categories - dropped));
    facts.emplace_back("ignore_unknown", yes_no(ohe->ignore_unknown));
  } else if (auto* ss = std::get_if<model::StandardScalerStage>(&stage.op)) {
    facts.emplace_back("features", num(std::max(ss->mean.size(), ss->scale.size())));
    facts.emplace_back("centers", yes_no(!ss->mean.empty()));
    facts.emplace_back("scales", yes_no(!ss->scale.empty()));
  } else if (auto* mm = std::get_if<model::MinMaxScalerStage>(&stage.op)) {
    facts.emplace_back("features", num(mm->scale.size()));
    facts.emplace_back("clip", yes_no(mm->clip));
  } else if (auto* si = std::get_if<model::SimpleImputerStage>(&stage.op)) {
    facts.emplace_back("columns", num(si->statistics.size()));
    std::string missing;
    if (si->missing_is_nan) {
      missing = "\"NaN\"";
    } else {
      io::JsonWriter(&missing).Write(si->missing);
    }
    facts.emplace_back("missing_marker", missing);
  } else if (auto* ct = std::get_if<model::ColumnTransformerStage>(&stage.op)) {
    facts.emplace_back("branches", num(ct->branches.size()));
  }
  return facts;
}

void AppendStageText(const Stage& stage, const std::string& indent, std::string* out) {
  absl::StrAppend(out, indent, StageName(stage));
  auto facts = StageFacts(stage);
  for (size_t i = 0; i < facts.size(); ++i) {
    std::string value = facts[i].second;
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    std::string key = facts[i].first;
    std::replace(key.begin(), key.end(), '_', ' ');
    absl::StrAppend(out, i == 0 ? ": " : ", ", key, " ", value);
  }
  out->push_back('\n');
  if (auto* ct = std::get_if<model::ColumnTransformerStage>(&stage.op)) {
    for (const auto& branch : ct->branches) {
      absl::StrAppend(out, indent, "  branch '", branch.name, "' on input columns [",
                      absl::StrJoin(branch.columns, ", "), "]",
                      branch.stages.empty() ? ": passthrough\n" : ":\n");
      for (const Stage& inner : branch.stages) AppendStageText(inner, indent + "    ", out);
    }
  }
}

void WriteStageJson(const Stage& stage, io::JsonWriter& w) {
  w.BeginObject().Key("class").String(StageName(stage));
  for (const auto& [key, value] : StageFacts(stage)) w.Key(key).Raw(value);
  if (auto* ct = std::get_if<model::ColumnTransformerStage>(&stage.op)) {
    w.Key("branch_list").BeginArray();
    for (const auto& branch : ct->branches) {
      w.BeginObject().Key("name").String(branch.name).Key("columns").BeginArray();
      for (int32_t c : branch.columns) w.Int(c);
      w.EndArray().Key("stages").BeginArray();
      for (const Stage& inner : branch.stages) WriteStageJson(inner, w);
      w.EndArray().EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

std::string ListPreview(const std::vector<std::string>& items, size_t limit) {
  if (items.size() <= limit) return absl::StrJoin(items, ", ");
  std::vector<std::string> head(items.begin(), items.begin() + limit);
  return absl::StrCat(absl::StrJoin(head, ", "), ", ... (", items.size() - limit, " more)");
}

std::vector<std::string> ClassTexts(const ModelIR& ir) {
  std::vector<std::string> texts;
  for (const Value& c : ir.classes) texts.push_back(LabelText(c));
  return texts;
}

}  // namespace

TreeStats ComputeTreeStats(const model::TreeEnsemble& ensemble) {
  TreeStats stats;
  stats.trees = static_cast<int64_t>(ensemble.trees.size());
  std::vector<std::pair<int32_t, int32_t>> stack;  // (node, depth)
  for (const model::Tree& tree : ensemble.trees) {
    const int32_t n = tree.num_nodes();
    stats.nodes += n;
    if (n == 0) continue;
    stack.assign(1, {0, 0});
    int64_t visits = 0;
    while (!stack.empty() && visits++ <= n) {  // bounded even for a malformed tree
      auto [node, depth] = stack.back();
      stack.pop_back();
      stats.max_depth = std::max(stats.max_depth, depth);
      int32_t left = tree.left_child[node];
      int32_t right =
          node < static_cast<int32_t>(tree.right_child.size()) ? tree.right_child[node] : -1;
      if (left < 0) {
        ++stats.leaves;
        continue;
      }
      if (left < n) stack.emplace_back(left, depth + 1);
      if (right >= 0 && right < n) stack.emplace_back(right, depth + 1);
    }
  }
  return stats;
}

std::string DescribeModelText(const ModelIR& ir, const std::string& path) {
  std::string out;
  absl::StrAppend(&out, "model file:     ", path, "\n");
  absl::StrAppend(&out, "format:         ", ir.format, "\n");
  absl::StrAppend(&out, "library:        ", ir.library, " ",
                  ir.library_version.empty() ? "(version not recorded)" : ir.library_version, "\n");
  absl::StrAppend(&out, "chain:          ", absl::StrJoin(ir.chain, " > "), "\n");
  absl::StrAppend(&out, "inputs:         ", ir.num_inputs);
  if (ir.dict_input) {
    absl::StrAppend(&out, " (records as dicts: fields are matched by key)\n");
  } else if (!ir.input_names.empty()) {
    absl::StrAppend(&out, ", matched by name: ", ListPreview(ir.input_names, 20), "\n");
  } else {
    absl::StrAppend(&out, ", matched by position (the model has no feature names)\n");
  }
  absl::StrAppend(&out, "dict input:     ", ir.dict_input ? "yes" : "no", "\n");
  if (ir.stages.empty()) {
    absl::StrAppend(&out, "preprocessing:  none\n");
  } else {
    absl::StrAppend(&out, "preprocessing:\n");
    for (const Stage& stage : ir.stages) AppendStageText(stage, "  ", &out);
  }
  if (auto* linear = std::get_if<model::LinearModel>(&ir.estimator)) {
    absl::StrAppend(&out, "estimator:      linear, ", linear->num_features, " features, ",
                    linear->num_outputs, linear->num_outputs == 1 ? " output\n" : " outputs\n");
  } else {
    const auto& trees = std::get<model::TreeEnsemble>(ir.estimator);
    TreeStats stats = ComputeTreeStats(trees);
    absl::StrAppend(&out, "estimator:      tree ensemble, ", stats.trees, " trees, ", stats.nodes,
                    " nodes (", stats.leaves, " leaves), max depth ", stats.max_depth, "\n");
    absl::StrAppend(&out, "                ", trees.num_features, " features, ", trees.num_outputs,
                    " raw outputs, leaf width ", trees.leaf_width, ", aggregation ",
                    trees.aggregation == model::Aggregation::kSum ? "sum" : "mean",
                    trees.float32_sum ? " (float32)" : "", "\n");
    absl::StrAppend(&out, "split rule:     ", SplitRuleText(trees.split_rule), "\n");
    absl::StrAppend(&out, "missing values: ", trees.missing_allowed ? "allowed" : "rejected", ", ",
                    trees.category_sets.size(), " category sets\n");
  }
  bool classifier = ir.task == model::Task::kClassification;
  absl::StrAppend(&out, "task:           ", classifier ? "classification" : "regression", "\n");
  if (classifier) {
    absl::StrAppend(&out, "classes:        ", ListPreview(ClassTexts(ir), 20), " (",
                    ir.classes.size(), ")\n");
    absl::StrAppend(&out, "label:          ", LabelRuleText(ir.label_rule), "\n");
  }
  absl::StrAppend(&out, "link:           ", LinkText(ir.link), "\n");
  absl::StrAppend(&out, "outputs:        ", ir.num_outputs, "\n");
  return out;
}

std::string DescribeModelJson(const ModelIR& ir, const std::string& path) {
  std::string out;
  io::JsonWriter w(&out);
  w.BeginObject().Key("model_file").String(path);
  w.Key("format").String(ir.format).Key("library").String(ir.library);
  w.Key("library_version").String(ir.library_version);
  w.Key("chain").BeginArray();
  for (const auto& name : ir.chain) w.String(name);
  w.EndArray();
  w.Key("inputs").BeginObject().Key("count").Int(ir.num_inputs).Key("names").BeginArray();
  for (const auto& name : ir.input_names) w.String(name);
  w.EndArray().Key("dict_input").Bool(ir.dict_input).EndObject();
  w.Key("preprocessing").BeginArray();
  for (const Stage& stage : ir.stages) WriteStageJson(stage, w);
  w.EndArray();
  w.Key("estimator").BeginObject();
  if (auto* linear = std::get_if<model::LinearModel>(&ir.estimator)) {
    w.Key("kind").String("linear").Key("features").Int(linear->num_features);
    w.Key("outputs").Int(linear->num_outputs);
  } else {
    const auto& trees = std::get<model::TreeEnsemble>(ir.estimator);
    TreeStats stats = ComputeTreeStats(trees);
    w.Key("kind").String("tree_ensemble").Key("features").Int(trees.num_features);
    w.Key("outputs").Int(trees.num_outputs).Key("trees").Int(stats.trees);
    w.Key("nodes").Int(stats.nodes).Key("leaves").Int(stats.leaves);
    w.Key("max_depth").Int(stats.max_depth).Key("leaf_width").Int(trees.leaf_width);
    w.Key("split_rule").String(SplitRuleText(trees.split_rule));
    w.Key("aggregation").String(trees.aggregation == model::Aggregation::kSum ? "sum" : "mean");
    w.Key("float32_sum").Bool(trees.float32_sum).Key("missing_allowed").Bool(trees.missing_allowed);
    w.Key("category_sets").Int(static_cast<int64_t>(trees.category_sets.size()));
    w.Key("base_score").BeginArray();
    for (double b : trees.base_score) w.Double(b);
    w.EndArray();
  }
  w.EndObject();
  bool classifier = ir.task == model::Task::kClassification;
  w.Key("task").String(classifier ? "classification" : "regression");
  w.Key("classes").BeginArray();
  for (const Value& c : ir.classes) w.Write(c);
  w.EndArray();
  if (classifier) w.Key("label_rule").String(LabelRuleText(ir.label_rule));
  w.Key("link").String(LinkText(ir.link)).Key("outputs").Int(ir.num_outputs);
  w.EndObject();
  out.push_back('\n');
  return out;
}

}  // namespace ferry::cli
