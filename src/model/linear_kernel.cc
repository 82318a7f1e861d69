// Linear models: raw[k] = intercept[k] + x . coef[k], summed in feature order in float64.
#include "absl/strings/str_cat.h"
#include "model/estimator.h"

namespace ferry::model {
namespace {

class LinearKernel final : public CompiledEstimator {
 public:
  explicit LinearKernel(const LinearModel& m) : m_(m) {}
  int32_t num_features() const override { return m_.num_features; }
  int32_t num_raw() const override { return m_.num_outputs; }
  // scikit-learn's linear models refuse NaN input; so do we, per row.
  bool missing_allowed() const override { return false; }
  void PredictRaw(const double* x, size_t num_rows, double* raw) const override {
    const int32_t p = m_.num_features;
    const int32_t k_out = m_.num_outputs;
    for (size_t r = 0; r < num_rows; ++r) {
      const double* row = x + r * p;
      for (int32_t k = 0; k < k_out; ++k) {
        const double* w = m_.coef.data() + static_cast<size_t>(k) * p;
        double dot = 0;
        for (int32_t j = 0; j < p; ++j) dot += row[j] * w[j];
        raw[r * k_out + k] = dot + m_.intercept[k];
      }
    }
  }

 private:
  LinearModel m_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<CompiledEstimator>> CompileLinear(const LinearModel& m) {
  if (m.num_features < 0 || m.num_outputs < 1) {
    return absl::InvalidArgumentError("linear model: needs at least one output");
  }
  if (m.coef.size() != static_cast<size_t>(m.num_features) * m.num_outputs) {
    return absl::InvalidArgumentError(
        absl::StrCat("linear model: ", m.coef.size(), " coefficients for ", m.num_outputs,
                     " outputs x ", m.num_features, " features"));
  }
  if (m.intercept.size() != static_cast<size_t>(m.num_outputs)) {
    return absl::InvalidArgumentError(absl::StrCat("linear model: ", m.intercept.size(),
                                                   " intercepts for ", m.num_outputs, " outputs"));
  }
  return std::unique_ptr<CompiledEstimator>(new LinearKernel(m));
}


}  // namespace ferry::model
