// UBJSON bytes -> DocNode tree (document.h). A strict reader of the Universal Binary JSON
// draft 12 as XGBoost writes it: big-endian numbers, counted and typed containers
// (`[$d#L<n>` followed by raw elements), keys without a type marker. Every length and count is
// checked against the bytes left before anything is allocated; nesting is limited to
// kMaxDocumentDepth; bytes after the root value are an error.
#ifndef FERRY_MODEL_LOADERS_XGBOOST_UBJSON_READER_H_
#define FERRY_MODEL_LOADERS_XGBOOST_UBJSON_READER_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "model/loaders/xgboost/document.h"

namespace ferry::model::xgboost {

absl::StatusOr<DocNode> ReadUbjsonDocument(std::string_view bytes);

}  // namespace ferry::model::xgboost

#endif  // FERRY_MODEL_LOADERS_XGBOOST_UBJSON_READER_H_
