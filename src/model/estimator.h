// CompiledEstimator: the prediction kernel of a model's estimator (linear or tree ensemble),
// built from the IR once and then read-only (thread-safe). It maps a dense, row-major float64
// feature matrix to raw scores; links and label rules are applied by Model (link.h).
#ifndef FERRY_MODEL_ESTIMATOR_H_
#define FERRY_MODEL_ESTIMATOR_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "model/compact_rows.h"
#include "model/ir.h"

namespace ferry::model {

class CompiledEstimator {
 public:
  virtual ~CompiledEstimator() = default;
  virtual int32_t num_features() const = 0;
  virtual int32_t num_raw() const = 0;  // raw scores per row
  // Rows whose features hold NaN must be rejected before calling (see missing_allowed()).
  virtual bool missing_allowed() const { return true; }
  // raw: num_rows x num_raw, overwritten. x: num_rows x num_features.
  virtual void PredictRaw(const double* x, size_t num_rows, double* raw) const = 0;
  // A kernel for compact rows of `layout` (compact_rows.h) giving exactly PredictRaw's results,
  // or nullptr when this estimator cannot guarantee that. The result reads this estimator's
  // arrays: it must not outlive it.
  virtual std::unique_ptr<CompactEstimator> CompileCompact(const CompactLayout& layout) const {
    (void)layout;
    return nullptr;
  }
};

// Validates the estimator part of `ir` (shapes, indices, acyclic trees) and compiles it.
absl::StatusOr<std::unique_ptr<CompiledEstimator>> CompileEstimator(const ModelIR& ir);

// The kernels, one per estimator family (tree_kernel.cc, linear_kernel.cc).
absl::StatusOr<std::unique_ptr<CompiledEstimator>> CompileTreeEnsemble(const TreeEnsemble& e);
absl::StatusOr<std::unique_ptr<CompiledEstimator>> CompileLinear(const LinearModel& m);

}  // namespace ferry::model

#endif  // FERRY_MODEL_ESTIMATOR_H_
