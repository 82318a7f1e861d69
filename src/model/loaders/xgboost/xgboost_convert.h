// The XGBoost model document (from the JSON or the UBJSON reader) -> ModelIR. Written once for
// both formats: learner parameters, objective, base_score, gbtree/dart boosters and their trees.
#ifndef FERRY_MODEL_LOADERS_XGBOOST_XGBOOST_CONVERT_H_
#define FERRY_MODEL_LOADERS_XGBOOST_XGBOOST_CONVERT_H_

#include <string>

#include "absl/status/statusor.h"
#include "model/ir.h"
#include "model/loaders/xgboost/document.h"

namespace ferry::model::xgboost {

// `format` goes to ModelIR::format ("XGBoost JSON" or "XGBoost UBJSON").
absl::StatusOr<ModelIR> ConvertXGBoostDocument(const DocNode& root, std::string format);

}  // namespace ferry::model::xgboost

#endif  // FERRY_MODEL_LOADERS_XGBOOST_XGBOOST_CONVERT_H_
