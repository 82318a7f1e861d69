// Loading a model file of any supported format into the IR. The format is detected from the
// file's bytes (pickle, joblib and its compressions, XGBoost JSON or UBJSON), never from
// its name. No code from the file is ever executed.
#ifndef FERRY_MODEL_LOADERS_LOAD_H_
#define FERRY_MODEL_LOADERS_LOAD_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "model/ir.h"
#include "model/model.h"

namespace ferry::model {

// Reads and converts the file. Errors say what was wrong and where, prefixed by the path.
absl::StatusOr<ModelIR> LoadModelIR(const std::string& path);

// LoadModelIR + Model::Compile.
absl::StatusOr<std::shared_ptr<const Model>> LoadModel(const std::string& path);

}  // namespace ferry::model

#endif  // FERRY_MODEL_LOADERS_LOAD_H_
