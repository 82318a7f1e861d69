#include "cli/prediction_writer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cli/scorer.h"
#include "model/model.h"

namespace ferry::cli {
namespace {

model::Predictions MakePredictions(size_t rows, int32_t width, std::vector<double> values,
                                   std::vector<int32_t> labels = {}) {
  model::Predictions p;
  p.num_rows = rows;
  p.width = width;
  p.values = std::move(values);
  p.label = std::move(labels);
  p.errors.assign(rows, "");
  return p;
}

TEST(LabelTextTest, FollowsPythonStr) {
  EXPECT_EQ(LabelText(Value::Int(1)), "1");
  EXPECT_EQ(LabelText(Value::Int(-3)), "-3");
  EXPECT_EQ(LabelText(Value::Float(1.0)), "1.0");
  EXPECT_EQ(LabelText(Value::Float(0.5)), "0.5");
  EXPECT_EQ(LabelText(Value::Float(NAN)), "nan");
  EXPECT_EQ(LabelText(Value::String("yes")), "yes");
  EXPECT_EQ(LabelText(Value::Bool(true)), "True");
  EXPECT_EQ(LabelText(Value::Bool(false)), "False");
}

TEST(PredictionWriterTest, RegressorLinesAndErrorRows) {
  Scorer scorer;
  RecordBatch input(3);
  input.SetError(1, "line 3: expected 2 fields as in the header, found 1");
  model::Predictions p = MakePredictions(3, 1, {12.5, 0.0, 3.0});
  p.errors[1] = "something the model said";  // the input's error wins
  std::string out;
  size_t failed = PredictionWriter(scorer, {}).Append(input, p, 41, &out);
  EXPECT_EQ(failed, 1u);
  EXPECT_EQ(out,
            "{\"prediction\":12.5}\n"
            "{\"row\":42,\"error\":\"line 3: expected 2 fields as in the header, found 1\"}\n"
            "{\"prediction\":3.0}\n");
}

TEST(PredictionWriterTest, MultiOutputRegressorWritesAList) {
  Scorer scorer;
  RecordBatch input(1);
  std::string out;
  PredictionWriter(scorer, {}).Append(input, MakePredictions(1, 2, {1.5, -2.0}), 1, &out);
  EXPECT_EQ(out, "{\"prediction\":[1.5,-2.0]}\n");
}

TEST(PredictionWriterTest, ClassifierLabelsKeepTheirTypeAndKeysFollowClassOrder) {
  Scorer scorer;
  scorer.task = model::Task::kClassification;
  scorer.classes = {Value::String("no"), Value::String("ye\"s")};
  RecordBatch input(2);
  model::Predictions p = MakePredictions(2, 2, {0.25, 0.75, 0.9, 0.1}, {1, 0});
  p.errors[1] = "field 'x': expected a number";
  std::string out;
  size_t failed = PredictionWriter(scorer, {}).Append(input, p, 1, &out);
  EXPECT_EQ(failed, 1u);
  EXPECT_EQ(out,
            "{\"prediction\":\"ye\\\"s\",\"probabilities\":{\"no\":0.25,\"ye\\\"s\":0.75}}\n"
            "{\"row\":2,\"error\":\"field 'x': expected a number\"}\n");

  scorer.classes = {Value::Bool(false), Value::Bool(true)};
  out.clear();
  PredictionWriter(scorer, {})
      .Append(input, MakePredictions(2, 2, {0.5, 0.5, 0, 1}, {0, 1}), 1, &out);
  EXPECT_EQ(out,
            "{\"prediction\":false,\"probabilities\":{\"False\":0.5,\"True\":0.5}}\n"
            "{\"prediction\":true,\"probabilities\":{\"False\":0.0,\"True\":1.0}}\n");

  scorer.classes = {Value::Float(1.0), Value::Int(2)};
  out.clear();
  PredictionWriter(scorer, {.probabilities = false})
      .Append(input, MakePredictions(2, 2, {0.5, 0.5, 0, 1}, {0, 1}), 1, &out);
  EXPECT_EQ(out, "{\"prediction\":1.0}\n{\"prediction\":2}\n");
}

TEST(ModelScorerTest, ScoresThroughACompiledModel) {
  model::ModelIR ir;
  ir.format = "hand-built";
  ir.num_inputs = 2;
  model::LinearModel linear;
  linear.num_features = 2;
  linear.coef = {2.0, -1.0};
  linear.intercept = {0.5};
  ir.estimator = linear;
  auto compiled = model::Model::Compile(std::move(ir));
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  Scorer scorer = ModelScorer(*compiled);
  RecordBatch input(2);
  input.AddColumn("a", {Value::Int(1), Value::Float(2.0)});
  input.AddColumn("b", {Value::Int(3), Value::String("oops")});
  model::Predictions p = scorer.score(input);
  std::string out;
  size_t failed = PredictionWriter(scorer, {}).Append(input, p, 1, &out);
  EXPECT_EQ(failed, 1u);
  EXPECT_EQ(out.substr(0, out.find('\n')), "{\"prediction\":-0.5}");
  EXPECT_NE(out.find("{\"row\":2,\"error\":"), std::string::npos) << out;
}

}  // namespace
}  // namespace ferry::cli
