#include "model/dict_compact.h"

#include <cmath>

namespace ferry::model {

std::unique_ptr<DictCompactEncoder> DictCompactEncoder::Build(const DictVectorizerStage& dv) {
  if (dv.separator.size() != 1) return nullptr;
  auto e = std::unique_ptr<DictCompactEncoder>(new DictCompactEncoder());
  e->separator_ = dv.separator;
  CompactLayout& layout = e->layout_;
  const int32_t n = static_cast<int32_t>(dv.feature_names.size());
  layout.num_features = n;
  layout.group_of_feature.assign(n, -1);
  layout.slot_of_feature.assign(n, -1);
  for (int32_t f = 0; f < n; ++f) {
    const std::string& name = dv.feature_names[f];
    e->vocabulary_.emplace(name, f);
    const size_t sep = name.find(dv.separator[0]);
    if (sep == std::string::npos) {
      layout.slot_of_feature[f] = layout.num_numeric();
      layout.numeric_features.push_back(f);
      continue;
    }
    auto [it, added] = e->group_of_key_.emplace(name.substr(0, sep), layout.num_groups);
    if (added) {
      ++layout.num_groups;
      e->feature_of_value_.emplace_back();
    }
    layout.group_of_feature[f] = it->second;
    e->feature_of_value_[it->second].emplace(name.substr(sep + 1), f);
  }
  if (layout.num_groups == 0) return nullptr;
  return e;
}

bool DictCompactEncoder::Encode(const RecordBatch& input, CompactRows* rows) const {
  const size_t num_rows = input.num_rows();
  const size_t num_numeric = static_cast<size_t>(layout_.num_numeric());
  const size_t num_groups = static_cast<size_t>(layout_.num_groups);
  rows->num_rows = num_rows;
  rows->numeric.assign(num_rows * num_numeric, 0.0);
  rows->active.assign(num_rows * num_groups, -1);
  std::string key;
  for (const Column& col : input.columns()) {
    auto number_feature = vocabulary_.find(col.name);
    const int32_t slot =
        number_feature == vocabulary_.end() ? -1 : layout_.slot_of_feature[number_feature->second];
    auto group_it = group_of_key_.find(col.name);
    const int32_t group = group_it == group_of_key_.end() ? -1 : group_it->second;
    for (size_t r = 0; r < num_rows; ++r) {
      const Value& v = col.values[r];
      if (v.is_null()) continue;
      if (v.is_string()) {
        if (group >= 0) {
          const auto& values = feature_of_value_[group];
          auto it = values.find(v.as_string());
          if (it != values.end()) rows->active[r * num_groups + group] = it->second;
        } else {
          key.assign(col.name).append(separator_).append(v.as_string());
          if (vocabulary_.contains(key)) return false;  // a feature of some other group
        }
      } else if (number_feature != vocabulary_.end()) {
        const double d = *v.ToDouble();
        if (slot < 0 || std::isnan(d)) return false;
        rows->numeric[r * num_numeric + slot] = d;
      }
    }
  }
  return true;
}

}  // namespace ferry::model
