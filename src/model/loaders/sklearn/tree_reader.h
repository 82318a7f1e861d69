// Reads one sklearn.tree._tree.Tree (its constructor arguments and pickled state: nodes
// structured array, values) into the structure of an IR Tree. Leaf values are left to the
// caller, who knows whether they are class counts, fractions or scaled regression values.
// Internal to the sklearn loader.
#ifndef FERRY_MODEL_LOADERS_SKLEARN_TREE_READER_H_
#define FERRY_MODEL_LOADERS_SKLEARN_TREE_READER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "model/ir.h"
#include "model/loaders/pickle/object.h"

namespace ferry::model::sklearn {

struct SklearnTree {
  int64_t num_features = 0;
  int64_t num_outputs = 1;
  std::vector<int64_t> num_classes;  // per output (1 for regression)
  int64_t value_stride = 1;          // values per (node, output): max(num_classes)
  std::vector<double> values;        // node_count x num_outputs x value_stride
  bool has_missing_field = false;    // node dtype has missing_go_to_left (scikit-learn >= 1.3)
  Tree tree;                         // structure only; leaf_value empty

  double value(int32_t node, int64_t output, int64_t k) const {
    return values[(node * num_outputs + output) * value_stride + k];
  }
};

// `owner` is the estimator holding the tree (for error messages).
absl::StatusOr<SklearnTree> ReadSklearnTree(const pickle::Object& owner,
                                            const pickle::Object& tree);

// The tree_ of a fitted DecisionTree*/ExtraTree* estimator.
absl::StatusOr<SklearnTree> ReadEstimatorTree(const pickle::Object& est);

}  // namespace ferry::model::sklearn

#endif  // FERRY_MODEL_LOADERS_SKLEARN_TREE_READER_H_
