// One XGBoost tree (an element of gradient_booster...model.trees) -> ir Tree. Checks every
// array length against tree_param.num_nodes, child indices, that each node is reached from the
// root at most once (no cycles, no shared children) and split features < num_features.
// Nodes not reachable from the root (XGBoost's deleted nodes) become inert leaves.
// Categorical splits become CategorySets (members go right, as in XGBoost), sized like
// XGBoost's own bitsets so out-of-range categories take the default direction.
#ifndef FERRY_MODEL_LOADERS_XGBOOST_TREE_CONVERT_H_
#define FERRY_MODEL_LOADERS_XGBOOST_TREE_CONVERT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/ir.h"
#include "model/loaders/xgboost/document.h"

namespace ferry::model::xgboost {

// Upper bound on the words of all category bitsets of a model (256 MiB), so that a hostile file
// cannot make us allocate without limit.
inline constexpr size_t kMaxCategoryWords = size_t{1} << 26;

// `path` names the tree in errors ("learner.gradient_booster.model.trees[3]"). New category
// sets are appended to `category_sets`; `category_words` counts their words against
// kMaxCategoryWords.
absl::StatusOr<Tree> ConvertTree(const DocNode& tree, const std::string& path, int32_t num_features,
                                 std::vector<CategorySet>* category_sets, size_t* category_words);

}  // namespace ferry::model::xgboost

#endif  // FERRY_MODEL_LOADERS_XGBOOST_TREE_CONVERT_H_
