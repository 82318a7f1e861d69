// The compact one-hot path (compact_rows.h) against the dense path on random models and
// records: Model::Predict (compact when it applies) must equal Transform + PredictFeatures
// (always dense) bit for bit, and batches the compact form cannot hold must fall back.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>

#include "model/model.h"
#include "model/stages.h"
#include "model/tree_arrays.h"

namespace ferry::model {
namespace {

// Unsorted on purpose: one-hot groups need not be contiguous.
const std::vector<std::string> kFeatures = {
    "city=paris", "area", "color=red", "city=oslo", "rooms", "color=blue",
    "city=lima",  "garden=yes", "color=green", "garden=no", "city=kyoto", "city=a=b"};

// Which DictVectorizer features are one-hot ("key=value").
std::vector<bool> DictOneHot() {
  std::vector<bool> one_hot;
  for (const std::string& name : kFeatures) one_hot.push_back(name.find('=') != std::string::npos);
  return one_hot;
}

// A random tree of depth <= depth, nodes in pre-order (children after their parent).
int32_t Grow(Tree& t, std::mt19937_64& rng, int depth, int leaf_width,
             const std::vector<bool>& one_hot) {
  const int32_t id = t.num_nodes();
  t.left_child.push_back(-1);
  t.right_child.push_back(-1);
  t.missing_left.push_back(rng() % 2);
  for (int k = 0; k < leaf_width; ++k) {
    t.leaf_value.push_back(std::uniform_real_distribution<double>(-5, 5)(rng));
  }
  const int32_t f = static_cast<int32_t>(rng() % one_hot.size());
  t.feature.push_back(f);
  if (one_hot[f]) {
    // Thresholds on both sides of 0 and 1 and between them, including the exact values.
    const double choices[] = {0.5, 0.0, 1.0, -0.25, 1.5, 0.9999999, 1e-9};
    t.threshold.push_back(choices[rng() % 7]);
  } else if (rng() % 4 == 0) {
    const double exact[] = {0.0, -0.0, 12.5, -1e300};  // ties with the values below
    t.threshold.push_back(exact[rng() % 4]);
  } else {
    t.threshold.push_back(std::uniform_real_distribution<double>(-10, 60)(rng));
  }
  if (depth == 0 || rng() % 5 == 0) return id;
  const int32_t l = Grow(t, rng, depth - 1, leaf_width, one_hot);
  const int32_t r = Grow(t, rng, depth - 1, leaf_width, one_hot);
  t.left_child[id] = l;
  t.right_child[id] = r;
  return id;
}

ModelIR DictIR(std::variant<LinearModel, TreeEnsemble> estimator,
               const std::vector<std::string>& features = kFeatures) {
  ModelIR ir;
  ir.dict_input = true;
  ir.stages.push_back(Stage{"DictVectorizer", DictVectorizerStage{features, "="}});
  ir.num_outputs = std::visit([](const auto& e) { return e.num_outputs; }, estimator);
  ir.estimator = std::move(estimator);
  return ir;
}

TreeEnsemble RandomForest(std::mt19937_64& rng, SplitRule rule, int num_outputs,
                          int leaf_width, int num_trees,
                          const std::vector<bool>& one_hot = DictOneHot()) {
  TreeEnsemble e;
  e.num_features = static_cast<int32_t>(one_hot.size());
  e.num_outputs = num_outputs;
  e.leaf_width = leaf_width;
  e.split_rule = rule;
  e.aggregation = rule == SplitRule::kXGBoost ? Aggregation::kSum : Aggregation::kMean;
  e.float32_sum = rule == SplitRule::kXGBoost;
  e.base_score.assign(num_outputs, 0.25);
  for (int i = 0; i < num_trees; ++i) {
    Tree t;
    Grow(t, rng, 8, leaf_width, one_hot);
    t.output = leaf_width == 1 ? i % num_outputs : 0;
    e.trees.push_back(std::move(t));
  }
  return e;
}

// Records with unseen values, absent keys (null), ints, floats and bools.
RecordBatch RandomRecords(std::mt19937_64& rng, size_t n) {
  auto pick = [&](std::vector<Value> choices) { return choices[rng() % choices.size()]; };
  std::vector<Value> city, color, garden, area, rooms;
  for (size_t r = 0; r < n; ++r) {
    city.push_back(pick({Value::String("paris"), Value::String("oslo"), Value::String("lima"),
                         Value::String("kyoto"), Value::String("nairobi"), Value::String("a=b"),
                         Value::Null()}));
    color.push_back(pick({Value::String("red"), Value::String("blue"), Value::String("green"),
                          Value::Null()}));
    garden.push_back(pick({Value::String("yes"), Value::String("no"), Value::Null()}));
    if (rng() % 5 == 0) {
      area.push_back(pick({Value::Float(0.0), Value::Float(-0.0), Value::Float(12.5),
                           Value::Float(1e300), Value::Float(-1e300), Value::Int(-3)}));
    } else {
      area.push_back(Value::Float(std::uniform_real_distribution<double>(-5, 55)(rng)));
    }
    rooms.push_back(rng() % 7 == 0 ? Value::Bool(rng() % 2) : Value::Int(rng() % 7));
  }
  RecordBatch b(n);
  b.AddColumn("rooms", rooms);
  b.AddColumn("city", city);
  b.AddColumn("area", area);
  b.AddColumn("color", color);
  b.AddColumn("garden", garden);
  return b;
}

// Predict (compact when possible) vs Transform + PredictFeatures (dense), bit for bit.
// Returns whether the compact form took the batch.
bool ExpectCompactEqualsDense(const Model& m, const RecordBatch& b) {
  auto stages = CompiledStages::Compile(m.ir());
  EXPECT_TRUE(stages.ok()) << stages.status();
  std::vector<double> x;
  std::vector<std::string> errors(b.num_rows());
  (*stages)->Transform(b, &x, &errors);
  Predictions dense;
  m.PredictFeatures(x.data(), b.num_rows(), &dense);
  for (size_t r = 0; r < errors.size(); ++r) {
    if (!errors[r].empty()) dense.errors[r] = errors[r];  // as Model::Predict reports them
  }
  Predictions p = m.Predict(b);
  EXPECT_EQ(p.values.size(), dense.values.size());
  for (size_t i = 0; i < std::min(p.values.size(), dense.values.size()); ++i) {
    EXPECT_EQ(std::bit_cast<uint64_t>(p.values[i]), std::bit_cast<uint64_t>(dense.values[i]))
        << "value " << i << ": " << p.values[i] << " vs dense " << dense.values[i];
  }
  EXPECT_EQ(p.label, dense.label);
  EXPECT_EQ(p.errors, dense.errors);
  CompactRows rows;
  std::vector<std::string> compact_errors(b.num_rows());
  return (*stages)->TransformCompact(b, &rows, &compact_errors);
}

TEST(CompactTest, SklearnForestsEqualDenseOnRandomRecords) {
  std::mt19937_64 rng(7);
  for (int outputs : {1, 3}) {
    auto m = Model::Compile(DictIR(RandomForest(rng, SplitRule::kSklearnTree, outputs,
                                                /*leaf_width=*/outputs, 40)));
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_TRUE((*m)->has_compact_path());
    // One row; a 16-row group and singles; 32-row groups, a 16-row group and singles; blocks.
    for (size_t n : {1, 5, 16, 17, 55, 300, 5000}) {
      EXPECT_TRUE(ExpectCompactEqualsDense(**m, RandomRecords(rng, n))) << n << " rows";
    }
  }
}

TEST(CompactTest, XGBoostFloatSumsEqualDense) {
  std::mt19937_64 rng(11);
  ModelIR ir = DictIR(RandomForest(rng, SplitRule::kXGBoost, 3, /*leaf_width=*/1, 33));
  ir.task = Task::kClassification;
  ir.num_outputs = 3;
  ir.link = Link::kXGBoostSoftmax;
  ir.classes = {Value::Int(0), Value::Int(1), Value::Int(2)};
  auto m = Model::Compile(std::move(ir));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE((*m)->has_compact_path());
  for (size_t n : {3, 64, 1000}) {
    EXPECT_TRUE(ExpectCompactEqualsDense(**m, RandomRecords(rng, n))) << n << " rows";
  }
}

TEST(CompactTest, LinearModelsEqualDense) {
  std::mt19937_64 rng(3);
  LinearModel lm;
  lm.num_features = static_cast<int32_t>(kFeatures.size());
  lm.num_outputs = 2;
  for (int i = 0; i < lm.num_features * 2; ++i) {
    lm.coef.push_back(std::uniform_real_distribution<double>(-1e3, 1e3)(rng));
  }
  lm.intercept = {0.1, -7};
  auto m = Model::Compile(DictIR(lm));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE((*m)->has_compact_path());
  for (size_t n : {1, 200}) EXPECT_TRUE(ExpectCompactEqualsDense(**m, RandomRecords(rng, n)));
}

TEST(CompactTest, BatchesTheCompactFormCannotHoldTakeTheDensePath) {
  std::mt19937_64 rng(5);
  auto m = Model::Compile(DictIR(RandomForest(rng, SplitRule::kSklearnTree, 1, 1, 10)));
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_TRUE((*m)->has_compact_path());
  RecordBatch nan = RandomRecords(rng, 40);
  nan.mutable_column(2).values[7] = Value::Float(std::nan(""));  // area: NaN
  EXPECT_FALSE(ExpectCompactEqualsDense(**m, nan));
  RecordBatch numeric_one_hot = RandomRecords(rng, 40);
  numeric_one_hot.AddColumn("city=oslo", std::vector<Value>(40, Value::Float(3.5)));
  EXPECT_FALSE(ExpectCompactEqualsDense(**m, numeric_one_hot));
  // Key "city=a" with value "b" sets "city=a=b", a feature of key "city": two features of
  // one group may be set.
  RecordBatch reaches_other_group = RandomRecords(rng, 40);
  reaches_other_group.AddColumn("city=a", std::vector<Value>(40, Value::String("b")));
  EXPECT_FALSE(ExpectCompactEqualsDense(**m, reaches_other_group));
  // Unknown keys and values are ignored, as by the DictVectorizer.
  RecordBatch unknown = RandomRecords(rng, 40);
  unknown.AddColumn("garden=", std::vector<Value>(40, Value::String("yes")));
  unknown.AddColumn("cit", std::vector<Value>(40, Value::String("y")));
  EXPECT_TRUE(ExpectCompactEqualsDense(**m, unknown));
}

TEST(CompactTest, HistGradientBoostingAndCategoricalSplitsStayDense) {
  std::mt19937_64 rng(9);
  TreeEnsemble hgb = RandomForest(rng, SplitRule::kHistGradientBoosting, 1, 1, 5);
  auto m = Model::Compile(DictIR(hgb));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_FALSE((*m)->has_compact_path());
  ExpectCompactEqualsDense(**m, RandomRecords(rng, 100));
  TreeEnsemble xgb = RandomForest(rng, SplitRule::kXGBoost, 1, 1, 5);
  xgb.category_sets.push_back(CategorySet{{0b101u}, false});
  Tree& t = xgb.trees[0];
  t.category_set.assign(t.num_nodes(), -1);
  t.category_set[0] = 0;
  t.feature[0] = 1;  // area, read as a category code
  auto c = Model::Compile(DictIR(xgb));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE((*c)->has_compact_path());
  ExpectCompactEqualsDense(**c, RandomRecords(rng, 100));
}

// Ten numeric keys and one one-hot key: 11 cells per row, too wide for the packed 12-byte
// compact node, so the kernel uses the 16-byte one.
TEST(CompactTest, RowsTooWideForPackedNodesEqualDense) {
  std::vector<std::string> features = {"key=a", "key=b", "key=c"};
  std::vector<bool> one_hot = {true, true, true};
  for (int i = 0; i < 10; ++i) {
    features.push_back("n" + std::to_string(i));
    one_hot.push_back(false);
  }
  std::mt19937_64 rng(17);
  TreeEnsemble forest = RandomForest(rng, SplitRule::kSklearnTree, 1, 1, 20, one_hot);
  size_t num_nodes = 0;
  for (const Tree& t : forest.trees) num_nodes += t.num_nodes();
  EXPECT_EQ(CompactNodeBytes(num_nodes, 11), 16u);
  EXPECT_EQ(CompactNodeBytes(num_nodes, 8), 12u);
  auto m = Model::Compile(DictIR(std::move(forest), features));
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_TRUE((*m)->has_compact_path());
  for (size_t n : {1, 15, 16, 33, 50, 4500}) {
    RecordBatch b(n);
    std::vector<Value> key;
    for (size_t r = 0; r < n; ++r) {
      key.push_back(rng() % 4 == 0 ? Value::Null()
                                   : Value::String(std::string(1, "abcz"[rng() % 4])));
    }
    b.AddColumn("key", key);
    for (int i = 0; i < 10; ++i) {
      std::vector<Value> x;
      for (size_t r = 0; r < n; ++r) {
        x.push_back(Value::Float(std::uniform_real_distribution<double>(-10, 60)(rng)));
      }
      b.AddColumn("n" + std::to_string(i), x);
    }
    EXPECT_TRUE(ExpectCompactEqualsDense(**m, b)) << n << " rows";
  }
}

// One group and one number (the taxi model's {PU_DO, trip_distance}): the lookup table,
// equal to the dense walk for means and float sums, one and several outputs, and for a group
// alone. Records carry keys outside the vocabulary (ignored) and ties.
TEST(CompactTest, OneGroupAndOneNumberScoreFromATableEqualToDense) {
  const std::vector<std::vector<std::string>> feature_sets = {
      {"city=paris", "area", "city=oslo", "city=lima", "city=kyoto", "city=a=b", "city=rome"},
      {"city=paris", "city=oslo", "city=lima", "city=kyoto"}};
  std::mt19937_64 rng(23);
  for (const auto& features : feature_sets) {
    std::vector<bool> one_hot;
    for (const std::string& f : features) one_hot.push_back(f.find('=') != std::string::npos);
    for (SplitRule rule : {SplitRule::kSklearnTree, SplitRule::kXGBoost}) {
      for (int outputs : {1, 3}) {
        const int leaf_width = rule == SplitRule::kXGBoost ? 1 : outputs;
        ModelIR ir = DictIR(RandomForest(rng, rule, outputs, leaf_width, 37, one_hot), features);
        auto m = Model::Compile(std::move(ir));
        ASSERT_TRUE(m.ok()) << m.status();
        EXPECT_STREQ((*m)->compact_kind(), "table") << features.size() << " features";
        for (size_t n : {1, 7, 300, 3000}) {
          EXPECT_TRUE(ExpectCompactEqualsDense(**m, RandomRecords(rng, n)))
              << n << " rows, " << features.size() << " features, " << outputs << " outputs";
        }
      }
    }
  }
}

// Wider rows walk the trees.
TEST(CompactTest, WiderRowsWalkTheTrees) {
  std::mt19937_64 rng(29);
  auto m = Model::Compile(DictIR(RandomForest(rng, SplitRule::kSklearnTree, 1, 1, 5)));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_STREQ((*m)->compact_kind(), "walk");
}

TEST(CompactTest, PackedNodeLimits) {
  EXPECT_EQ(CompactNodeBytes(1, 1), 12u);
  EXPECT_EQ(CompactNodeBytes((size_t{1} << 22) - 1, 8), 12u);
  EXPECT_EQ(CompactNodeBytes(size_t{1} << 22, 8), 16u);
  EXPECT_EQ(CompactNodeBytes(100, 9), 16u);
}

// ColumnTransformer(OneHotEncoder(color, shape), StandardScaler(size), passthrough(weight)):
// features red, green(, blue dropped), circle, square, triangle, size, weight.
ModelIR FrameIR(bool ignore_unknown, TreeEnsemble forest) {
  ModelIR ir;
  ir.num_inputs = 4;
  ir.input_names = {"color", "shape", "size", "weight"};
  OneHotEncoderStage ohe;
  ohe.categories = {{Value::String("blue"), Value::String("green"), Value::String("red")},
                    {Value::String("circle"), Value::String("square"), Value::String("triangle")}};
  ohe.drop_index = {0, -1};
  ohe.ignore_unknown = ignore_unknown;
  ColumnTransformerStage ct;
  ct.branches.push_back(ColumnBranch{"cat", {0, 1}, {Stage{"OneHotEncoder", ohe}}});
  ct.branches.push_back(
      ColumnBranch{"num", {2}, {Stage{"StandardScaler", StandardScalerStage{{10.0}, {3.0}}}}});
  ct.branches.push_back(ColumnBranch{"rest", {3}, {}});
  ir.stages.push_back(Stage{"ColumnTransformer", ct});
  ir.estimator = std::move(forest);
  return ir;
}

RecordBatch RandomFrame(std::mt19937_64& rng, size_t n) {
  auto pick = [&](std::vector<Value> choices) { return choices[rng() % choices.size()]; };
  std::vector<Value> color, shape, size, weight;
  for (size_t r = 0; r < n; ++r) {
    color.push_back(pick({Value::String("red"), Value::String("green"), Value::String("blue"),
                          Value::String("purple")}));
    shape.push_back(pick({Value::String("circle"), Value::String("square"),
                          Value::String("triangle"), Value::String("hexagon")}));
    size.push_back(Value::Float(std::uniform_real_distribution<double>(0, 20)(rng)));
    weight.push_back(rng() % 9 == 0 ? Value::String("12.5")
                                    : Value::Float(std::uniform_real_distribution<double>(
                                          1, 50)(rng)));
  }
  RecordBatch b(n);
  b.AddColumn("weight", weight);
  b.AddColumn("shape", shape);
  b.AddColumn("color", color);
  b.AddColumn("size", size);
  return b;
}

TEST(CompactTest, OneHotEncoderColumnTransformerEqualsDense) {
  std::mt19937_64 rng(13);
  const std::vector<bool> one_hot = {true, true, true, true, true, false, false};
  for (bool ignore_unknown : {true, false}) {
    auto m = Model::Compile(FrameIR(
        ignore_unknown, RandomForest(rng, SplitRule::kSklearnTree, 1, 1, 30, one_hot)));
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_TRUE((*m)->has_compact_path());
    for (size_t n : {2, 16, 700}) {
      RecordBatch b = RandomFrame(rng, n);
      EXPECT_TRUE(ExpectCompactEqualsDense(**m, b)) << n << " rows";
      if (!ignore_unknown) {
        Predictions p = (*m)->Predict(b);
        EXPECT_TRUE(std::any_of(p.errors.begin(), p.errors.end(), [](const std::string& e) {
          return e.find("unknown category") != std::string::npos;
        }));
      }
    }
    RecordBatch missing = RandomFrame(rng, 50);
    missing.mutable_column(3).values[4] = Value::Null();  // size: NaN after the scaler
    EXPECT_FALSE(ExpectCompactEqualsDense(**m, missing));
    RecordBatch not_a_number = RandomFrame(rng, 50);
    not_a_number.mutable_column(0).values[2] = Value::String("heavy");
    EXPECT_TRUE(ExpectCompactEqualsDense(**m, not_a_number));
  }
}

}  // namespace
}  // namespace ferry::model
