// Linear models: raw[k] = intercept[k] + x . coef[k], summed in feature order in float64.
// Compact one-hot rows (compact_rows.h) sum only the numeric and active features, still in
// feature order: a skipped term is 0 * w = +-0, which leaves a float64 sum that starts at +0
// unchanged, so the result is the dense one bit for bit (as long as every one-hot w is finite).
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

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

  std::unique_ptr<CompactEstimator> CompileCompact(const CompactLayout& layout) const override;

 private:
  LinearModel m_;
};

class CompactLinearKernel final : public CompactEstimator {
 public:
  const char* kind() const override { return "linear"; }
  CompactLinearKernel(const LinearModel& m, const CompactLayout& layout)
      : m_(m), layout_(layout) {}

  void PredictRaw(const CompactRows& rows, double* raw) const override {
    const int32_t p = m_.num_features;
    const int32_t k_out = m_.num_outputs;
    const int32_t num_numeric = layout_.num_numeric();
    const int32_t num_groups = layout_.num_groups;
    std::vector<std::pair<int32_t, double>> terms;  // (feature, value), in feature order
    for (size_t r = 0; r < rows.num_rows; ++r) {
      terms.clear();
      for (int32_t s = 0; s < num_numeric; ++s) {
        terms.emplace_back(layout_.numeric_features[s], rows.numeric[r * num_numeric + s]);
      }
      for (int32_t g = 0; g < num_groups; ++g) {
        const int32_t f = rows.active[r * num_groups + g];
        if (f >= 0) terms.emplace_back(f, 1.0);
      }
      std::sort(terms.begin(), terms.end());
      for (int32_t k = 0; k < k_out; ++k) {
        const double* w = m_.coef.data() + static_cast<size_t>(k) * p;
        double dot = 0;
        for (const auto& [f, v] : terms) dot += v * w[f];
        raw[r * k_out + k] = dot + m_.intercept[k];
      }
    }
  }

 private:
  const LinearModel& m_;
  const CompactLayout layout_;
};

std::unique_ptr<CompactEstimator> LinearKernel::CompileCompact(
    const CompactLayout& layout) const {
  if (layout.num_features != m_.num_features) return nullptr;
  for (int32_t k = 0; k < m_.num_outputs; ++k) {
    for (int32_t f = 0; f < m_.num_features; ++f) {
      if (layout.group_of_feature[f] < 0 && layout.slot_of_feature[f] < 0) return nullptr;
      if (layout.group_of_feature[f] >= 0 &&
          !std::isfinite(m_.coef[static_cast<size_t>(k) * m_.num_features + f])) {
        return nullptr;  // 0 * inf is NaN in the dense sum: keep that row dense
      }
    }
  }
  return std::make_unique<CompactLinearKernel>(m_, layout);
}

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
