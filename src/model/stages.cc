#include "model/stages.h"

#include <cmath>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "model/dict_compact.h"
#include "model/onehot_compact.h"
#include "model/stage_plan.h"

namespace ferry::model {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Quote(const Value& v) {
  return v.is_string() ? absl::StrCat("'", v.as_string(), "'") : v.ToString();
}

// Numeric view of a cell: null -> NaN, numbers and bools as is, strings parsed.
bool CellToDouble(const Value& v, double* out) {
  if (v.is_null()) {
    *out = kNaN;
    return true;
  }
  if (auto d = v.ToDouble()) {
    *out = *d;
    return true;
  }
  const std::string& s = v.as_string();
  if (s.empty()) {
    *out = kNaN;
    return true;
  }
  return absl::SimpleAtod(s, out);
}

}  // namespace

void MakeNumeric(FrameColumn& c, Errors& errors) {
  if (c.numeric) return;
  const std::vector<Value>& vals = *c.values;
  c.numbers.resize(vals.size());
  for (size_t r = 0; r < vals.size(); ++r) {
    if (!CellToDouble(vals[r], &c.numbers[r])) {
      if (errors[r].empty()) {
        errors[r] = absl::StrCat("column '", std::string(c.name), "': ", Quote(vals[r]),
                                 " is not a number");
      }
      c.numbers[r] = 0;
    }
  }
  c.numeric = true;
  c.values = nullptr;
  c.owned.reset();
}

namespace {

FrameColumn NumericColumn(std::string_view name, size_t rows, double fill = 0) {
  FrameColumn c;
  c.name = name;
  c.numeric = true;
  c.numbers.assign(rows, fill);
  return c;
}

}  // namespace

int32_t CategoryIndex::Find(const Value& v) const {
  if (v.is_null()) return null_index;
  if (v.is_string()) {
    auto it = by_string.find(v.as_string());
    if (it != by_string.end()) return it->second;
    double d;
    if (!by_number.empty() && absl::SimpleAtod(v.as_string(), &d)) return FindNumber(d);
    return -1;
  }
  double d = *v.ToDouble();
  int32_t i = FindNumber(d);
  if (i < 0 && !by_string.empty()) {
    auto it = by_string.find(v.ToString());
    if (it != by_string.end()) return it->second;
    if (v.kind() == Value::Kind::kFloat && d == std::floor(d) && std::fabs(d) < 1e15) {
      it = by_string.find(std::to_string(static_cast<int64_t>(d)));
      if (it != by_string.end()) return it->second;
    }
  }
  return i;
}

int32_t CategoryIndex::FindNumber(double d) const {
  if (std::isnan(d)) return null_index;
  auto it = by_number.find(d == 0 ? 0.0 : d);
  return it == by_number.end() ? -1 : it->second;
}

namespace {

absl::StatusOr<std::unique_ptr<StagePlan>> Plan(const Stage& stage, int32_t in_width);

absl::StatusOr<std::vector<std::unique_ptr<StagePlan>>> PlanChain(const std::vector<Stage>& stages,
                                                                  int32_t in_width,
                                                                  int32_t* out_width) {
  std::vector<std::unique_ptr<StagePlan>> plans;
  int32_t width = in_width;
  for (const Stage& s : stages) {
    auto p = Plan(s, width);
    if (!p.ok()) return p.status();
    width = (*p)->out_width;
    plans.push_back(std::move(*p));
  }
  *out_width = width;
  return plans;
}

absl::Status WidthError(const Stage& s, size_t have, int32_t in_width) {
  return absl::InvalidArgumentError(absl::StrCat(s.class_name, ": fitted on ", have,
                                                 " columns but receives ", in_width));
}

absl::StatusOr<std::unique_ptr<StagePlan>> Plan(const Stage& stage, int32_t in_width) {
  auto p = std::make_unique<StagePlan>();
  p->stage = &stage;
  p->in_width = in_width;
  if (const auto* dv = std::get_if<DictVectorizerStage>(&stage.op)) {
    for (size_t i = 0; i < dv->feature_names.size(); ++i) {
      p->vocabulary.emplace(dv->feature_names[i], static_cast<int32_t>(i));
    }
    p->out_width = static_cast<int32_t>(dv->feature_names.size());
  } else if (const auto* ohe = std::get_if<OneHotEncoderStage>(&stage.op)) {
    if (ohe->categories.size() != size_t(in_width)) {
      return WidthError(stage, ohe->categories.size(), in_width);
    }
    if (ohe->drop_index.size() != ohe->categories.size()) {
      return absl::InvalidArgumentError("OneHotEncoder: drop index per column missing");
    }
    p->categories.resize(in_width);
    p->category_names.resize(in_width);
    for (int32_t j = 0; j < in_width; ++j) {
      CategoryIndex& index = p->categories[j];
      const auto& cats = ohe->categories[j];
      for (size_t i = 0; i < cats.size(); ++i) {
        p->category_names[j].push_back(absl::StrCat("category ", cats[i].ToString()));
        const Value& c = cats[i];
        int32_t id = static_cast<int32_t>(i);
        if (c.is_null() || (c.kind() == Value::Kind::kFloat && std::isnan(c.as_float()))) {
          index.null_index = id;
        } else if (c.is_string()) {
          index.by_string.emplace(c.as_string(), id);
        } else {
          double d = *c.ToDouble();
          index.by_number.emplace(d == 0 ? 0.0 : d, id);
        }
      }
      p->out_width += static_cast<int32_t>(cats.size()) - (ohe->drop_index[j] >= 0 ? 1 : 0);
    }
  } else if (const auto* ss = std::get_if<StandardScalerStage>(&stage.op)) {
    size_t n = !ss->mean.empty() ? ss->mean.size() : ss->scale.size();
    if ((n != 0 && n != size_t(in_width)) ||
        (!ss->mean.empty() && !ss->scale.empty() && ss->mean.size() != ss->scale.size())) {
      return WidthError(stage, n, in_width);
    }
    p->out_width = in_width;
  } else if (const auto* mm = std::get_if<MinMaxScalerStage>(&stage.op)) {
    if (mm->scale.size() != size_t(in_width) || mm->min.size() != size_t(in_width)) {
      return WidthError(stage, mm->scale.size(), in_width);
    }
    p->out_width = in_width;
  } else if (const auto* imp = std::get_if<SimpleImputerStage>(&stage.op)) {
    if (imp->statistics.size() != size_t(in_width)) {
      return WidthError(stage, imp->statistics.size(), in_width);
    }
    for (const Value& s : imp->statistics) {
      bool nan = s.kind() == Value::Kind::kFloat && std::isnan(s.as_float());
      p->keep.push_back(!nan);
      p->out_width += nan ? 0 : 1;
    }
  } else if (const auto* ct = std::get_if<ColumnTransformerStage>(&stage.op)) {
    for (const ColumnBranch& b : ct->branches) {
      for (int32_t c : b.columns) {
        if (c < 0 || c >= in_width) {
          return absl::InvalidArgumentError(absl::StrCat("ColumnTransformer branch '", b.name,
                                                         "': column ", c, " out of range"));
        }
      }
      int32_t w = 0;
      auto chain = PlanChain(b.stages, static_cast<int32_t>(b.columns.size()), &w);
      if (!chain.ok()) {
        return absl::Status(chain.status().code(),
                            absl::StrCat("ColumnTransformer branch '", b.name, "': ",
                                         chain.status().message()));
      }
      p->branches.push_back(std::move(*chain));
      p->out_width += w;
    }
  }
  return p;
}

}  // namespace

int32_t StagePlan::OneHotOutput(size_t j, const FrameColumn& in, size_t r,
                                Errors& errors) const {
  const auto& ohe = std::get<OneHotEncoderStage>(stage->op);
  Value cell = in.numeric ? (std::isnan(in.numbers[r]) ? Value::Null()
                                                       : Value::Float(in.numbers[r]))
                          : (*in.values)[r];
  const int32_t id = categories[j].Find(cell);
  const int32_t drop = ohe.drop_index[j];
  if (id < 0) {
    if (!ohe.ignore_unknown && errors[r].empty()) {
      errors[r] = absl::StrCat("column '", std::string(in.name), "': unknown category ",
                               Quote(cell),
                               " (the encoder was fitted with handle_unknown='error')");
    }
    return -1;
  }
  if (id == drop) return -1;
  return drop >= 0 && id > drop ? id - 1 : id;
}

void StagePlan::Apply(Frame& frame, Errors& errors, size_t rows) const {
  const Stage& s = *stage;
  if (const auto* ohe = std::get_if<OneHotEncoderStage>(&s.op)) {
    Frame out;
    for (size_t j = 0; j < frame.size(); ++j) {
      const FrameColumn& in = frame[j];
      const auto& cats = ohe->categories[j];
      const int32_t drop = ohe->drop_index[j];
      size_t first = out.size();
      for (size_t i = 0; i < cats.size(); ++i) {
        if (static_cast<int32_t>(i) == drop) continue;
        out.push_back(NumericColumn(category_names[j][i], rows));
      }
      for (size_t r = 0; r < rows; ++r) {
        const int32_t k = OneHotOutput(j, in, r, errors);
        if (k >= 0) out[first + k].numbers[r] = 1.0;
      }
    }
    frame = std::move(out);
  } else if (const auto* ss = std::get_if<StandardScalerStage>(&s.op)) {
    for (size_t j = 0; j < frame.size(); ++j) {
      MakeNumeric(frame[j], errors);
      for (double& v : frame[j].numbers) {
        if (!ss->mean.empty()) v -= ss->mean[j];
        if (!ss->scale.empty()) v /= ss->scale[j];
      }
    }
  } else if (const auto* mm = std::get_if<MinMaxScalerStage>(&s.op)) {
    for (size_t j = 0; j < frame.size(); ++j) {
      MakeNumeric(frame[j], errors);
      for (double& v : frame[j].numbers) {
        v *= mm->scale[j];
        v += mm->min[j];
        if (mm->clip) v = std::min(std::max(v, mm->clip_min), mm->clip_max);
      }
    }
  } else if (const auto* imp = std::get_if<SimpleImputerStage>(&s.op)) {
    Frame out;
    for (size_t j = 0; j < frame.size(); ++j) {
      if (!keep[j]) continue;
      FrameColumn& c = frame[j];
      const Value& stat = imp->statistics[j];
      std::optional<double> stat_number = stat.ToDouble();
      if (stat_number && (c.numeric || imp->missing_is_nan || imp->missing.is_number())) {
        MakeNumeric(c, errors);
        std::optional<double> marker = imp->missing.ToDouble();
        for (double& v : c.numbers) {
          bool missing = imp->missing_is_nan ? std::isnan(v) : (marker && v == *marker);
          if (missing) v = *stat_number;
        }
      } else {
        auto owned = std::make_shared<std::vector<Value>>();
        owned->reserve(rows);
        for (size_t r = 0; r < rows; ++r) {
          Value cell = c.numeric ? (std::isnan(c.numbers[r]) ? Value::Null()
                                                             : Value::Float(c.numbers[r]))
                                 : (*c.values)[r];
          bool missing = imp->missing_is_nan
                             ? (cell.is_null() || (cell.kind() == Value::Kind::kFloat &&
                                                   std::isnan(cell.as_float())))
                             : cell == imp->missing;
          owned->push_back(missing ? stat : std::move(cell));
        }
        c.numeric = false;
        c.numbers.clear();
        c.owned = owned;
        c.values = owned.get();
      }
      out.push_back(std::move(c));
    }
    frame = std::move(out);
  } else if (const auto* ct = std::get_if<ColumnTransformerStage>(&s.op)) {
    Frame out;
    for (size_t b = 0; b < ct->branches.size(); ++b) {
      Frame sub;
      for (int32_t c : ct->branches[b].columns) sub.push_back(frame[c]);
      for (const auto& plan : branches[b]) plan->Apply(sub, errors, rows);
      for (FrameColumn& c : sub) out.push_back(std::move(c));
    }
    frame = std::move(out);
  }
  // DictVectorizer is applied when the frame is built (CompiledStages::Transform).
}

CompiledStages::~CompiledStages() = default;

absl::StatusOr<std::unique_ptr<CompiledStages>> CompiledStages::Compile(const ModelIR& ir) {
  std::unique_ptr<CompiledStages> cs(new CompiledStages());
  cs->ir_ = &ir;
  int32_t width = ir.num_inputs;
  for (size_t i = 0; i < ir.stages.size(); ++i) {
    const Stage& s = ir.stages[i];
    if (std::holds_alternative<DictVectorizerStage>(s.op) && i != 0) {
      return absl::InvalidArgumentError("DictVectorizer must be the first preprocessing step");
    }
    auto p = Plan(s, width);
    if (!p.ok()) return p.status();
    width = (*p)->out_width;
    cs->plans_.push_back(std::move(*p));
  }
  if (ir.dict_input &&
      (ir.stages.empty() || !std::holds_alternative<DictVectorizerStage>(ir.stages[0].op))) {
    return absl::InvalidArgumentError("a model with dict input must start with a DictVectorizer");
  }
  cs->num_features_ = width;
  if (ir.dict_input && ir.stages.size() == 1) {
    cs->dict_compact_ = DictCompactEncoder::Build(std::get<DictVectorizerStage>(ir.stages[0].op));
  } else if (!ir.dict_input) {
    cs->onehot_compact_ = OneHotCompactEncoder::Build(cs->plans_, ir.num_inputs);
  }
  for (int32_t j = 0; j < ir.num_inputs; ++j) {
    cs->positional_names_.push_back(absl::StrCat("column ", j + 1));
  }
  return cs;
}

namespace {

// Calls set(row, feature, value) for every record cell the DictVectorizer maps to a feature:
// a number of key k sets feature k, a string s sets feature "k<separator>s" to 1.
template <typename SetFeature>
void ForEachDictFeature(const RecordBatch& input, const StagePlan& dv_plan, SetFeature set) {
  const auto& dv = std::get<DictVectorizerStage>(dv_plan.stage->op);
  std::string key;
  for (const Column& col : input.columns()) {
    auto numeric = dv_plan.vocabulary.find(col.name);
    for (size_t r = 0; r < input.num_rows(); ++r) {
      const Value& v = col.values[r];
      if (v.is_null()) continue;
      if (v.is_string()) {
        key.assign(col.name).append(dv.separator).append(v.as_string());
        auto it = dv_plan.vocabulary.find(key);
        if (it != dv_plan.vocabulary.end()) set(r, it->second, 1.0);
      } else if (numeric != dv_plan.vocabulary.end()) {
        set(r, numeric->second, *v.ToDouble());
      }
    }
  }
}

}  // namespace

void CompiledStages::DictVectorize(const RecordBatch& input, std::vector<double>* x) const {
  const size_t width = static_cast<size_t>(plans_[0]->out_width);
  x->assign(input.num_rows() * width, 0.0);
  ForEachDictFeature(input, *plans_[0], [&](size_t r, int32_t j, double v) {
    (*x)[r * width + j] = v;
  });
}

Frame InputFrame(const ModelIR& ir, const std::vector<std::string>& positional_names,
                 const RecordBatch& input, Errors& errors) {
  const size_t rows = input.num_rows();
  Frame frame;
  const int32_t n = ir.num_inputs;
  const bool by_name = !ir.input_names.empty();
  if (!by_name && input.num_columns() != size_t(n)) {
    std::string msg = absl::StrCat("expected ", n, " input columns, got ",
                                   input.num_columns(),
                                   " (this model has no feature names, so columns are taken "
                                   "by position)");
    for (auto& e : errors) {
      if (e.empty()) e = msg;
    }
  }
  static const std::vector<Value>* const kEmpty = new std::vector<Value>();
  for (int32_t j = 0; j < n; ++j) {
    FrameColumn c;
    int idx = by_name ? input.FindColumn(ir.input_names[j])
                      : (size_t(j) < input.num_columns() ? j : -1);
    c.name = by_name ? std::string_view(ir.input_names[j])
                     : (idx >= 0 ? std::string_view(input.column(idx).name)
                                 : std::string_view(positional_names[j]));
    if (idx < 0) {
      for (auto& e : errors) {
        if (e.empty()) e = absl::StrCat("missing column '", std::string(c.name), "'");
      }
      c = NumericColumn(c.name, rows);
    } else {
      c.values = &input.column(idx).values;
    }
    if (c.values == nullptr && !c.numeric) c.values = kEmpty;
    frame.push_back(std::move(c));
  }
  return frame;
}

void CompiledStages::Transform(const RecordBatch& input, std::vector<double>* x,
                               Errors* errors) const {
  const size_t rows = input.num_rows();
  Frame frame;
  size_t first_plan = 0;
  if (ir_->dict_input && plans_.size() == 1) {
    // DictVectorizer straight into the matrix (Pipeline(DictVectorizer, estimator)).
    DictVectorize(input, x);
    return;
  }
  if (ir_->dict_input) {
    // DictVectorizer: every column of the batch is a key of the record's dict.
    const StagePlan& dv_plan = *plans_[0];
    const auto& dv = std::get<DictVectorizerStage>(dv_plan.stage->op);
    for (int32_t j = 0; j < dv_plan.out_width; ++j) {
      frame.push_back(NumericColumn(dv.feature_names[j], rows));
    }
    ForEachDictFeature(input, dv_plan,
                       [&](size_t r, int32_t j, double v) { frame[j].numbers[r] = v; });
    first_plan = 1;
  } else {
    frame = InputFrame(*ir_, positional_names_, input, *errors);
  }
  for (size_t i = first_plan; i < plans_.size(); ++i) plans_[i]->Apply(frame, *errors, rows);
  const size_t width = frame.size();
  x->assign(rows * width, 0.0);
  for (size_t j = 0; j < width; ++j) {
    MakeNumeric(frame[j], *errors);
    const std::vector<double>& col = frame[j].numbers;
    for (size_t r = 0; r < rows; ++r) (*x)[r * width + j] = col[r];
  }
}

const CompactLayout* CompiledStages::compact_layout() const {
  if (dict_compact_) return &dict_compact_->layout();
  return onehot_compact_ ? &onehot_compact_->layout() : nullptr;
}

bool CompiledStages::TransformCompact(const RecordBatch& input, CompactRows* rows,
                                      Errors* errors) const {
  if (dict_compact_) return dict_compact_->Encode(input, rows);
  if (!onehot_compact_) return false;
  Errors local = *errors;
  Frame frame = InputFrame(*ir_, positional_names_, input, local);
  if (!onehot_compact_->Encode(frame, input.num_rows(), rows, &local)) return false;
  *errors = std::move(local);
  return true;
}

}  // namespace ferry::model
