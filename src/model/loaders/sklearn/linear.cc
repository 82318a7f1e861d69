// Linear models: LinearRegression, Ridge, Lasso, ElasticNet (and their CV variants) and
// LogisticRegression(CV), with scikit-learn 1.2's choice between one-vs-rest and multinomial
// probabilities.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/loaders/sklearn/common.h"
#include "model/loaders/sklearn/converters.h"

namespace ferry::model::sklearn {
namespace {

// coef_ (p) or (t, p) and intercept_ (scalar, (1,) or (t,)) -> LinearModel.
absl::StatusOr<LinearModel> ReadLinear(const Object& est) {
  auto coef_obj = Need(est, "coef_");
  if (!coef_obj.ok()) return coef_obj.status();
  std::vector<int64_t> shape = ShapeOf(**coef_obj);
  if ((*coef_obj)->kind != Object::Kind::kArray || shape.empty() || shape.size() > 2) {
    return Error(est,
                 "coef_ must be a 1-d or 2-d numeric array (sparse coef_ after "
                 "sparsify() is not supported; call densify() before saving)");
  }
  auto coef = Doubles(**coef_obj, "coef_");
  if (!coef.ok()) return Annotate(est, coef.status());
  LinearModel m;
  m.num_outputs = shape.size() == 2 ? static_cast<int32_t>(shape[0]) : 1;
  m.num_features = static_cast<int32_t>(shape.back());
  m.coef = std::move(*coef);

  std::vector<double> intercept;
  if (const Object* b = Optional(est, "intercept_")) {
    auto v = Doubles(*b, "intercept_");
    if (!v.ok()) return Annotate(est, v.status());
    intercept = std::move(*v);
  } else {
    intercept = {0.0};  // fit_intercept=False in some versions stores nothing
  }
  if (intercept.size() == 1 && m.num_outputs > 1) {
    intercept.assign(m.num_outputs, intercept[0]);
  }
  if (static_cast<int32_t>(intercept.size()) != m.num_outputs) {
    return Error(est, absl::StrCat("intercept_ has ", intercept.size(), " values but coef_ has ",
                                   m.num_outputs, " rows"));
  }
  m.intercept = std::move(intercept);
  return m;
}

}  // namespace

absl::Status ConvertLinearRegressor(const Object& est, ModelIR* ir) {
  auto m = ReadLinear(est);
  if (!m.ok()) return m.status();
  ir->task = Task::kRegression;
  ir->link = Link::kIdentity;
  ir->num_outputs = m->num_outputs;
  ir->estimator = std::move(*m);
  return absl::OkStatus();
}

absl::Status ConvertLogisticRegression(const Object& est, ModelIR* ir) {
  if (auto s = ReadClasses(est, ir); !s.ok()) return s;
  auto m = ReadLinear(est);
  if (!m.ok()) return m.status();
  const size_t num_classes = ir->classes.size();
  const bool binary = num_classes == 2;
  if (binary ? m->num_outputs != 1 : m->num_outputs != static_cast<int32_t>(num_classes)) {
    return Error(est,
                 absl::StrCat("coef_ has ", m->num_outputs, " rows for ", num_classes, " classes"));
  }
  auto multi_class = StringOr(est, "multi_class", "auto");
  if (!multi_class.ok()) return multi_class.status();
  auto solver = StringOr(est, "solver", "lbfgs");
  if (!solver.ok()) return solver.status();
  // scikit-learn 1.2 LogisticRegression.predict_proba.
  const bool ovr = *multi_class == "ovr" || *multi_class == "warn" ||
                   (*multi_class == "auto" &&
                    (num_classes <= 2 || *solver == "liblinear" || *solver == "newton-cholesky"));
  if (!ovr && *multi_class != "multinomial" && *multi_class != "auto") {
    return Error(est, absl::StrCat("unsupported multi_class '", *multi_class,
                                   "' (supported: 'auto', 'ovr', 'multinomial')"));
  }
  if (binary) {
    ir->link = ovr ? Link::kSigmoid : Link::kBinarySoftmax;
    ir->label_rule = LabelRule::kRawPositive;
  } else {
    ir->link = ovr ? Link::kOneVsRestNormalize : Link::kSoftmax;
    ir->label_rule = LabelRule::kArgmaxRaw;
  }
  ir->estimator = std::move(*m);
  return absl::OkStatus();
}

}  // namespace ferry::model::sklearn
