// The ferry.yaml a bare model implies: inputs from the model's names, its DictVectorizer keys
// or x0..x{n-1}, string inputs where the first stage reads categories, and the outputs.
#include "bundle/implied_spec.h"

#include "bundle/spec.h"
#include "gtest/gtest.h"

namespace ferry::bundle {
namespace {

model::ModelIR Linear(int32_t features) {
  model::ModelIR ir;
  model::LinearModel linear;
  linear.num_features = features;
  linear.coef.assign(features, 1.0);
  linear.intercept = {0.0};
  ir.estimator = linear;
  return ir;
}

std::shared_ptr<const model::Model> Compile(model::ModelIR ir) {
  absl::StatusOr<std::shared_ptr<const model::Model>> m = model::Model::Compile(std::move(ir));
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : nullptr;
}

// The spec parsed back, with no problem.
BundleSpec Parse(const std::string& text) {
  std::vector<Problem> problems;
  BundleSpec spec = ParseSpecText("/models", text, &problems);
  for (const Problem& p : problems) ADD_FAILURE() << p.ToString() << "\n" << text;
  return spec;
}

TEST(ImpliedSpec, NamedInputsAnyNameAndPositionalOnes) {
  model::ModelIR named = Linear(2);
  named.num_inputs = 2;
  named.input_names = {"age", "petal length (cm)"};
  auto text = ImpliedSpecText(*Compile(named), "iris", "", "model.joblib");
  ASSERT_TRUE(text.ok()) << text.status();
  BundleSpec spec = Parse(*text);
  EXPECT_EQ(spec.name, "iris");
  EXPECT_EQ(spec.model_path, "/models/model.joblib");
  ASSERT_EQ(spec.inputs.size(), 2u);
  EXPECT_EQ(spec.inputs[1].name, "petal length (cm)");
  EXPECT_EQ(spec.inputs[1].type, Type::kFloat);
  EXPECT_TRUE(spec.inputs[1].required);
  ASSERT_EQ(spec.features.size(), 2u);
  EXPECT_EQ(spec.features[1].expression, "`petal length (cm)`");
  EXPECT_EQ(spec.outputs.prediction, "prediction");
  EXPECT_FALSE(spec.outputs.probabilities);

  model::ModelIR positional = Linear(3);
  positional.num_inputs = 3;
  spec = Parse(*ImpliedSpecText(*Compile(positional), "m", "7", "m.pkl"));
  EXPECT_EQ(spec.version, "7");
  ASSERT_EQ(spec.inputs.size(), 3u);
  EXPECT_EQ(spec.inputs[2].name, "x2");
}

TEST(ImpliedSpec, DictVectorizerKeysAreStringsWhereTheVocabularyHasKeyEqualsValue) {
  model::ModelIR ir = Linear(3);
  ir.dict_input = true;
  model::DictVectorizerStage dv;
  dv.feature_names = {"PU_DO=1_2", "PU_DO=3_4", "trip_distance"};
  ir.stages.push_back({"DictVectorizer", dv});
  ir.num_inputs = 3;
  auto model = Compile(ir);
  ASSERT_NE(model, nullptr);
  BundleSpec spec = Parse(*ImpliedSpecText(*model, "rides", "", "model.joblib"));
  ASSERT_EQ(spec.inputs.size(), 2u);
  EXPECT_EQ(spec.inputs[0].name, "PU_DO");
  EXPECT_EQ(spec.inputs[0].type, Type::kString);
  EXPECT_EQ(spec.inputs[1].name, "trip_distance");
  EXPECT_EQ(spec.inputs[1].type, Type::kFloat);
}

TEST(ImpliedSpec, ColumnsAOneHotEncoderReadsAsCategoriesAreStrings) {
  model::ModelIR ir = Linear(3);
  ir.num_inputs = 2;
  ir.input_names = {"color", "size"};
  model::OneHotEncoderStage onehot;
  onehot.categories = {{Value::String("blue"), Value::String("red")}};
  onehot.drop_index = {-1};
  model::ColumnTransformerStage columns;
  columns.branches.push_back({"cat", {0}, {model::Stage{"OneHotEncoder", onehot}}});
  columns.branches.push_back({"num", {1}, {}});
  ir.stages.push_back({"ColumnTransformer", columns});
  auto model = Compile(ir);
  ASSERT_NE(model, nullptr);
  BundleSpec spec = Parse(*ImpliedSpecText(*model, "shapes", "", "model.joblib"));
  ASSERT_EQ(spec.inputs.size(), 2u);
  EXPECT_EQ(spec.inputs[0].type, Type::kString);
  EXPECT_EQ(spec.inputs[1].type, Type::kFloat);
}

TEST(ImpliedSpec, ClassifiersGetProbabilities) {
  model::ModelIR ir = Linear(1);
  ir.num_inputs = 1;
  ir.task = model::Task::kClassification;
  ir.link = model::Link::kSigmoid;
  ir.label_rule = model::LabelRule::kRawPositive;
  ir.classes = {Value::String("no"), Value::String("yes")};
  ir.num_outputs = 2;
  auto model = Compile(ir);
  ASSERT_NE(model, nullptr);
  EXPECT_TRUE(Parse(*ImpliedSpecText(*model, "c", "", "c.joblib")).outputs.probabilities);
}

}  // namespace
}  // namespace ferry::bundle
