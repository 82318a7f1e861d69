// The per-class converters of the scikit-learn loader, looked up by short class name in
// explicit tables (sklearn_loader.cc). An estimator converter fills the estimator half of a
// ModelIR (estimator, task, link, label rule, classes, num_outputs); a transformer converter
// appends preprocessing stages. Internal to the sklearn loader.
#ifndef FERRY_MODEL_LOADERS_SKLEARN_CONVERTERS_H_
#define FERRY_MODEL_LOADERS_SKLEARN_CONVERTERS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "model/ir.h"
#include "model/loaders/pickle/object.h"

namespace ferry::model::sklearn {

using EstimatorConverter = absl::Status (*)(const pickle::Object& est, ModelIR* ir);
// `chain` collects class names (depth first) for ModelIR::chain.
using TransformerConverter = absl::Status (*)(const pickle::Object& est, std::vector<Stage>* stages,
                                              std::vector<std::string>* chain);

// Table lookups; nullptr when the class is not an estimator / transformer we support.
EstimatorConverter FindEstimatorConverter(const std::string& class_name);
TransformerConverter FindTransformerConverter(const std::string& class_name);
// "LinearRegression, Ridge, ..." for error messages.
std::string SupportedEstimators();
std::string SupportedTransformers();

// A transformer or a Pipeline of transformers ('passthrough'/None steps skipped) -> stages.
absl::Status ConvertTransformerOrPipeline(const pickle::Object& est, std::vector<Stage>* stages,
                                          std::vector<std::string>* chain);

// classes_ -> ir->classes (Python types kept) and ir->num_outputs = number of classes.
absl::Status ReadClasses(const pickle::Object& est, ModelIR* ir);

// linear.cc
absl::Status ConvertLinearRegressor(const pickle::Object& est, ModelIR* ir);
absl::Status ConvertLogisticRegression(const pickle::Object& est, ModelIR* ir);
// trees.cc
absl::Status ConvertDecisionTree(const pickle::Object& est, ModelIR* ir);
absl::Status ConvertForest(const pickle::Object& est, ModelIR* ir);
// gradient_boosting.cc
absl::Status ConvertGradientBoosting(const pickle::Object& est, ModelIR* ir);
// hist_gradient_boosting.cc
absl::Status ConvertHistGradientBoosting(const pickle::Object& est, ModelIR* ir);

// transformers.cc
absl::Status ConvertStandardScaler(const pickle::Object& est, std::vector<Stage>* stages,
                                   std::vector<std::string>* chain);
absl::Status ConvertMinMaxScaler(const pickle::Object& est, std::vector<Stage>* stages,
                                 std::vector<std::string>* chain);
absl::Status ConvertSimpleImputer(const pickle::Object& est, std::vector<Stage>* stages,
                                  std::vector<std::string>* chain);
absl::Status ConvertOneHotEncoder(const pickle::Object& est, std::vector<Stage>* stages,
                                  std::vector<std::string>* chain);
absl::Status ConvertDictVectorizer(const pickle::Object& est, std::vector<Stage>* stages,
                                   std::vector<std::string>* chain);
absl::Status ConvertFunctionTransformer(const pickle::Object& est, std::vector<Stage>* stages,
                                        std::vector<std::string>* chain);
// column_transformer.cc
absl::Status ConvertColumnTransformer(const pickle::Object& est, std::vector<Stage>* stages,
                                      std::vector<std::string>* chain);

}  // namespace ferry::model::sklearn

#endif  // FERRY_MODEL_LOADERS_SKLEARN_CONVERTERS_H_
