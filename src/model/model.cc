#include "model/model.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "model/estimator.h"
#include "model/link.h"
#include "model/stages.h"

namespace ferry::model {

Model::Model(ModelIR ir) : ir_(std::move(ir)) {}
Model::~Model() = default;

absl::StatusOr<std::unique_ptr<CompiledEstimator>> CompileEstimator(const ModelIR& ir) {
  if (const auto* linear = std::get_if<LinearModel>(&ir.estimator)) return CompileLinear(*linear);
  return CompileTreeEnsemble(std::get<TreeEnsemble>(ir.estimator));
}

absl::StatusOr<std::shared_ptr<const Model>> Model::Compile(ModelIR ir) {
  std::shared_ptr<Model> model(new Model(std::move(ir)));
  const ModelIR& m = model->ir_;
  if (m.num_inputs < 0) return absl::InvalidArgumentError("negative input count");
  if (!m.input_names.empty() && m.input_names.size() != size_t(m.num_inputs)) {
    return absl::InvalidArgumentError(absl::StrCat(m.input_names.size(), " feature names for ",
                                                   m.num_inputs, " inputs"));
  }
  auto estimator = CompileEstimator(m);
  if (!estimator.ok()) return estimator.status();
  model->estimator_ = std::move(*estimator);
  auto stages = CompiledStages::Compile(m);
  if (!stages.ok()) return stages.status();
  model->stages_ = std::move(*stages);
  const int32_t features = model->estimator_->num_features();
  if (model->stages_->num_features() != features) {
    return absl::InvalidArgumentError(
        absl::StrCat("the preprocessing produces ", model->stages_->num_features(),
                     " features but the estimator expects ", features));
  }
  if (m.task == Task::kClassification && m.classes.size() != size_t(m.num_outputs)) {
    return absl::InvalidArgumentError(absl::StrCat("classifier with ", m.classes.size(),
                                                   " classes but ", m.num_outputs, " outputs"));
  }
  auto link = CheckLink(m.link, m.task, model->estimator_->num_raw(), m.num_outputs);
  if (!link.ok()) return link;
  if (const CompactLayout* layout = model->stages_->compact_layout()) {
    model->compact_ = model->estimator_->CompileCompact(*layout);
  }
  return std::shared_ptr<const Model>(std::move(model));
}

int32_t Model::num_features() const { return estimator_->num_features(); }

const char* Model::compact_kind() const { return compact_ ? compact_->kind() : ""; }

Predictions Model::Predict(const RecordBatch& input) const {
  std::vector<std::string> errors = input.errors();
  Predictions out;
  CompactRows compact;
  if (compact_ && stages_->TransformCompact(input, &compact, &errors)) {
    // One-hot rows as a few values per row; the estimator never sees NaN here.
    StartPredictions(input.num_rows(), &out);
    std::vector<double> raw(input.num_rows() * estimator_->num_raw());
    compact_->PredictRaw(compact, raw.data());
    FinishPredictions(raw, &out);
  } else {
    std::vector<double> x;
    stages_->Transform(input, &x, &errors);
    PredictFeatures(x.data(), input.num_rows(), &out);
  }
  for (size_t r = 0; r < errors.size(); ++r) {
    if (!errors[r].empty()) out.errors[r] = std::move(errors[r]);
  }
  return out;
}

void Model::StartPredictions(size_t num_rows, Predictions* out) const {
  const int32_t width = ir_.num_outputs;
  out->num_rows = num_rows;
  out->width = width;
  out->errors.assign(num_rows, std::string());
  out->values.assign(num_rows * width, 0.0);
  if (ir_.task == Task::kClassification) {
    out->label.assign(num_rows, 0);
  } else {
    out->label.clear();
  }
}

void Model::FinishPredictions(const std::vector<double>& raw, Predictions* out) const {
  const int32_t num_raw = estimator_->num_raw();
  const int32_t width = ir_.num_outputs;
  for (size_t r = 0; r < out->num_rows; ++r) {
    const double* row_raw = raw.data() + r * num_raw;
    double* row_out = out->values.data() + r * width;
    ApplyLink(ir_.link, ir_.task, row_raw, num_raw, row_out, width);
    if (ir_.task == Task::kClassification) {
      out->label[r] = PickLabel(ir_.label_rule, row_raw, num_raw, row_out, width);
    }
  }
}

void Model::PredictFeatures(const double* x, size_t num_rows, Predictions* out) const {
  const int32_t features = estimator_->num_features();
  StartPredictions(num_rows, out);
  if (!estimator_->missing_allowed()) {
    for (size_t r = 0; r < num_rows; ++r) {
      for (int32_t j = 0; j < features; ++j) {
        if (std::isnan(x[r * features + j])) {
          std::string name = j < int32_t(ir_.input_names.size()) && ir_.stages.empty()
                                 ? absl::StrCat("'", ir_.input_names[j], "'")
                                 : absl::StrCat(j);
          out->errors[r] = absl::StrCat(
              "feature ", name, " is missing (NaN), and this model (", ir_.library, " ",
              ir_.library_version,
              ") does not accept missing values: fill it in, or put a SimpleImputer before "
              "the estimator");
          break;
        }
      }
    }
  }
  std::vector<double> raw(num_rows * estimator_->num_raw());
  estimator_->PredictRaw(x, num_rows, raw.data());
  FinishPredictions(raw, out);
}

}  // namespace ferry::model
