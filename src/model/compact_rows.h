// Compact feature rows for one-hot models: instead of a dense float64 row over every one-hot
// column, each row holds, per one-hot group (a DictVectorizer key), the index of the one
// feature set to 1.0 (or -1 when none is), and a short dense vector of the numeric features.
// Every other feature is 0.0. A CompactLayout maps features to groups and numeric slots; the
// preprocessing (stages.h) produces CompactRows and a CompactEstimator scores them with
// results identical to the dense kernels (estimator.h) on the equivalent dense rows.
#ifndef FERRY_MODEL_COMPACT_ROWS_H_
#define FERRY_MODEL_COMPACT_ROWS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ferry::model {

struct CompactLayout {
  int32_t num_features = 0;                // width of the equivalent dense row
  std::vector<int32_t> numeric_features;   // numeric slot -> feature index, increasing
  int32_t num_groups = 0;
  std::vector<int32_t> group_of_feature;   // feature -> its one-hot group, or -1 (numeric)
  std::vector<int32_t> slot_of_feature;    // feature -> its numeric slot, or -1 (one-hot)
  int32_t num_numeric() const { return static_cast<int32_t>(numeric_features.size()); }
};

// Rows in the compact form. Numeric values are never NaN (rows with NaN use the dense form).
struct CompactRows {
  size_t num_rows = 0;
  std::vector<double> numeric;  // num_rows x layout.num_numeric(), row-major
  std::vector<int32_t> active;  // num_rows x layout.num_groups: active feature index or -1
};

// Scores compact rows: raw is num_rows x num_raw (as CompiledEstimator::PredictRaw).
class CompactEstimator {
 public:
  virtual ~CompactEstimator() = default;
  virtual void PredictRaw(const CompactRows& rows, double* raw) const = 0;
  // Which kernel this is ("walk", "table", "linear"), for inspect and tests.
  virtual const char* kind() const = 0;
};

}  // namespace ferry::model

#endif  // FERRY_MODEL_COMPACT_ROWS_H_
