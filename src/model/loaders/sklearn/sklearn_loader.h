// scikit-learn estimators (from a restricted unpickle) -> ModelIR. Supports scikit-learn
// 1.0 to 1.5 state layouts: linear models, trees, forests, gradient boosting (classic and
// histogram), and the common preprocessing transformers inside Pipeline/ColumnTransformer.
// Unsupported classes or options are errors that name them.
#ifndef FERRY_MODEL_LOADERS_SKLEARN_SKLEARN_LOADER_H_
#define FERRY_MODEL_LOADERS_SKLEARN_SKLEARN_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "model/ir.h"
#include "model/loaders/pickle/object.h"

namespace ferry::model {

// `format` is recorded in the IR ("pickle protocol 4", "joblib (zlib)", ...).
absl::StatusOr<ModelIR> SklearnToIR(const pickle::Object& root, const std::string& format);

}  // namespace ferry::model

#endif  // FERRY_MODEL_LOADERS_SKLEARN_SKLEARN_LOADER_H_
