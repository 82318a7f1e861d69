// XGBoost models saved with save_model() as JSON or UBJSON -> ModelIR. gbtree and dart
// boosters; regression, logistic, multiclass, Poisson and gamma objectives; base_score in
// both of its stored forms; missing values follow default_left.
#ifndef FERRY_MODEL_LOADERS_XGBOOST_XGBOOST_LOADER_H_
#define FERRY_MODEL_LOADERS_XGBOOST_XGBOOST_LOADER_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "model/ir.h"

namespace ferry::model {

absl::StatusOr<ModelIR> LoadXGBoostJson(std::string_view bytes);
absl::StatusOr<ModelIR> LoadXGBoostUbjson(std::string_view bytes);

}  // namespace ferry::model

#endif  // FERRY_MODEL_LOADERS_XGBOOST_XGBOOST_LOADER_H_
