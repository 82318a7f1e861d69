// Preprocessing transformers -> IR stages: StandardScaler, MinMaxScaler, SimpleImputer,
// OneHotEncoder, DictVectorizer and the identity FunctionTransformer. Each reads only fitted
// state (and the options that change transform) and refuses options it cannot reproduce.
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/loaders/sklearn/common.h"
#include "model/loaders/sklearn/converters.h"

namespace ferry::model::sklearn {
namespace {

using StageOp = decltype(Stage::op);

void Push(const Object& est, StageOp op, std::vector<Stage>* stages) {
  stages->push_back(Stage{ClassName(est), std::move(op)});
}

bool IsNaN(const Value& v) { return v.kind() == Value::Kind::kFloat && std::isnan(v.as_float()); }

}  // namespace

absl::Status ConvertStandardScaler(const Object& est, std::vector<Stage>* stages,
                                   std::vector<std::string>* chain) {
  StandardScalerStage stage;
  auto with_mean = BoolOr(est, "with_mean", true);
  auto with_std = BoolOr(est, "with_std", true);
  if (!with_mean.ok()) return with_mean.status();
  if (!with_std.ok()) return with_std.status();
  if (*with_mean) {
    auto mean = Need(est, "mean_");
    if (!mean.ok()) return mean.status();
    auto v = Doubles(**mean, "mean_");
    if (!v.ok()) return Annotate(est, v.status());
    stage.mean = std::move(*v);
  }
  if (*with_std) {
    if (const Object* scale = Optional(est, "scale_")) {
      auto v = Doubles(*scale, "scale_");
      if (!v.ok()) return Annotate(est, v.status());
      stage.scale = std::move(*v);
    }
  }
  if (!stage.mean.empty() && !stage.scale.empty() && stage.mean.size() != stage.scale.size()) {
    return Error(est, "mean_ and scale_ have different lengths");
  }
  Push(est, std::move(stage), stages);
  return absl::OkStatus();
}

absl::Status ConvertMinMaxScaler(const Object& est, std::vector<Stage>* stages,
                                 std::vector<std::string>* chain) {
  MinMaxScalerStage stage;
  auto scale = Need(est, "scale_");
  if (!scale.ok()) return scale.status();
  auto min = Need(est, "min_");
  if (!min.ok()) return min.status();
  auto s = Doubles(**scale, "scale_");
  if (!s.ok()) return Annotate(est, s.status());
  auto m = Doubles(**min, "min_");
  if (!m.ok()) return Annotate(est, m.status());
  if (s->size() != m->size()) return Error(est, "scale_ and min_ have different lengths");
  stage.scale = std::move(*s);
  stage.min = std::move(*m);
  auto clip = BoolOr(est, "clip", false);
  if (!clip.ok()) return clip.status();
  stage.clip = *clip;
  if (stage.clip) {
    auto range = Need(est, "feature_range");
    if (!range.ok()) return range.status();
    auto r = Doubles(**range, "feature_range");
    if (!r.ok()) return Annotate(est, r.status());
    if (r->size() != 2) return Error(est, "feature_range must be a (min, max) pair");
    stage.clip_min = (*r)[0];
    stage.clip_max = (*r)[1];
  }
  Push(est, std::move(stage), stages);
  return absl::OkStatus();
}

absl::Status ConvertSimpleImputer(const Object& est, std::vector<Stage>* stages,
                                  std::vector<std::string>* chain) {
  auto add_indicator = BoolOr(est, "add_indicator", false);
  if (!add_indicator.ok()) return add_indicator.status();
  if (*add_indicator) {
    return Error(est,
                 "add_indicator=True is not supported; add the missing-value indicator "
                 "columns upstream or train without it");
  }
  SimpleImputerStage stage;
  auto statistics = Need(est, "statistics_");
  if (!statistics.ok()) return statistics.status();
  auto values = ToValues(**statistics, "statistics_");
  if (!values.ok()) return Annotate(est, values.status());
  stage.statistics = std::move(*values);

  auto strategy = StringOr(est, "strategy", "mean");
  if (!strategy.ok()) return strategy.status();
  auto keep_empty = BoolOr(est, "keep_empty_features", false);
  if (!keep_empty.ok()) return keep_empty.status();
  if (*strategy == "constant" || *keep_empty) {
    // scikit-learn keeps every column here, so a NaN statistic would be imputed as NaN.
    for (const Value& v : stage.statistics) {
      if (IsNaN(v)) {
        return Error(est,
                     "a NaN statistic with strategy='constant' or keep_empty_features="
                     "True is not supported");
      }
    }
  }

  const Object* missing = est.Get("missing_values");
  if (missing == nullptr || missing->IsNone()) {
    stage.missing_is_nan = true;  // None and NaN both mean "absent" for ferry inputs
  } else if (missing->kind == Object::Kind::kFloat && std::isnan(missing->float_value)) {
    stage.missing_is_nan = true;
  } else {
    auto v = ToValue(*missing, "missing_values");
    if (!v.ok()) return Annotate(est, v.status());
    if (IsNaN(*v)) {
      stage.missing_is_nan = true;
    } else {
      stage.missing_is_nan = false;
      stage.missing = std::move(*v);
    }
  }
  Push(est, std::move(stage), stages);
  return absl::OkStatus();
}

absl::Status ConvertOneHotEncoder(const Object& est, std::vector<Stage>* stages,
                                  std::vector<std::string>* chain) {
  OneHotEncoderStage stage;
  auto categories = Need(est, "categories_");
  if (!categories.ok()) return categories.status();
  auto lists = Items(**categories, "categories_");
  if (!lists.ok()) return Annotate(est, lists.status());
  for (const Object* list : *lists) {
    auto values = ToValues(*list, "categories_");
    if (!values.ok()) return Annotate(est, values.status());
    stage.categories.push_back(std::move(*values));
  }

  auto handle_unknown = StringOr(est, "handle_unknown", "error");
  if (!handle_unknown.ok()) return handle_unknown.status();
  bool infrequent = false;
  if (auto enabled = BoolOr(est, "_infrequent_enabled", false); enabled.ok() && *enabled) {
    if (const Object* indices = Optional(est, "_infrequent_indices")) {
      auto items = Items(*indices, "_infrequent_indices");
      if (!items.ok()) return Annotate(est, items.status());
      for (const Object* item : *items) infrequent = infrequent || (item && !item->IsNone());
    }
  }
  if (infrequent) {
    return Error(est,
                 "infrequent category grouping (min_frequency / max_categories) is not "
                 "supported; retrain without them");
  }
  if (*handle_unknown == "ignore" || *handle_unknown == "infrequent_if_exist") {
    stage.ignore_unknown = true;
  } else if (*handle_unknown == "error") {
    stage.ignore_unknown = false;
  } else {
    return Error(est, absl::StrCat("unsupported handle_unknown '", *handle_unknown,
                                   "' (supported: error, ignore, infrequent_if_exist)"));
  }

  stage.drop_index.assign(stage.categories.size(), -1);
  if (const Object* drop = Optional(est, "drop_idx_")) {
    auto values = ToValues(*drop, "drop_idx_");
    if (!values.ok()) return Annotate(est, values.status());
    if (values->size() != stage.categories.size()) {
      return Error(est, absl::StrCat("drop_idx_ has ", values->size(), " entries for ",
                                     stage.categories.size(), " features"));
    }
    for (size_t j = 0; j < values->size(); ++j) {
      const Value& v = (*values)[j];
      if (v.is_null()) continue;
      if (v.kind() != Value::Kind::kInt || v.as_int() < 0 ||
          v.as_int() >= static_cast<int64_t>(stage.categories[j].size())) {
        return Error(
            est, absl::StrCat("drop_idx_[", j, "] = ", v.ToString(), " is not a category index"));
      }
      stage.drop_index[j] = static_cast<int32_t>(v.as_int());
    }
  }
  Push(est, std::move(stage), stages);
  return absl::OkStatus();
}

absl::Status ConvertDictVectorizer(const Object& est, std::vector<Stage>* stages,
                                   std::vector<std::string>* chain) {
  DictVectorizerStage stage;
  auto names = Need(est, "feature_names_");
  if (!names.ok()) return names.status();
  auto strings = ToStrings(**names, "feature_names_");
  if (!strings.ok()) return Annotate(est, strings.status());
  stage.feature_names = std::move(*strings);
  auto separator = StringOr(est, "separator", "=");
  if (!separator.ok()) return separator.status();
  stage.separator = *separator;
  if (!stages->empty()) {
    return Error(est, "a DictVectorizer must be the first step (it takes records as dicts)");
  }
  Push(est, std::move(stage), stages);
  return absl::OkStatus();
}

absl::Status ConvertFunctionTransformer(const Object& est, std::vector<Stage>* stages,
                                        std::vector<std::string>* chain) {
  if (Optional(est, "func") != nullptr) {
    return Error(est,
                 "only the identity FunctionTransformer (func=None) is supported; ferry "
                 "never runs Python functions from a model file");
  }
  return absl::OkStatus();  // identity: no stage
}

}  // namespace ferry::model::sklearn
