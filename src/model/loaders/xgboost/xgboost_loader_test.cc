// The converter on small hand-written models: the IR it builds (objectives, base_score margins,
// categorical splits, dart weights) and clear errors, never crashes, for hostile documents.
#include "model/loaders/xgboost/xgboost_loader.h"

#include <cmath>
#include <string>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ferry::model {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kTree[] =
    R"({"left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[1,0,0],)"
    R"("split_conditions":[0.5,-1.5,2.5],"default_left":[1,0,0],"split_type":[0,0,0],)"
    R"("categories":[],"categories_nodes":[],"categories_segments":[],"categories_sizes":[],)"
    R"("tree_param":{"num_nodes":"3"}})";

constexpr char kModel[] =
    R"({"learner":{"feature_names":[],"learner_model_param":{"base_score":"5E-1",)"
    R"("num_class":"0","num_feature":"2","num_target":"1"},)"
    R"("objective":{"name":"reg:squarederror"},"gradient_booster":{"name":"gbtree",)"
    R"("model":{"gbtree_model_param":{"num_trees":"1","size_leaf_vector":"0"},)"
    R"("tree_info":[0],"trees":[TREE]}}},"version":[1,7,4]})";

// The model with `edits` applied to it (after the tree is put in place).
std::string Model(
    std::initializer_list<std::pair<absl::string_view, absl::string_view>> edits = {}) {
  std::string model = absl::StrReplaceAll(kModel, {{"TREE", kTree}});
  return absl::StrReplaceAll(model, edits);
}

std::string ErrorOf(const std::string& json) {
  auto ir = LoadXGBoostJson(json);
  EXPECT_FALSE(ir.ok()) << "accepted: " << json;
  return ir.ok() ? "" : std::string(ir.status().message());
}

const TreeEnsemble& Ensemble(const ModelIR& ir) { return std::get<TreeEnsemble>(ir.estimator); }

TEST(XGBoostLoaderTest, BuildsTheIR) {
  auto ir = LoadXGBoostJson(Model());
  ASSERT_TRUE(ir.ok()) << ir.status();
  EXPECT_EQ(ir->format, "XGBoost JSON");
  EXPECT_EQ(ir->library, "XGBoost");
  EXPECT_EQ(ir->library_version, "1.7.4");
  EXPECT_EQ(ir->task, Task::kRegression);
  EXPECT_EQ(ir->link, Link::kIdentity);
  EXPECT_EQ(ir->num_inputs, 2);
  EXPECT_EQ(ir->num_outputs, 1);
  EXPECT_TRUE(ir->input_names.empty());
  const TreeEnsemble& e = Ensemble(*ir);
  EXPECT_EQ(e.split_rule, SplitRule::kXGBoost);
  EXPECT_TRUE(e.float32_sum);
  EXPECT_EQ(e.aggregation, Aggregation::kSum);
  EXPECT_THAT(e.base_score, ElementsAre(0.5));
  ASSERT_EQ(e.trees.size(), 1u);
  const Tree& t = e.trees[0];
  EXPECT_THAT(t.left_child, ElementsAre(1, -1, -1));
  EXPECT_THAT(t.right_child, ElementsAre(2, -1, -1));
  EXPECT_EQ(t.feature[0], 1);
  EXPECT_EQ(t.threshold[0], 0.5);
  EXPECT_EQ(t.missing_left[0], 1);
  EXPECT_EQ(t.leaf_value[1], -1.5);
  EXPECT_EQ(t.leaf_value[2], 2.5);
  EXPECT_EQ(t.weight, 1.0);
}

TEST(XGBoostLoaderTest, ThresholdsAndLeavesAreFloat32) {
  auto ir = LoadXGBoostJson(Model({{"0.5,-1.5,2.5", "0.1,-1.5,0.3"}}));
  ASSERT_TRUE(ir.ok()) << ir.status();
  EXPECT_EQ(Ensemble(*ir).trees[0].threshold[0], static_cast<double>(0.1f));
  EXPECT_EQ(Ensemble(*ir).trees[0].leaf_value[2], static_cast<double>(0.3f));
}

TEST(XGBoostLoaderTest, BaseScoreBecomesTheMarginInFloat32) {
  auto logistic = LoadXGBoostJson(
      Model({{"reg:squarederror", "binary:logistic"}, {"\"5E-1\"", "\"[2.5E-1]\""}}));
  ASSERT_TRUE(logistic.ok()) << logistic.status();
  EXPECT_EQ(logistic->task, Task::kClassification);
  EXPECT_EQ(logistic->num_outputs, 2);
  EXPECT_EQ(logistic->link, Link::kXGBoostSigmoid);
  EXPECT_EQ(logistic->label_rule, LabelRule::kAboveHalf);
  EXPECT_THAT(logistic->classes, ElementsAre(Value::Int(0), Value::Int(1)));
  EXPECT_EQ(Ensemble(*logistic).base_score[0], -std::log(1.0f / 0.25f - 1.0f));

  auto poisson =
      LoadXGBoostJson(Model({{"reg:squarederror", "count:poisson"}, {"\"5E-1\"", "\"2.7E0\""}}));
  ASSERT_TRUE(poisson.ok()) << poisson.status();
  EXPECT_EQ(poisson->link, Link::kXGBoostExp);
  EXPECT_EQ(Ensemble(*poisson).base_score[0], std::log(2.7f));

  auto logitraw =
      LoadXGBoostJson(Model({{"reg:squarederror", "binary:logitraw"}, {"\"5E-1\"", "\"2E-1\""}}));
  ASSERT_TRUE(logitraw.ok()) << logitraw.status();
  EXPECT_EQ(logitraw->link, Link::kXGBoostRawBinary);
  EXPECT_EQ(Ensemble(*logitraw).base_score[0], 0.2f);

  EXPECT_THAT(ErrorOf(Model({{"reg:squarederror", "binary:logistic"}, {"5E-1", "1.5"}})),
              HasSubstr("strictly between 0 and 1"));
  EXPECT_THAT(ErrorOf(Model({{"5E-1", "half"}})), HasSubstr("base_score"));
}

TEST(XGBoostLoaderTest, MultiTargetAndMulticlass) {
  auto targets = LoadXGBoostJson(Model({{"\"num_target\":\"1\"", "\"num_target\":\"2\""},
                                        {"\"5E-1\"", "\"[1E0,2E0]\""},
                                        {"\"tree_info\":[0]", "\"tree_info\":[1]"}}));
  ASSERT_TRUE(targets.ok()) << targets.status();
  EXPECT_EQ(targets->num_outputs, 2);
  EXPECT_THAT(Ensemble(*targets).base_score, ElementsAre(1.0, 2.0));
  EXPECT_EQ(Ensemble(*targets).trees[0].output, 1);

  auto softmax = LoadXGBoostJson(Model(
      {{"reg:squarederror", "multi:softmax"}, {"\"num_class\":\"0\"", "\"num_class\":\"3\""}}));
  ASSERT_TRUE(softmax.ok()) << softmax.status();
  EXPECT_EQ(softmax->num_outputs, 3);
  EXPECT_EQ(softmax->link, Link::kXGBoostSoftmax);
  EXPECT_EQ(softmax->label_rule, LabelRule::kArgmaxRaw);
  EXPECT_THAT(Ensemble(*softmax).base_score, ElementsAre(0.5, 0.5, 0.5));

  EXPECT_THAT(ErrorOf(Model({{"\"tree_info\":[0]", "\"tree_info\":[4]"}})),
              HasSubstr("tree_info[0] = 4"));
  EXPECT_THAT(ErrorOf(Model({{"\"tree_info\":[0]", "\"tree_info\":[0,0]"}})),
              HasSubstr("tree_info has 2 entries but there are 1 trees"));
}

TEST(XGBoostLoaderTest, DartWeightsAndFeatureNames) {
  // dart wraps the gbtree model one level deeper: {"name":"dart","gbtree":{"model":...}}.
  std::string dart = Model(
      {{R"("name":"gbtree","model")", R"("name":"dart","weight_drop":[0.75],"gbtree":{"model")"},
       {"]}}},\"version\"", "]}}}},\"version\""},
       {"\"feature_names\":[]", "\"feature_names\":[\"a\",\"b\"]"}});
  auto ir = LoadXGBoostJson(dart);
  ASSERT_TRUE(ir.ok()) << ir.status() << "\n" << dart;
  EXPECT_EQ(Ensemble(*ir).trees[0].weight, 0.75);
  EXPECT_THAT(ir->input_names, ElementsAre("a", "b"));
  EXPECT_THAT(ErrorOf(Model({{"\"feature_names\":[]", "\"feature_names\":[\"a\"]"}})),
              HasSubstr("feature_names has 1 names but"));
}

TEST(XGBoostLoaderTest, CategoricalSplitsBecomeCategorySets) {
  std::string model = Model({{"\"split_type\":[0,0,0]", "\"split_type\":[1,0,0]"},
                             {"0.5,-1.5,2.5", "NaN,-1.5,2.5"},
                             {"\"categories\":[]", "\"categories\":[1,3,40]"},
                             {"\"categories_nodes\":[]", "\"categories_nodes\":[0]"},
                             {"\"categories_segments\":[]", "\"categories_segments\":[0]"},
                             {"\"categories_sizes\":[]", "\"categories_sizes\":[3]"}});
  auto ir = LoadXGBoostJson(model);
  ASSERT_TRUE(ir.ok()) << ir.status();
  const TreeEnsemble& e = Ensemble(*ir);
  ASSERT_EQ(e.category_sets.size(), 1u);
  EXPECT_EQ(e.trees[0].category_set[0], 0);
  EXPECT_FALSE(e.category_sets[0].member_goes_left);
  EXPECT_THAT(e.category_sets[0].bits, ElementsAre(0b1010u, 1u << 8));
  EXPECT_THAT(ErrorOf(absl::StrReplaceAll(model, {{"[1,3,40]", "[1,3,1e9]"}})),
              HasSubstr("categories[2] = 1e+09"));
  EXPECT_THAT(ErrorOf(absl::StrReplaceAll(
                  model, {{"\"categories_sizes\":[3]", "\"categories_sizes\":[4]"}})),
              HasSubstr("categories_sizes[0]"));
  EXPECT_THAT(ErrorOf(absl::StrReplaceAll(
                  model, {{"\"categories_nodes\":[0]", "\"categories_nodes\":[1]"}})),
              HasSubstr("node 0 is a categorical split but categories_nodes does not list it"));
}

TEST(XGBoostLoaderTest, BrokenTreesNameTheFieldAndTree) {
  EXPECT_THAT(ErrorOf(Model({{"\"left_children\":[1,-1,-1]", "\"left_children\":[7,-1,-1]"}})),
              HasSubstr("trees[0].left_children[0] = 7"));
  EXPECT_THAT(ErrorOf(Model({{"\"left_children\":[1,-1,-1]", "\"left_children\":[0,-1,-1]"}})),
              HasSubstr("node 0 is reached twice"));
  // Node 1 points back at itself through its right child: a cycle.
  EXPECT_THAT(ErrorOf(Model({{"\"left_children\":[1,-1,-1]", "\"left_children\":[1,2,-1]"},
                             {"\"right_children\":[2,-1,-1]", "\"right_children\":[2,1,-1]"}})),
              HasSubstr("reached twice"));
  EXPECT_THAT(ErrorOf(Model({{"0.5,-1.5,2.5", "0.5,-1.5"}})),
              HasSubstr("trees[0].split_conditions has 2 entries but the tree has 3 nodes"));
  EXPECT_THAT(ErrorOf(Model({{"\"split_indices\":[1,0,0]", "\"split_indices\":[2,0,0]"}})),
              HasSubstr("split_indices[0] = 2"));
  EXPECT_THAT(ErrorOf(Model({{"\"num_nodes\":\"3\"", "\"num_nodes\":\"4\""}})),
              HasSubstr("num_nodes is 4"));
  EXPECT_THAT(ErrorOf(Model({{"\"split_type\":[0,0,0]", "\"split_type\":[2,0,0]"}})),
              HasSubstr("split_type[0] = 2"));
  EXPECT_THAT(ErrorOf(Model({{"\"left_children\":[1,-1,-1]", "\"left_children\":[]"}})),
              HasSubstr("has no nodes"));
}

TEST(XGBoostLoaderTest, WrongTypesAndUnsupportedModels) {
  EXPECT_THAT(ErrorOf(Model({{"\"num_feature\":\"2\"", "\"num_feature\":{}"}})),
              HasSubstr("num_feature' should be a number or a numeric string but is an object"));
  EXPECT_THAT(ErrorOf(Model({{"\"trees\":[", "\"trees\":5,\"x\":["}})),
              HasSubstr("trees' should be an array but is a number"));
  EXPECT_THAT(ErrorOf(Model({{"reg:squarederror", "rank:magic"}})),
              HasSubstr("objective 'rank:magic' is not supported"));
  EXPECT_THAT(ErrorOf(Model({{"\"name\":\"gbtree\"", "\"name\":\"gblinear\""}})),
              HasSubstr("only the gbtree and dart boosters are supported"));
  EXPECT_THAT(ErrorOf(Model({{"\"size_leaf_vector\":\"0\"", "\"size_leaf_vector\":\"3\""}})),
              HasSubstr("vector-leaf"));
  EXPECT_THAT(ErrorOf(R"({"learner":{}})"), HasSubstr("learner.learner_model_param"));
  EXPECT_THAT(ErrorOf("[1,2]"), HasSubstr("should be an object"));
}

TEST(XGBoostLoaderTest, MalformedJsonIsAnError) {
  std::string model = Model();
  for (size_t n = 0; n < model.size(); ++n) ErrorOf(model.substr(0, n));
  EXPECT_THAT(ErrorOf(model + "x"), HasSubstr("invalid JSON"));
  std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_THAT(ErrorOf(deep), HasSubstr("nested deeper"));
}

TEST(XGBoostLoaderTest, UbjsonTruncationIsAnError) {
  // {"learner": {}} then cut anywhere.
  std::string doc = "{L";
  doc += std::string("\0\0\0\0\0\0\0\x07", 8) + "learner{}}";
  EXPECT_THAT(LoadXGBoostUbjson(doc).status().message(), HasSubstr("learner_model_param"));
  for (size_t n = 0; n < doc.size(); ++n) EXPECT_FALSE(LoadXGBoostUbjson(doc.substr(0, n)).ok());
}

}  // namespace
}  // namespace ferry::model
