// JSON text -> DocNode tree (document.h), parsed with simdjson's DOM API. Strict: one JSON
// value with nothing but whitespace after it; nesting limited to kMaxDocumentDepth. The bare
// words NaN, Infinity and -Infinity that XGBoost writes for non-finite floats are accepted.
#ifndef FERRY_MODEL_LOADERS_XGBOOST_JSON_READER_H_
#define FERRY_MODEL_LOADERS_XGBOOST_JSON_READER_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "model/loaders/xgboost/document.h"

namespace ferry::model::xgboost {

absl::StatusOr<DocNode> ReadJsonDocument(std::string_view bytes);

}  // namespace ferry::model::xgboost

#endif  // FERRY_MODEL_LOADERS_XGBOOST_JSON_READER_H_
