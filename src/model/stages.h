// CompiledStages: the model's preprocessing (DictVectorizer, OneHotEncoder, scalers, imputer,
// ColumnTransformer) compiled once; turns a RecordBatch into the dense float64 feature matrix
// the estimator reads. Whole columns are processed per stage (no per-cell virtual calls).
// Rows that cannot be encoded get an error naming the column; their features are zeros.
// Immutable after Compile(); Transform() is thread-safe.
#ifndef FERRY_MODEL_STAGES_H_
#define FERRY_MODEL_STAGES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/record_batch.h"
#include "model/compact_rows.h"
#include "model/ir.h"

namespace ferry::model {

struct StagePlan;           // compiled form of one stage (stages.cc)
class DictCompactEncoder;   // dict_compact.h
class OneHotCompactEncoder;  // onehot_compact.h

class CompiledStages {
 public:
  static absl::StatusOr<std::unique_ptr<CompiledStages>> Compile(const ModelIR& ir);
  ~CompiledStages();

  int32_t num_features() const { return num_features_; }

  // x: resized to num_rows x num_features(), row-major. errors: one per row, pre-filled by
  // the caller (rows that already have an error are still encoded but keep theirs).
  void Transform(const RecordBatch& input, std::vector<double>* x,
                 std::vector<std::string>* errors) const;

  // The compact one-hot form of this model's rows (compact_rows.h), or nullptr when its
  // stages have none. A lone DictVectorizer has one (dict_compact.h), and so have a lone
  // OneHotEncoder or ColumnTransformer of one-hot and numeric branches (onehot_compact.h).
  const CompactLayout* compact_layout() const;
  // Encodes `input` in the compact form, with the same features and row errors Transform would
  // give. Returns false, with `errors` unchanged, when some row needs the dense form (then call
  // Transform).
  bool TransformCompact(const RecordBatch& input, CompactRows* rows,
                        std::vector<std::string>* errors) const;

 private:
  CompiledStages() = default;
  // Pipeline(DictVectorizer, estimator): records straight into the matrix.
  void DictVectorize(const RecordBatch& input, std::vector<double>* x) const;
  const ModelIR* ir_ = nullptr;  // owned by the Model, outlives this
  std::vector<std::unique_ptr<StagePlan>> plans_;
  std::unique_ptr<DictCompactEncoder> dict_compact_;  // Pipeline(DictVectorizer, estimator)
  std::unique_ptr<OneHotCompactEncoder> onehot_compact_;
  int32_t num_features_ = 0;
  std::vector<std::string> positional_names_;  // "column 1", ... for messages
};

}  // namespace ferry::model

#endif  // FERRY_MODEL_STAGES_H_
