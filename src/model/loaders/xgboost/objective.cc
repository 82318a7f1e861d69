#include "model/loaders/xgboost/objective.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"

namespace ferry::model::xgboost {

absl::StatusOr<ObjectiveInfo> DescribeObjective(absl::string_view name) {
  ObjectiveInfo info;
  // Raw-score regression: the prediction is the margin itself.
  if (name == "reg:squarederror" || name == "reg:linear" || name == "reg:squaredlogerror" ||
      name == "reg:pseudohubererror" || name == "reg:absoluteerror" ||
      name == "reg:quantileerror" || name == "rank:pairwise" || name == "rank:ndcg" ||
      name == "rank:map") {
    return info;
  }
  if (name == "reg:logistic") {  // a regressor whose one output is the float32 sigmoid
    info.link = Link::kXGBoostSigmoid;
    info.margin = MarginTransform::kLogit;
    return info;
  }
  if (name == "count:poisson" || name == "reg:gamma" || name == "reg:tweedie" ||
      name == "survival:cox" || name == "survival:aft") {
    info.link = Link::kXGBoostExp;
    info.margin = MarginTransform::kLog;
    return info;
  }
  if (name == "binary:logistic") {
    info.task = Task::kClassification;
    info.binary = true;
    info.link = Link::kXGBoostSigmoid;
    info.label_rule = LabelRule::kAboveHalf;
    info.margin = MarginTransform::kLogit;
    return info;
  }
  if (name == "binary:logitraw") {
    // XGBClassifier reports [1 - margin, margin] as probabilities and labels margin > 0.5;
    // XGBoost keeps base_score as given for this objective (no logit).
    info.task = Task::kClassification;
    info.binary = true;
    info.link = Link::kXGBoostRawBinary;
    info.label_rule = LabelRule::kAboveHalf;
    return info;
  }
  if (name == "multi:softprob" || name == "multi:softmax") {
    // softprob: XGBClassifier labels the argmax of the probabilities. softmax: XGBoost's own
    // label is the argmax of the margins; we also report the softmax probabilities.
    info.task = Task::kClassification;
    info.multiclass = true;
    info.link = Link::kXGBoostSoftmax;
    info.label_rule = name == "multi:softmax" ? LabelRule::kArgmaxRaw : LabelRule::kArgmaxOutput;
    return info;
  }
  return absl::UnimplementedError(absl::StrCat(
      "objective '", name,
      "' is not supported; supported: reg:squarederror, reg:linear, reg:squaredlogerror, "
      "reg:pseudohubererror, reg:absoluteerror, reg:quantileerror, reg:logistic, "
      "binary:logistic, binary:logitraw, multi:softprob, multi:softmax, count:poisson, "
      "reg:gamma, reg:tweedie, survival:cox, survival:aft, rank:pairwise, rank:ndcg, rank:map"));
}

absl::StatusOr<float> BaseScoreToMargin(float base_score, MarginTransform transform,
                                        absl::string_view objective) {
  float margin = base_score;
  switch (transform) {
    case MarginTransform::kIdentity:
      break;
    case MarginTransform::kLogit:
      margin = -std::log(1.0f / base_score - 1.0f);  // float overload: logf
      break;
    case MarginTransform::kLog:
      margin = std::log(base_score);
      break;
  }
  if (!std::isfinite(margin)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "learner_model_param.base_score ", base_score,
        " gives no finite starting margin for "
        "objective '",
        objective, "'",
        transform == MarginTransform::kLogit ? " (it must lie strictly between 0 and 1)"
        : transform == MarginTransform::kLog ? " (it must be positive)"
                                             : ""));
  }
  return margin;
}

}  // namespace ferry::model::xgboost
