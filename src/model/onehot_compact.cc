#include "model/onehot_compact.h"

#include <cmath>
#include <numeric>

namespace ferry::model {

namespace {

bool IsOneHot(const StagePlan& p) {
  return std::holds_alternative<OneHotEncoderStage>(p.stage->op);
}

// A chain without one-hot encoding or nested column routing: its outputs are numeric columns.
bool IsNumericChain(const std::vector<std::unique_ptr<StagePlan>>& plans) {
  for (const auto& p : plans) {
    if (!std::holds_alternative<StandardScalerStage>(p->stage->op) &&
        !std::holds_alternative<MinMaxScalerStage>(p->stage->op) &&
        !std::holds_alternative<SimpleImputerStage>(p->stage->op)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::unique_ptr<OneHotCompactEncoder> OneHotCompactEncoder::Build(
    const std::vector<std::unique_ptr<StagePlan>>& plans, int32_t num_inputs) {
  if (plans.size() != 1) return nullptr;
  auto e = std::unique_ptr<OneHotCompactEncoder>(new OneHotCompactEncoder());
  const StagePlan& top = *plans[0];
  if (IsOneHot(top)) {
    Branch b;
    b.columns.resize(num_inputs);
    std::iota(b.columns.begin(), b.columns.end(), 0);
    b.one_hot = &top;
    e->branches_.push_back(std::move(b));
  } else if (const auto* ct = std::get_if<ColumnTransformerStage>(&top.stage->op)) {
    for (size_t i = 0; i < ct->branches.size(); ++i) {
      const auto& chain = top.branches[i];
      Branch b;
      b.columns = ct->branches[i].columns;
      if (chain.size() == 1 && IsOneHot(*chain[0])) {
        b.one_hot = chain[0].get();
      } else if (IsNumericChain(chain)) {
        b.plans = &chain;
      } else {
        return nullptr;
      }
      e->branches_.push_back(std::move(b));
    }
  } else {
    return nullptr;
  }
  CompactLayout& layout = e->layout_;
  int32_t feature = 0;
  for (Branch& b : e->branches_) {
    if (b.one_hot != nullptr) {
      b.first = feature;
      for (size_t j = 0; j < b.columns.size(); ++j) {
        const auto& ohe = std::get<OneHotEncoderStage>(b.one_hot->stage->op);
        const int32_t kept = static_cast<int32_t>(ohe.categories[j].size()) -
                             (ohe.drop_index[j] >= 0 ? 1 : 0);
        b.group.push_back(layout.num_groups);
        b.first_feature.push_back(feature);
        for (int32_t k = 0; k < kept; ++k) {
          layout.group_of_feature.push_back(layout.num_groups);
          layout.slot_of_feature.push_back(-1);
        }
        ++layout.num_groups;
        feature += kept;
      }
    } else {
      const int32_t width = b.plans->empty() ? static_cast<int32_t>(b.columns.size())
                                             : b.plans->back()->out_width;
      b.first = layout.num_numeric();
      for (int32_t k = 0; k < width; ++k) {
        layout.group_of_feature.push_back(-1);
        layout.slot_of_feature.push_back(layout.num_numeric());
        layout.numeric_features.push_back(feature++);
      }
    }
  }
  layout.num_features = feature;
  if (layout.num_groups == 0) return nullptr;
  return e;
}

bool OneHotCompactEncoder::Encode(const Frame& inputs, size_t rows, CompactRows* out,
                                  Errors* errors) const {
  Errors local = *errors;
  const size_t num_numeric = static_cast<size_t>(layout_.num_numeric());
  const size_t num_groups = static_cast<size_t>(layout_.num_groups);
  out->num_rows = rows;
  out->numeric.assign(rows * num_numeric, 0.0);
  out->active.assign(rows * num_groups, -1);
  // As in the dense path: every branch's stages in order, then the numeric conversion of the
  // outputs, so that each row keeps the same first error.
  Frame numeric_outputs;
  for (const Branch& b : branches_) {
    if (b.one_hot != nullptr) {
      for (size_t j = 0; j < b.columns.size(); ++j) {
        const FrameColumn& in = inputs[b.columns[j]];
        int32_t* active = out->active.data() + b.group[j];
        for (size_t r = 0; r < rows; ++r) {
          const int32_t k = b.one_hot->OneHotOutput(j, in, r, local);
          active[r * num_groups] = k >= 0 ? b.first_feature[j] + k : -1;
        }
      }
      continue;
    }
    Frame sub;
    for (int32_t c : b.columns) sub.push_back(inputs[c]);
    for (const auto& plan : *b.plans) plan->Apply(sub, local, rows);
    for (FrameColumn& c : sub) numeric_outputs.push_back(std::move(c));
  }
  for (size_t s = 0; s < numeric_outputs.size(); ++s) {
    MakeNumeric(numeric_outputs[s], local);
    const std::vector<double>& col = numeric_outputs[s].numbers;
    for (size_t r = 0; r < rows; ++r) {
      if (std::isnan(col[r])) return false;
      out->numeric[r * num_numeric + s] = col[r];
    }
  }
  *errors = std::move(local);
  return true;
}

}  // namespace ferry::model
