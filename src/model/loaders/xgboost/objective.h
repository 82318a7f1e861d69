// XGBoost objectives: what each means for the IR (task, link, label rule) and how the stored
// base_score (probability space) becomes the starting margin, computed in float32 exactly as
// XGBoost 1.7's ObjFunction::ProbToMargin does (checked against the library bit for bit).
#ifndef FERRY_MODEL_LOADERS_XGBOOST_OBJECTIVE_H_
#define FERRY_MODEL_LOADERS_XGBOOST_OBJECTIVE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/ir.h"

namespace ferry::model::xgboost {

enum class MarginTransform : uint8_t {
  kIdentity,  // margin = base_score
  kLogit,     // margin = -logf(1.0f / p - 1.0f): binary:logistic, reg:logistic
  kLog,       // margin = logf(p): Poisson, gamma, Tweedie, Cox, AFT
};

struct ObjectiveInfo {
  Task task = Task::kRegression;
  Link link = Link::kIdentity;
  LabelRule label_rule = LabelRule::kArgmaxOutput;
  MarginTransform margin = MarginTransform::kIdentity;
  bool binary = false;      // a classifier with classes {0, 1} from one raw score
  bool multiclass = false;  // multi:*: num_class raw scores
};

// The IR meaning of objective `name` ("binary:logistic", ...); an error lists the supported
// objectives when `name` is not one of them.
absl::StatusOr<ObjectiveInfo> DescribeObjective(absl::string_view name);

// base_score (as stored, probability space) -> starting margin, in float32 like XGBoost.
// Errors when the result is not finite (e.g. a logistic base_score outside (0, 1)).
absl::StatusOr<float> BaseScoreToMargin(float base_score, MarginTransform transform,
                                        absl::string_view objective);

}  // namespace ferry::model::xgboost

#endif  // FERRY_MODEL_LOADERS_XGBOOST_OBJECTIVE_H_
