#include "bundle/bundle.h"

#include <cctype>
#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "bundle/implied_spec.h"
#include "bundle/validate.h"
#include "model/loaders/load.h"
#include "io/json_writer.h"

namespace ferry::bundle {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool SameClass(const Value& a, const Value& b) { return a == b || a.ToString() == b.ToString(); }

}  // namespace

absl::StatusOr<std::shared_ptr<const Bundle>> Bundle::Load(const std::string& dir) {
  std::vector<Problem> problems;
  BundleParts parts = CompileBundleParts(dir, &problems);
  return FromParts(std::move(parts), std::move(problems), absl::StrCat("bundle ", dir));
}

absl::StatusOr<std::shared_ptr<const Bundle>> Bundle::LoadModelFile(const std::string& path,
                                                                   std::string name,
                                                                   std::string version) {
  absl::StatusOr<std::shared_ptr<const model::Model>> model = model::LoadModel(path);
  if (!model.ok()) return model.status();
  std::filesystem::path file(path);
  if (name.empty()) {
    name = file.stem().string();
    for (char& c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') c = '_';
    }
  }
  absl::StatusOr<std::string> text =
      ImpliedSpecText(**model, name, version, file.filename().string());
  if (!text.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", text.status().message()));
  std::string dir = file.has_parent_path() ? file.parent_path().string() : ".";
  std::vector<Problem> problems;
  BundleSpec spec = ParseSpecText(dir, *text, &problems);
  BundleParts parts = CompileSpecParts(std::move(spec), *model, &problems);
  return FromParts(std::move(parts), std::move(problems),
                   absl::StrCat("the bundle implied by model file ", path));
}

absl::StatusOr<std::shared_ptr<const Bundle>> Bundle::FromParts(BundleParts parts,
                                                               std::vector<Problem> problems,
                                                               const std::string& what) {
  CheckModelFit(parts, &problems);
  if (HasErrors(problems)) {
    std::vector<std::string> lines;
    for (const Problem& p : problems) {
      if (!p.warning) lines.push_back(p.ToString());
    }
    return absl::InvalidArgumentError(absl::StrCat(what, " is not valid:\n", absl::StrJoin(lines, "\n")));
  }
  return std::shared_ptr<const Bundle>(new Bundle(std::move(parts)));
}

Bundle::Bundle(BundleParts parts) : parts_(std::move(parts)) {
  const OutputSpec& out = parts_.spec.outputs;
  const auto& classes = parts_.model->classes();
  for (size_t k = 0; k < classes.size(); ++k) {
    int label = -1;
    for (size_t i = 0; i < out.labels.size() && label < 0; ++i) {
      if (SameClass(classes[k], out.labels[i].first)) label = static_cast<int>(i);
    }
    class_of_label_.push_back(label);
    if (out.probability_of_class && SameClass(classes[k], *out.probability_of_class)) {
      probability_of_index_ = static_cast<int>(k);
    }
  }
  for (const auto& [name, value] : out.constants) {
    if (!value.is_string()) {
      constants_.push_back(value);
      continue;
    }
    constants_.push_back(Value::String(absl::StrReplaceAll(
        value.as_string(), {{"{name}", parts_.spec.name}, {"{version}", parts_.spec.version}})));
  }
}

RecordBatch Bundle::FeaturesFrom(const RecordBatch& input, std::vector<ColumnData>* parsed,
                                 ScoreTimings* timings) const {
  size_t n = input.num_rows();
  std::vector<std::string> errors(n);
  int64_t t0 = NowNs();
  *parsed = parts_.inputs->Parse(input, &errors);
  for (size_t r = 0; r < n; ++r) {
    if (!input.ok(r) && errors[r].empty()) errors[r] = input.error(r);  // the reader's error first
  }
  int64_t t1 = NowNs();
  RecordBatch features(n);
  for (const CompiledFeature& f : parts_.features) {
    EvalContext ctx{n, parsed, &errors, f.name};
    ColumnData c = f.expr->Eval(ctx);
    std::vector<Value> values(n);
    for (size_t r = 0; r < n; ++r) values[r] = c.ToValue(r);
    features.AddColumn(f.name, std::move(values));
  }
  for (size_t r = 0; r < n; ++r) {
    if (!input.ok(r)) features.SetError(r, input.error(r));
    if (!errors[r].empty()) features.SetError(r, std::move(errors[r]));
  }
  if (timings != nullptr) {
    timings->inputs_ns += t1 - t0;
    timings->features_ns += NowNs() - t1;
  }
  return features;
}

RecordBatch Bundle::Features(const RecordBatch& input) const {
  std::vector<ColumnData> parsed;
  return FeaturesFrom(input, &parsed, nullptr);
}

ScoredBatch Bundle::Score(const RecordBatch& input, ScoreTimings* timings) const {
  std::vector<ColumnData> parsed;
  RecordBatch features = FeaturesFrom(input, &parsed, timings);
  int64_t t0 = NowNs();
  model::Predictions pred = parts_.model->Predict(features);
  int64_t t1 = NowNs();

  const BundleSpec& spec = parts_.spec;
  const OutputSpec& out = spec.outputs;
  const auto& classes = parts_.model->classes();
  bool classifier = parts_.model->task() == model::Task::kClassification;
  size_t n = input.num_rows();
  ScoredBatch s;
  s.num_rows = n;
  s.errors = pred.errors;
  s.errors.resize(n);
  for (size_t r = 0; r < n; ++r) {
    if (!features.ok(r) && s.errors[r].empty()) s.errors[r] = features.error(r);
  }
  s.field_names.push_back(out.prediction);
  if (out.probability_of_class) s.field_names.push_back(out.probability_of_name);
  std::vector<int> passthrough_input, passthrough_column;
  for (const std::string& p : out.passthrough) {
    s.field_names.push_back(p);
    int declared = -1;
    for (size_t i = 0; i < spec.inputs.size(); ++i) {
      if (spec.inputs[i].name == p) declared = static_cast<int>(i);
    }
    passthrough_input.push_back(declared);
    passthrough_column.push_back(input.FindColumn(p));
  }
  for (const auto& c : out.constants) s.field_names.push_back(c.first);
  if (classifier && out.probabilities) {
    s.probabilities_name = "probabilities";
    for (size_t k = 0; k < classes.size(); ++k) {
      s.class_labels.push_back(class_of_label_[k] >= 0 ? out.labels[class_of_label_[k]].second : classes[k].ToString());
    }
    s.probabilities.assign(n * classes.size(), 0.0);
  }
  s.fields.reserve(n * s.field_names.size());
  for (size_t r = 0; r < n; ++r) {
    bool ok = s.errors[r].empty();
    if (!ok) {
      s.fields.emplace_back();
    } else if (classifier) {
      int k = pred.label[r];
      s.fields.push_back(class_of_label_[k] >= 0 ? Value::String(out.labels[class_of_label_[k]].second) : classes[k]);
    } else {
      s.fields.push_back(Value::Float(pred.value(r, 0)));
    }
    if (out.probability_of_class) {
      s.fields.push_back(ok && probability_of_index_ >= 0 ? Value::Float(pred.value(r, probability_of_index_)) : Value());
    }
    for (size_t i = 0; i < out.passthrough.size(); ++i) {
      int in = passthrough_input[i], col = passthrough_column[i];
      if (in >= 0 && parsed[in].is_valid(r)) {
        s.fields.push_back(parsed[in].ToValue(r));
      } else {
        s.fields.push_back(col >= 0 ? input.column(col).values[r] : Value());
      }
    }
    for (const Value& c : constants_) s.fields.push_back(c);
    if (ok && !s.class_labels.empty()) {
      for (size_t k = 0; k < s.class_labels.size(); ++k) {
        s.probabilities[r * s.class_labels.size() + k] = pred.value(r, static_cast<int32_t>(k));
      }
    }
  }
  if (timings != nullptr) {
    timings->model_ns += t1 - t0;
    timings->outputs_ns += NowNs() - t1;
  }
  return s;
}

std::string ScoredBatch::RowJson(size_t row, int64_t row_number) const {
  std::string line;
  io::JsonWriter w(&line);
  w.BeginObject();
  if (!ok(row)) {
    w.Key("row").Int(row_number).Key("error").String(errors[row]).EndObject();
    return line;
  }
  for (size_t i = 0; i < field_names.size(); ++i) {
    w.Key(field_names[i]).Write(field(row, i));
    if (i == 0 && !probabilities_name.empty()) {
      w.Key(probabilities_name).BeginObject();
      for (size_t k = 0; k < class_labels.size(); ++k) w.Key(class_labels[k]).Double(probability(row, k));
      w.EndObject();
    }
  }
  w.EndObject();
  return line;
}

}  // namespace ferry::bundle
