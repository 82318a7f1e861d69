// Loader tests on hand-built object graphs for state layouts Debian's scikit-learn 1.2.1
// cannot write: the 1.3+ tree node dtype (missing_go_to_left) with 1.4.1+ fraction values,
// ColumnTransformer pickles without _transformer_to_input_indices (column specs resolved by
// name, negative index, mask and name slice), and options the loader must refuse.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/loaders/sklearn/sklearn_loader.h"
#include "model/model.h"

namespace ferry::model {
namespace {

using pickle::Dtype;
using pickle::NdArray;
using pickle::Object;
using pickle::ObjectPtr;

ObjectPtr Make(Object::Kind kind) {
  auto o = std::make_shared<Object>();
  o->kind = kind;
  return o;
}
ObjectPtr Str(std::string s) {
  auto o = Make(Object::Kind::kString);
  o->str = std::move(s);
  return o;
}
ObjectPtr Int(int64_t i) {
  auto o = Make(Object::Kind::kInt);
  o->int_value = i;
  return o;
}
ObjectPtr Bool(bool b) {
  auto o = Make(Object::Kind::kBool);
  o->bool_value = b;
  return o;
}
ObjectPtr None() { return Make(Object::Kind::kNone); }
ObjectPtr Seq(Object::Kind kind, std::vector<ObjectPtr> items) {
  auto o = Make(kind);
  o->items = std::move(items);
  return o;
}
ObjectPtr List(std::vector<ObjectPtr> items) { return Seq(Object::Kind::kList, std::move(items)); }
ObjectPtr Tuple(std::vector<ObjectPtr> items) {
  return Seq(Object::Kind::kTuple, std::move(items));
}
ObjectPtr Dict(std::vector<std::pair<std::string, ObjectPtr>> entries) {
  auto o = Make(Object::Kind::kDict);
  for (auto& [k, v] : entries) o->entries.emplace_back(Str(k), v);
  return o;
}
ObjectPtr Instance(std::string cls, ObjectPtr state, std::vector<ObjectPtr> args = {}) {
  auto o = Make(Object::Kind::kInstance);
  o->str = std::move(cls);
  o->state = std::move(state);
  o->items = std::move(args);
  return o;
}
template <typename T>
ObjectPtr Array(char kind, std::vector<int64_t> shape, const std::vector<T>& values) {
  auto o = Make(Object::Kind::kArray);
  o->array = std::make_shared<NdArray>();
  o->array->dtype.kind = kind;
  o->array->dtype.itemsize = sizeof(T);
  o->array->shape = std::move(shape);
  o->array->data.assign(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  return o;
}

// A record array with the scikit-learn >= 1.3 node layout (itemsize 64).
ObjectPtr Nodes13(const std::vector<int64_t>& left, const std::vector<int64_t>& right,
                  const std::vector<int64_t>& feature, const std::vector<double>& threshold,
                  const std::vector<uint8_t>& missing_left) {
  auto o = Make(Object::Kind::kArray);
  o->array = std::make_shared<NdArray>();
  Dtype& d = o->array->dtype;
  d.kind = 'V';
  d.itemsize = 64;
  auto field = [&](const char* name, char kind, int size, int offset) {
    auto t = std::make_shared<Dtype>();
    t->kind = kind;
    t->itemsize = size;
    d.fields.push_back({name, t, offset});
  };
  field("left_child", 'i', 8, 0);
  field("right_child", 'i', 8, 8);
  field("feature", 'i', 8, 16);
  field("threshold", 'f', 8, 24);
  field("impurity", 'f', 8, 32);
  field("n_node_samples", 'i', 8, 40);
  field("weighted_n_node_samples", 'f', 8, 48);
  field("missing_go_to_left", 'u', 1, 56);
  const size_t n = left.size();
  o->array->shape = {static_cast<int64_t>(n)};
  o->array->data.assign(n * 64, '\0');
  for (size_t i = 0; i < n; ++i) {
    char* rec = o->array->data.data() + i * 64;
    std::memcpy(rec + 0, &left[i], 8);
    std::memcpy(rec + 8, &right[i], 8);
    std::memcpy(rec + 16, &feature[i], 8);
    std::memcpy(rec + 24, &threshold[i], 8);
    rec[56] = static_cast<char>(missing_left[i]);
  }
  return o;
}

// DecisionTreeClassifier saved by scikit-learn 1.4.2: root splits feature 1 at 0.5, NaN goes
// right; values are class fractions.
ObjectPtr TreeClassifier14(const std::string& splitter) {
  auto tree = Instance(
      "sklearn.tree._tree.Tree",
      Dict({{"max_depth", Int(1)},
            {"node_count", Int(3)},
            {"nodes", Nodes13({1, -1, -1}, {2, -1, -1}, {1, -2, -2}, {0.5, -2, -2}, {0, 0, 0})},
            {"values", Array<double>('f', {3, 1, 2}, {0.5, 0.5, 0.75, 0.25, 0.125, 0.875})}}),
      {Int(2), Array<int64_t>('i', {1}, {2}), Int(1)});
  return Instance("sklearn.tree._classes.DecisionTreeClassifier",
                  Dict({{"splitter", Str(splitter)},
                        {"n_features_in_", Int(2)},
                        {"n_outputs_", Int(1)},
                        {"classes_", Array<int64_t>('i', {2}, {3, 8})},
                        {"tree_", tree},
                        {"_sklearn_version", Str("1.4.2")}}));
}

TEST(SklearnLayouts, Tree13LayoutRoutesNaNAndKeepsFractions) {
  auto ir = SklearnToIR(*TreeClassifier14("best"), "test");
  ASSERT_TRUE(ir.ok()) << ir.status();
  EXPECT_EQ(ir->library_version, "1.4.2");
  EXPECT_EQ(ir->classes[1], Value::Int(8));
  const auto& ens = std::get<TreeEnsemble>(ir->estimator);
  EXPECT_TRUE(ens.missing_allowed);
  auto model = Model::Compile(std::move(*ir));
  ASSERT_TRUE(model.ok()) << model.status();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double x[] = {0, 0.5, 0, 0.6, 0, nan};
  Predictions p;
  (*model)->PredictFeatures(x, 3, &p);
  EXPECT_DOUBLE_EQ(p.value(0, 0), 0.75);   // 0.5 <= 0.5: left
  EXPECT_DOUBLE_EQ(p.value(1, 1), 0.875);  // right
  EXPECT_DOUBLE_EQ(p.value(2, 1), 0.875);  // NaN: missing_go_to_left = 0
  EXPECT_EQ(p.label[0], 0);
  EXPECT_EQ(p.label[2], 1);
}

TEST(SklearnLayouts, RandomSplitterTreesDoNotAcceptMissing) {
  auto ir = SklearnToIR(*TreeClassifier14("random"), "test");
  ASSERT_TRUE(ir.ok()) << ir.status();
  EXPECT_FALSE(std::get<TreeEnsemble>(ir->estimator).missing_allowed);
}

ObjectPtr Scaler(int n) {
  return Instance("sklearn.preprocessing._data.StandardScaler",
                  Dict({{"with_mean", Bool(true)},
                        {"with_std", Bool(true)},
                        {"mean_", Array<double>('f', {n}, std::vector<double>(n, 1.0))},
                        {"scale_", Array<double>('f', {n}, std::vector<double>(n, 2.0))}}));
}

TEST(SklearnLayouts, ColumnSpecsResolvedWithoutPrecomputedIndices) {
  auto slice = Instance("builtins.slice", nullptr, {Str("b"), Str("c"), None()});
  auto mask = Array<uint8_t>('b', {4}, {1, 0, 0, 1});
  auto ct = Instance(
      "sklearn.compose._column_transformer.ColumnTransformer",
      Dict({{"feature_names_in_", List({Str("a"), Str("b"), Str("c"), Str("d")})},
            {"n_features_in_", Int(4)},
            {"transformers_", List({Tuple({Str("by_name"), Scaler(1), List({Str("c")})}),
                                    Tuple({Str("by_slice"), Str("passthrough"), slice}),
                                    Tuple({Str("by_negative"), Scaler(1), List({Int(-1)})}),
                                    Tuple({Str("by_mask"), Str("passthrough"), mask}),
                                    Tuple({Str("dropped"), Str("drop"), List({Int(0)})}),
                                    Tuple({Str("empty"), Scaler(1), List({})})})}}));
  auto pipe = Instance("sklearn.pipeline.Pipeline",
                       Dict({{"steps", List({Tuple({Str("ct"), ct}),
                                             Tuple({Str("model"), TreeClassifier14("best")})})}}));
  // The tree reads 2 features; the ColumnTransformer makes 1 + 2 + 1 + 2 = 6, so compile
  // would fail; only the IR is checked here.
  auto ir = SklearnToIR(*pipe, "test");
  ASSERT_TRUE(ir.ok()) << ir.status();
  EXPECT_EQ(ir->input_names, (std::vector<std::string>{"a", "b", "c", "d"}));
  const auto& stage = std::get<ColumnTransformerStage>(ir->stages.at(0).op);
  ASSERT_EQ(stage.branches.size(), 4u);
  EXPECT_EQ(stage.branches[0].columns, (std::vector<int32_t>{2}));
  EXPECT_EQ(stage.branches[1].columns, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(stage.branches[2].columns, (std::vector<int32_t>{3}));
  EXPECT_EQ(stage.branches[3].columns, (std::vector<int32_t>{0, 3}));
  EXPECT_TRUE(stage.branches[1].stages.empty());
  EXPECT_EQ(stage.branches[2].stages.size(), 1u);
}

TEST(SklearnLayouts, RefusesOptionsItCannotReproduce) {
  auto imputer = Instance(
      "sklearn.impute._base.SimpleImputer",
      Dict({{"add_indicator", Bool(true)}, {"statistics_", Array<double>('f', {2}, {0.0, 1.0})}}));
  auto pipe = Instance("sklearn.pipeline.Pipeline",
                       Dict({{"steps", List({Tuple({Str("impute"), imputer}),
                                             Tuple({Str("model"), TreeClassifier14("best")})})}}));
  auto ir = SklearnToIR(*pipe, "test");
  ASSERT_FALSE(ir.ok());
  EXPECT_NE(std::string(ir.status().message()).find("SimpleImputer: add_indicator=True"),
            std::string::npos)
      << ir.status();

  auto unfitted = Instance("sklearn.linear_model._base.LinearRegression", Dict({}));
  ir = SklearnToIR(*unfitted, "test");
  ASSERT_FALSE(ir.ok());
  EXPECT_NE(std::string(ir.status().message())
                .find("LinearRegression: missing attribute "
                      "'coef_'"),
            std::string::npos)
      << ir.status();

  auto ends_in_passthrough =
      Instance("sklearn.pipeline.Pipeline",
               Dict({{"steps", List({Tuple({Str("scale"), Scaler(2)}),
                                     Tuple({Str("model"), Str("passthrough")})})}}));
  ir = SklearnToIR(*ends_in_passthrough, "test");
  ASSERT_FALSE(ir.ok());
  EXPECT_NE(std::string(ir.status().message()).find("ends in an estimator"), std::string::npos)
      << ir.status();
}

}  // namespace
}  // namespace ferry::model
