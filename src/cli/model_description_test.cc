#include "cli/model_description.h"

#include <gtest/gtest.h>

namespace ferry::cli {
namespace {

// A depth-2 tree: root -> (leaf, node -> (leaf, leaf)).
model::Tree SmallTree() {
  model::Tree t;
  t.left_child = {1, -1, 3, -1, -1};
  t.right_child = {2, -1, 4, -1, -1};
  t.feature = {0, 0, 1, 0, 0};
  t.threshold = {0.5, 0, 1.5, 0, 0};
  t.missing_left = {1, 1, 1, 1, 1};
  t.category_set = {-1, -1, -1, -1, -1};
  t.leaf_value = {0, 1, 0, 2, 3};
  return t;
}

model::ModelIR ForestClassifier() {
  model::ModelIR ir;
  ir.format = "scikit-learn pickle";
  ir.library = "scikit-learn";
  ir.library_version = "1.2.1";
  ir.chain = {"Pipeline", "StandardScaler", "RandomForestClassifier"};
  ir.num_inputs = 2;
  ir.input_names = {"age", "income"};
  model::Stage scaler{"StandardScaler", model::StandardScalerStage{{1, 2}, {3, 4}}};
  ir.stages.push_back(scaler);
  model::TreeEnsemble trees;
  trees.num_features = 2;
  trees.aggregation = model::Aggregation::kMean;
  trees.trees = {SmallTree(), SmallTree(), SmallTree()};
  trees.base_score = {0.0};
  ir.estimator = trees;
  ir.task = model::Task::kClassification;
  ir.classes = {Value::String("no"), Value::String("yes")};
  ir.num_outputs = 2;
  return ir;
}

TEST(ModelDescriptionTest, TreeStatsCountNodesLeavesAndDepth) {
  model::TreeEnsemble trees;
  trees.trees = {SmallTree(), SmallTree()};
  TreeStats stats = ComputeTreeStats(trees);
  EXPECT_EQ(stats.trees, 2);
  EXPECT_EQ(stats.nodes, 10);
  EXPECT_EQ(stats.leaves, 6);
  EXPECT_EQ(stats.max_depth, 2);
}

TEST(ModelDescriptionTest, TreeStatsSurviveACycle) {
  model::TreeEnsemble trees;
  model::Tree t = SmallTree();
  t.left_child[2] = 0;  // a malformed tree that points back at its root
  trees.trees = {t};
  TreeStats stats = ComputeTreeStats(trees);
  EXPECT_EQ(stats.nodes, 5);
}

TEST(ModelDescriptionTest, TextNamesEveryPart) {
  std::string text = DescribeModelText(ForestClassifier(), "m.pkl");
  for (const char* expected :
       {"model file:     m.pkl", "scikit-learn 1.2.1",
        "Pipeline > StandardScaler > RandomForestClassifier", "matched by name: age, income",
        "StandardScaler: features 2, centers true, scales true",
        "tree ensemble, 3 trees, 15 nodes (9 leaves), max depth 2", "aggregation mean",
        "float32(x) <= threshold", "task:           classification",
        "classes:        no, yes (2)"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
}

TEST(ModelDescriptionTest, JsonHasTheSameFacts) {
  std::string json = DescribeModelJson(ForestClassifier(), "m.pkl");
  for (const char* expected :
       {"\"library_version\":\"1.2.1\"", "\"names\":[\"age\",\"income\"]", "\"dict_input\":false",
        "{\"class\":\"StandardScaler\",\"features\":2", "\"kind\":\"tree_ensemble\"", "\"trees\":3",
        "\"nodes\":15", "\"max_depth\":2", "\"classes\":[\"no\",\"yes\"]",
        "\"task\":\"classification\""}) {
    EXPECT_NE(json.find(expected), std::string::npos) << expected << "\n" << json;
  }
  EXPECT_EQ(json.back(), '\n');
}

}  // namespace
}  // namespace ferry::cli
