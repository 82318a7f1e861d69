// Entry points: each format's reader builds the neutral document, one converter makes the IR.
#include "model/loaders/xgboost/xgboost_loader.h"

#include "model/loaders/xgboost/json_reader.h"
#include "model/loaders/xgboost/ubjson_reader.h"
#include "model/loaders/xgboost/xgboost_convert.h"

namespace ferry::model {

absl::StatusOr<ModelIR> LoadXGBoostJson(std::string_view bytes) {
  auto doc = xgboost::ReadJsonDocument(bytes);
  if (!doc.ok()) return doc.status();
  return xgboost::ConvertXGBoostDocument(*doc, "XGBoost JSON");
}

absl::StatusOr<ModelIR> LoadXGBoostUbjson(std::string_view bytes) {
  auto doc = xgboost::ReadUbjsonDocument(bytes);
  if (!doc.ok()) return doc.status();
  return xgboost::ConvertXGBoostDocument(*doc, "XGBoost UBJSON");
}

}  // namespace ferry::model
