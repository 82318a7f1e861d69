// Fuzz target: arbitrary bytes through the UBJSON reader and the XGBoost UBJSON loader;
// whatever loads is compiled and asked to predict two rows (all zeros, all NaN). Any crash,
// leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "model/loaders/xgboost/xgboost_loader.h"
#include "model/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto ir = ferry::model::LoadXGBoostUbjson(bytes);
  if (!ir.ok()) return 0;
  auto model = ferry::model::Model::Compile(std::move(*ir));
  if (!model.ok() || (*model)->num_features() > 4096) return 0;
  const size_t features = static_cast<size_t>((*model)->num_features());
  std::vector<double> x(2 * features, 0.0);
  for (size_t j = features; j < x.size(); ++j) x[j] = std::numeric_limits<double>::quiet_NaN();
  ferry::model::Predictions out;
  (*model)->PredictFeatures(x.data(), 2, &out);
  return 0;
}
