// OneHotCompactEncoder: the compact form (compact_rows.h) of models whose preprocessing is a
// OneHotEncoder, or a ColumnTransformer whose branches are each a lone OneHotEncoder or free
// of one-hot encoding (passthrough, scalers, imputers). Each encoded input column is a group
// (one category at most is active); the other branches' outputs are numeric slots. Encoding
// gives the same features and the same row errors as the dense Transform (stages.cc).
#ifndef FERRY_MODEL_ONEHOT_COMPACT_H_
#define FERRY_MODEL_ONEHOT_COMPACT_H_

#include <memory>
#include <vector>

#include "model/compact_rows.h"
#include "model/stage_plan.h"

namespace ferry::model {

class OneHotCompactEncoder {
 public:
  // nullptr when the stages do not have that shape or encode no column.
  static std::unique_ptr<OneHotCompactEncoder> Build(
      const std::vector<std::unique_ptr<StagePlan>>& plans, int32_t num_inputs);

  const CompactLayout& layout() const { return layout_; }

  // Encodes the model's input columns (InputFrame). Returns false, leaving `errors` as they
  // were, when a numeric output is NaN (the dense path handles missing values).
  bool Encode(const Frame& inputs, size_t rows, CompactRows* out, Errors* errors) const;

 private:
  // One ColumnTransformer branch (or the whole input for a lone OneHotEncoder).
  struct Branch {
    std::vector<int32_t> columns;            // input columns
    const StagePlan* one_hot = nullptr;      // set: each column is a group
    const std::vector<std::unique_ptr<StagePlan>>* plans = nullptr;  // else: numeric outputs
    int32_t first = 0;                       // first feature (one_hot) or first numeric slot
    std::vector<int32_t> group;              // one_hot: per column, its group
    std::vector<int32_t> first_feature;      // one_hot: per column, its first feature
  };
  CompactLayout layout_;
  std::vector<Branch> branches_;
};

}  // namespace ferry::model

#endif  // FERRY_MODEL_ONEHOT_COMPACT_H_
