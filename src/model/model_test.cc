#include "model/model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ferry::model {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// A stump: feature 0 <= threshold -> leaf 1 (value left), else leaf 2 (value right).
Tree Stump(double threshold, double left, double right, bool missing_left = false) {
  Tree t;
  t.left_child = {1, -1, -1};
  t.right_child = {2, -1, -1};
  t.feature = {0, 0, 0};
  t.threshold = {threshold, 0, 0};
  t.missing_left = {uint8_t(missing_left), 0, 0};
  t.leaf_value = {0, left, right};
  return t;
}

ModelIR RegressionIR(TreeEnsemble e) {
  ModelIR ir;
  ir.num_inputs = e.num_features;
  ir.estimator = std::move(e);
  return ir;
}

std::shared_ptr<const Model> MustCompile(ModelIR ir) {
  auto m = Model::Compile(std::move(ir));
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : nullptr;
}

double PredictOne(const Model& m, std::vector<double> x) {
  Predictions p;
  m.PredictFeatures(x.data(), 1, &p);
  EXPECT_TRUE(p.ok(0)) << p.errors[0];
  return p.value(0, 0);
}

TEST(TreeKernelTest, SklearnComparesFloat32InputWithFloat64Threshold) {
  // 0.1f rounds up: float32(0.1) = 0.100000001490116..., so it is NOT <= 0.1.
  TreeEnsemble e;
  e.num_features = 1;
  e.base_score = {0};
  e.trees.push_back(Stump(0.1, -1, 1));
  auto m = MustCompile(RegressionIR(e));
  EXPECT_EQ(PredictOne(*m, {0.1}), 1);
  EXPECT_EQ(PredictOne(*m, {0.09999999}), -1);
  // A threshold exactly at a float32 value: equal goes left.
  e.trees[0] = Stump(0.5, -1, 1);
  m = MustCompile(RegressionIR(e));
  EXPECT_EQ(PredictOne(*m, {0.5}), -1);
}

TEST(TreeKernelTest, XGBoostUsesStrictLessThan) {
  TreeEnsemble e;
  e.num_features = 1;
  e.base_score = {0.5};
  e.split_rule = SplitRule::kXGBoost;
  e.float32_sum = true;
  e.trees.push_back(Stump(0.5, -1, 1));
  auto m = MustCompile(RegressionIR(e));
  EXPECT_FLOAT_EQ(PredictOne(*m, {0.5}), 1.5);
  EXPECT_FLOAT_EQ(PredictOne(*m, {0.49999}), -0.5);
}

TEST(TreeKernelTest, MissingValuesFollowDefaultDirection) {
  TreeEnsemble e;
  e.num_features = 1;
  e.base_score = {0};
  e.split_rule = SplitRule::kHistGradientBoosting;
  e.trees.push_back(Stump(0.0, 10, 20, /*missing_left=*/true));
  e.trees.push_back(Stump(0.0, 1, 2, /*missing_left=*/false));
  auto m = MustCompile(RegressionIR(e));
  EXPECT_EQ(PredictOne(*m, {kNaN}), 12);
  EXPECT_EQ(PredictOne(*m, {-1}), 11);
  EXPECT_EQ(PredictOne(*m, {1}), 22);
}

TEST(TreeKernelTest, MissingRejectedWhenModelDoesNotAllowIt) {
  TreeEnsemble e;
  e.num_features = 1;
  e.base_score = {0};
  e.missing_allowed = false;
  e.trees.push_back(Stump(0.0, 1, 2));
  auto m = MustCompile(RegressionIR(e));
  std::vector<double> x = {kNaN, 1.0};
  Predictions p;
  m->PredictFeatures(x.data(), 2, &p);
  EXPECT_FALSE(p.ok(0));
  EXPECT_NE(p.errors[0].find("missing"), std::string::npos);
  EXPECT_TRUE(p.ok(1));
  EXPECT_EQ(p.value(1, 0), 2);
}

TEST(TreeKernelTest, MeanAggregationAndManyRows) {
  TreeEnsemble e;
  e.num_features = 2;
  e.base_score = {0};
  e.aggregation = Aggregation::kMean;
  e.trees.push_back(Stump(0.0, 1, 3));
  Tree t2 = Stump(0.0, 5, 7);
  t2.feature = {1, 0, 0};
  e.trees.push_back(t2);
  auto m = MustCompile(RegressionIR(e));
  std::vector<double> x;
  for (int r = 0; r < 1000; ++r) {
    x.push_back(r % 2 ? 1 : -1);
    x.push_back(r % 3 ? 1 : -1);
  }
  Predictions p;
  m->PredictFeatures(x.data(), 1000, &p);
  for (int r = 0; r < 1000; ++r) {
    double a = r % 2 ? 3 : 1, b = r % 3 ? 7 : 5;
    EXPECT_EQ(p.value(r, 0), (a + b) / 2) << r;
  }
}

TEST(TreeKernelTest, CategoricalSplits) {
  TreeEnsemble e;
  e.num_features = 1;
  e.base_score = {0};
  e.split_rule = SplitRule::kHistGradientBoosting;
  Tree t = Stump(0, 1, 2, /*missing_left=*/true);
  t.category_set = {0, -1, -1};
  e.trees.push_back(t);
  e.category_sets.push_back(CategorySet{{0b1010u, 0, 0, 0, 0, 0, 0, 0}, true});  // {1, 3}
  e.category_sets.push_back(CategorySet{{0b1111u, 0, 0, 0, 0, 0, 0, 0}, true});  // known {0..3}
  e.known_categories = {1};
  auto m = MustCompile(RegressionIR(e));
  EXPECT_EQ(PredictOne(*m, {1}), 1);
  EXPECT_EQ(PredictOne(*m, {3}), 1);
  EXPECT_EQ(PredictOne(*m, {2}), 2);
  EXPECT_EQ(PredictOne(*m, {7}), 1);    // unknown: missing direction (left)
  EXPECT_EQ(PredictOne(*m, {kNaN}), 1);
}

TEST(TreeKernelTest, RejectsCyclesAndBadIndices) {
  TreeEnsemble e;
  e.num_features = 1;
  e.base_score = {0};
  Tree t = Stump(0, 1, 2);
  t.left_child = {0, -1, -1};  // points back at itself
  e.trees.push_back(t);
  auto m = Model::Compile(RegressionIR(e));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("tree 0 node 0"), std::string::npos);
  e.trees[0] = Stump(0, 1, 2);
  e.trees[0].feature[0] = 5;
  EXPECT_FALSE(Model::Compile(RegressionIR(e)).ok());
}

TEST(LinkTest, SoftmaxClassifierPicksFirstMax) {
  ModelIR ir;
  ir.num_inputs = 1;
  LinearModel lm;
  lm.num_features = 1;
  lm.num_outputs = 3;
  lm.coef = {1, 0, -1};
  lm.intercept = {0, 0, 0};
  ir.estimator = lm;
  ir.task = Task::kClassification;
  ir.link = Link::kSoftmax;
  ir.label_rule = LabelRule::kArgmaxRaw;
  ir.classes = {Value::String("a"), Value::String("b"), Value::String("c")};
  ir.num_outputs = 3;
  auto m = MustCompile(ir);
  std::vector<double> x = {2.0, -2.0};
  Predictions p;
  m->PredictFeatures(x.data(), 2, &p);
  EXPECT_EQ(p.label[0], 0);
  EXPECT_EQ(p.label[1], 2);
  double e2 = std::exp(-2.0), e4 = std::exp(-4.0);
  EXPECT_DOUBLE_EQ(p.value(0, 0), 1 / (1 + e2 + e4));
  EXPECT_DOUBLE_EQ(p.value(0, 0) + p.value(0, 1) + p.value(0, 2), 1.0);
}

TEST(StagesTest, OneHotScalerColumnTransformerByName) {
  ModelIR ir;
  ir.num_inputs = 2;
  ir.input_names = {"color", "size"};
  ColumnTransformerStage ct;
  ColumnBranch onehot{"cat", {0}, {}};
  onehot.stages.push_back(Stage{"OneHotEncoder",
                                OneHotEncoderStage{{{Value::String("blue"),
                                                     Value::String("red")}},
                                                   {-1},
                                                   /*ignore_unknown=*/false}});
  ColumnBranch scaled{"num", {1}, {}};
  scaled.stages.push_back(Stage{"StandardScaler", StandardScalerStage{{10.0}, {2.0}}});
  ct.branches = {onehot, scaled};
  ir.stages.push_back(Stage{"ColumnTransformer", ct});
  LinearModel lm;
  lm.num_features = 3;
  lm.coef = {100, 200, 1};
  lm.intercept = {0};
  ir.estimator = lm;
  auto m = MustCompile(ir);
  RecordBatch b(3);
  b.AddColumn("size", {Value::Int(14), Value::String("12"), Value::String("big")});
  b.AddColumn("color", {Value::String("red"), Value::String("green"), Value::String("blue")});
  Predictions p = m->Predict(b);
  EXPECT_TRUE(p.ok(0));
  EXPECT_EQ(p.value(0, 0), 200 + 2);
  EXPECT_NE(p.errors[1].find("unknown category 'green'"), std::string::npos) << p.errors[1];
  EXPECT_NE(p.errors[2].find("'big' is not a number"), std::string::npos) << p.errors[2];
}

TEST(StagesTest, DictVectorizerInput) {
  ModelIR ir;
  ir.dict_input = true;
  ir.stages.push_back(Stage{"DictVectorizer", DictVectorizerStage{{"PU_DO=1_2", "PU_DO=3_4",
                                                                   "trip_distance"},
                                                                  "="}});
  LinearModel lm;
  lm.num_features = 3;
  lm.coef = {1, 2, 10};
  lm.intercept = {0.5};
  ir.estimator = lm;
  auto m = MustCompile(ir);
  RecordBatch b(2);
  b.AddColumn("PU_DO", {Value::String("3_4"), Value::String("9_9")});
  b.AddColumn("trip_distance", {Value::Float(1.5), Value::Int(2)});
  Predictions p = m->Predict(b);
  EXPECT_EQ(p.value(0, 0), 0.5 + 2 + 15);
  EXPECT_EQ(p.value(1, 0), 0.5 + 20);
}

TEST(StagesTest, DictVectorizerFollowedByAScaler) {
  ModelIR ir;
  ir.dict_input = true;
  ir.stages.push_back(Stage{"DictVectorizer", DictVectorizerStage{{"city=a", "city=b", "km"}, "="}});
  ir.stages.push_back(Stage{"StandardScaler", StandardScalerStage{{}, {1.0, 2.0, 4.0}}});
  LinearModel lm;
  lm.num_features = 3;
  lm.coef = {1, 10, 100};
  lm.intercept = {0};
  ir.estimator = lm;
  auto m = MustCompile(ir);
  RecordBatch b(2);
  b.AddColumn("city", {Value::String("b"), Value::String("zz")});
  b.AddColumn("km", {Value::Int(8), Value::Float(2.0)});
  Predictions p = m->Predict(b);
  EXPECT_EQ(p.value(0, 0), 10 * 0.5 + 100 * 2.0);
  EXPECT_EQ(p.value(1, 0), 100 * 0.5);
}

TEST(StagesTest, MissingColumnNamesTheColumn) {
  ModelIR ir;
  ir.num_inputs = 1;
  ir.input_names = {"age"};
  LinearModel lm;
  lm.num_features = 1;
  lm.coef = {1};
  lm.intercept = {0};
  ir.estimator = lm;
  auto m = MustCompile(ir);
  RecordBatch b(1);
  b.AddColumn("height", {Value::Int(3)});
  Predictions p = m->Predict(b);
  EXPECT_EQ(p.errors[0], "missing column 'age'");
}

}  // namespace
}  // namespace ferry::model
