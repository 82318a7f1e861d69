// ColumnTransformer -> one ColumnTransformerStage. Branches follow transformers_ (remainder
// included) in order; 'drop' and empty selections make no branch, 'passthrough' a branch
// without stages. Columns (names, ints, negative ints, boolean masks, slices of either) are
// resolved to input indices as scikit-learn's _get_column_indices does, preferring the
// resolved _transformer_to_input_indices when the pickle has it.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/loaders/sklearn/common.h"
#include "model/loaders/sklearn/converters.h"

namespace ferry::model::sklearn {
namespace {

struct InputColumns {
  int64_t count = 0;
  std::vector<std::string> names;  // empty when fitted on an array
};

absl::StatusOr<int32_t> NameIndex(const Object& ct, const InputColumns& in,
                                  const std::string& name) {
  if (in.names.empty()) {
    return Error(ct, absl::StrCat("column '", name,
                                  "' is selected by name but the "
                                  "transformer was fitted without column names"));
  }
  for (size_t i = 0; i < in.names.size(); ++i) {
    if (in.names[i] == name) return static_cast<int32_t>(i);
  }
  return Error(ct, absl::StrCat("column '", name, "' is not among feature_names_in_"));
}

absl::StatusOr<int32_t> IntIndex(const Object& ct, const InputColumns& in, int64_t i) {
  if (i < -in.count || i >= in.count) {
    return Error(
        ct, absl::StrCat("column index ", i, " is out of range for ", in.count, " input columns"));
  }
  return static_cast<int32_t>(i < 0 ? i + in.count : i);
}

// A Python slice over columns: ints (end exclusive, step allowed) or names (end inclusive).
absl::StatusOr<std::vector<int32_t>> SliceIndices(const Object& ct, const InputColumns& in,
                                                  const Object& slice) {
  if (slice.items.size() != 3) return Error(ct, "malformed slice in column selection");
  const Object& start = *slice.items[0];
  const Object& stop = *slice.items[1];
  const Object& step = *slice.items[2];
  std::vector<int32_t> out;
  if (start.kind == Object::Kind::kString || stop.kind == Object::Kind::kString) {
    int64_t b = 0, e = in.count;
    if (!start.IsNone()) {
      auto i = NameIndex(ct, in, start.str);
      if (!i.ok()) return i.status();
      b = *i;
    }
    if (!stop.IsNone()) {
      auto i = NameIndex(ct, in, stop.str);
      if (!i.ok()) return i.status();
      e = *i + 1;
    }
    for (int64_t i = b; i < e; ++i) out.push_back(static_cast<int32_t>(i));
    return out;
  }
  auto bound = [&](const Object& o, int64_t fallback) -> absl::StatusOr<int64_t> {
    if (o.IsNone()) return fallback;
    auto v = o.AsInt("slice bound");
    if (!v.ok()) return Annotate(ct, v.status());
    int64_t x = *v < 0 ? *v + in.count : *v;
    return x < 0 ? 0 : (x > in.count ? in.count : x);
  };
  int64_t s = 1;
  if (!step.IsNone()) {
    auto v = step.AsInt("slice step");
    if (!v.ok()) return Annotate(ct, v.status());
    s = *v;
  }
  if (s <= 0) return Error(ct, "column slices with a non-positive step are not supported");
  auto b = bound(start, 0);
  auto e = bound(stop, in.count);
  if (!b.ok()) return b.status();
  if (!e.ok()) return e.status();
  for (int64_t i = *b; i < *e; i += s) out.push_back(static_cast<int32_t>(i));
  return out;
}

absl::StatusOr<std::vector<int32_t>> ResolveColumns(const Object& ct, const InputColumns& in,
                                                    const Object& spec) {
  if (spec.IsNone()) return std::vector<int32_t>{};
  if (spec.kind == Object::Kind::kInstance && ClassName(spec) == "slice") {
    return SliceIndices(ct, in, spec);
  }
  if (spec.kind == Object::Kind::kString) {
    auto i = NameIndex(ct, in, spec.str);
    if (!i.ok()) return i.status();
    return std::vector<int32_t>{*i};
  }
  auto values = ToValues(spec, "column selection");
  if (!values.ok()) {
    return Error(ct, absl::StrCat("unsupported column selection (", ClassName(spec),
                                  "): use names, integer indices, a boolean mask or a slice"));
  }
  std::vector<int32_t> out;
  bool all_bool = !values->empty();
  for (const Value& v : *values) all_bool = all_bool && v.kind() == Value::Kind::kBool;
  if (all_bool) {
    if (static_cast<int64_t>(values->size()) != in.count) {
      return Error(ct, absl::StrCat("boolean column mask has ", values->size(), " entries for ",
                                    in.count, " input columns"));
    }
    for (size_t i = 0; i < values->size(); ++i) {
      if ((*values)[i].as_bool()) out.push_back(static_cast<int32_t>(i));
    }
    return out;
  }
  for (const Value& v : *values) {
    absl::StatusOr<int32_t> i;
    if (v.is_string()) {
      i = NameIndex(ct, in, v.as_string());
    } else if (v.kind() == Value::Kind::kInt) {
      i = IntIndex(ct, in, v.as_int());
    } else {
      return Error(ct, absl::StrCat("unsupported column selector ", v.ToString()));
    }
    if (!i.ok()) return i.status();
    out.push_back(*i);
  }
  return out;
}

absl::StatusOr<InputColumns> ReadInputColumns(const Object& ct) {
  InputColumns in;
  if (const Object* names = Optional(ct, "feature_names_in_")) {
    auto strings = ToStrings(*names, "feature_names_in_");
    if (!strings.ok()) return Annotate(ct, strings.status());
    in.names = std::move(*strings);
    in.count = static_cast<int64_t>(in.names.size());
  }
  if (Optional(ct, "n_features_in_") != nullptr) {
    auto n = NeedInt(ct, "n_features_in_");
    if (!n.ok()) return n.status();
    in.count = *n;
  } else if (in.count == 0) {
    return Error(ct, "missing attribute 'n_features_in_' (saved by scikit-learn >= 1.0)");
  }
  return in;
}

}  // namespace

absl::Status ConvertColumnTransformer(const Object& est, std::vector<Stage>* stages,
                                      std::vector<std::string>* chain) {
  if (Optional(est, "transformer_weights") != nullptr) {
    return Error(est, "transformer_weights is not supported");
  }
  auto in = ReadInputColumns(est);
  if (!in.ok()) return in.status();
  auto fitted = Need(est, "transformers_");
  if (!fitted.ok()) return fitted.status();
  auto entries = Items(**fitted, "transformers_");
  if (!entries.ok()) return Annotate(est, entries.status());
  const Object* resolved = Optional(est, "_transformer_to_input_indices");

  ColumnTransformerStage stage;
  for (const Object* entry : *entries) {
    if (entry == nullptr || entry->items.size() < 3 ||
        entry->items[0]->kind != Object::Kind::kString) {
      return Error(est, "each entry of transformers_ must be (name, transformer, columns)");
    }
    const std::string& name = entry->items[0]->str;
    const Object& trans = *entry->items[1];
    if (IsString(trans, "drop")) continue;
    absl::StatusOr<std::vector<int32_t>> columns;
    const Object* precomputed = resolved ? resolved->Get(name) : nullptr;
    if (precomputed != nullptr) {
      auto ints = Ints(*precomputed, "_transformer_to_input_indices");
      if (!ints.ok()) return Annotate(est, ints.status());
      std::vector<int32_t> cols;
      for (int64_t i : *ints) {
        auto c = IntIndex(est, *in, i);
        if (!c.ok()) return c.status();
        cols.push_back(*c);
      }
      columns = std::move(cols);
    } else {
      columns = ResolveColumns(est, *in, *entry->items[2]);
    }
    if (!columns.ok()) {
      return absl::Status(columns.status().code(),
                          absl::StrCat("transformer '", name, "': ", columns.status().message()));
    }
    if (columns->empty()) continue;  // scikit-learn skips empty selections
    ColumnBranch branch;
    branch.name = name;
    branch.columns = std::move(*columns);
    if (!IsString(trans, "passthrough")) {
      if (trans.kind == Object::Kind::kString) {
        return Error(est, absl::StrCat("transformer '", name, "' is the string '", trans.str,
                                       "'; expected 'drop', 'passthrough' or a transformer"));
      }
      if (auto s = ConvertTransformerOrPipeline(trans, &branch.stages, chain); !s.ok()) {
        return absl::Status(
            s.code(), absl::StrCat("ColumnTransformer transformer '", name, "': ", s.message()));
      }
    }
    stage.branches.push_back(std::move(branch));
  }
  stages->push_back(Stage{ClassName(est), std::move(stage)});
  return absl::OkStatus();
}

}  // namespace ferry::model::sklearn
