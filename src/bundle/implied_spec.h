// ImpliedSpecText: the ferry.yaml a bare model file implies, so a model can be served or
// scored without a bundle. Inputs are the model's own input names (feature_names_in_), or the
// keys of its DictVectorizer, or x0..x{n-1} when it records none; each input is a required
// float, or a required string when the model's first stage treats that column as categories
// (OneHotEncoder, or a string SimpleImputer, also inside a ColumnTransformer; a DictVectorizer
// key seen as "key=value"). Each feature passes its input through unchanged. Outputs:
// "prediction", plus "probabilities" for classifiers. Unknown fields are ignored.
#ifndef FERRY_BUNDLE_IMPLIED_SPEC_H_
#define FERRY_BUNDLE_IMPLIED_SPEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "model/model.h"

namespace ferry::bundle {

// `name` and `model_file` (relative to the bundle directory) are written as given; `version`
// is omitted when empty (then the model file's content hash is the version). Fails when the
// model records no inputs at all, or an input name cannot be written (it contains '`').
absl::StatusOr<std::string> ImpliedSpecText(const model::Model& model, std::string_view name,
                                            std::string_view version, std::string_view model_file);

}  // namespace ferry::bundle

#endif  // FERRY_BUNDLE_IMPLIED_SPEC_H_
