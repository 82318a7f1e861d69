// Model: a compiled, immutable model ready to predict; built once from a ModelIR by
// Model::Compile and shared by every thread (all methods are const and thread-safe).
//
//   ModelIR ir = ...;                      // from a loader (loaders/load.h)
//   auto model = Model::Compile(std::move(ir));
//   Predictions p = (*model)->Predict(batch);
#ifndef FERRY_MODEL_MODEL_H_
#define FERRY_MODEL_MODEL_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/record_batch.h"
#include "model/ir.h"

namespace ferry::model {

// Results for a batch, row-major.
struct Predictions {
  size_t num_rows = 0;
  int32_t width = 0;                // outputs per row (Model::num_outputs())
  std::vector<double> values;       // num_rows x width: regression targets or class probabilities
  std::vector<int32_t> label;       // classifiers: per row, index into Model::classes()
  std::vector<std::string> errors;  // per row; empty when the row was predicted

  double value(size_t row, int32_t k) const { return values[row * width + k]; }
  bool ok(size_t row) const { return errors[row].empty(); }
};

class CompiledEstimator;  // kernels (estimator.h)
class CompiledStages;     // preprocessing (stages.h)
class CompactEstimator;   // kernels for compact one-hot rows (compact_rows.h)

class Model {
 public:
  // Checks the IR (sizes, indices, tree shapes) and builds the kernels. Errors name the
  // inconsistent part.
  static absl::StatusOr<std::shared_ptr<const Model>> Compile(ModelIR ir);
  ~Model();

  const ModelIR& ir() const { return ir_; }
  Task task() const { return ir_.task; }
  const std::vector<Value>& classes() const { return ir_.classes; }
  int32_t num_outputs() const { return ir_.num_outputs; }
  int32_t num_inputs() const { return ir_.num_inputs; }
  const std::vector<std::string>& input_names() const { return ir_.input_names; }
  bool dict_input() const { return ir_.dict_input; }
  // Number of features the estimator sees (after preprocessing).
  int32_t num_features() const;
  // True when records are scored through compact one-hot rows (compact_rows.h) instead of
  // dense feature rows, for batches that allow it; predictions are the same either way.
  bool has_compact_path() const { return compact_ != nullptr; }
  // The compact kernel's kind (CompactEstimator::kind), or "" without a compact path.
  const char* compact_kind() const;

  // Predicts every row of `input`. Columns are matched by name when the model knows its input
  // names (or takes dicts), else by position. Rows that already carry an error are not
  // predicted and keep it; a row that cannot be predicted gets an error naming the field.
  Predictions Predict(const RecordBatch& input) const;

  // Fast path for already-encoded features: `x` is row-major, num_rows x num_features(),
  // NaN for missing. Preprocessing stages are not applied. REQUIRES: out != nullptr.
  void PredictFeatures(const double* x, size_t num_rows, Predictions* out) const;

 private:
  explicit Model(ModelIR ir);
  // Sizes `out` for num_rows rows, with no errors.
  void StartPredictions(size_t num_rows, Predictions* out) const;
  // Applies the link and the label rule to raw scores (num_rows x num_raw).
  void FinishPredictions(const std::vector<double>& raw, Predictions* out) const;

  ModelIR ir_;
  std::unique_ptr<CompiledStages> stages_;
  std::unique_ptr<CompiledEstimator> estimator_;
  // Set when the stages have a compact one-hot form and the estimator scores it exactly;
  // reads estimator_ (declared after it, so destroyed before it).
  std::unique_ptr<CompactEstimator> compact_;
};

}  // namespace ferry::model

#endif  // FERRY_MODEL_MODEL_H_
