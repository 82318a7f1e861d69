// HistGradientBoostingClassifier/Regressor: _predictors (iterations x trees per iteration of
// TreePredictor, whose `nodes` record array is read by field name), _baseline_prediction,
// categorical splits (raw_left_cat_bitsets) and the per-feature known-category bitsets that
// scikit-learn rebuilds from _bin_mapper at predict time (make_known_categories_bitsets).
// Leaf values already include the learning rate.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/loaders/sklearn/common.h"
#include "model/loaders/sklearn/converters.h"

namespace ferry::model::sklearn {
namespace {

constexpr int kBitsetWords = 8;  // 256 categories as 8 x uint32

absl::StatusOr<Link> RegressionLink(const Object& est) {
  auto loss = StringOr(est, "loss", "squared_error");
  if (!loss.ok()) return loss.status();
  for (const char* identity : {"squared_error", "absolute_error", "quantile", "least_squares",
                               "least_absolute_deviation"}) {
    if (*loss == identity) return Link::kIdentity;
  }
  if (*loss == "poisson" || *loss == "gamma") return Link::kExp;
  return Error(est, absl::StrCat("unsupported loss '", *loss,
                                 "' (supported: squared_error, absolute_error, quantile, "
                                 "poisson, gamma)"));
}

// Appends a predictor's raw_left_cat_bitsets to the ensemble; returns the index of the first.
absl::StatusOr<int32_t> AppendBitsets(const Object& est, const Object& predictor,
                                      TreeEnsemble* ens) {
  const int32_t first = static_cast<int32_t>(ens->category_sets.size());
  const Object* bitsets = Optional(predictor, "raw_left_cat_bitsets");
  if (bitsets == nullptr) return first;
  std::vector<int64_t> shape = ShapeOf(*bitsets);
  if (shape.size() != 2 || shape[1] != kBitsetWords) {
    return Error(est, "raw_left_cat_bitsets must be an (n, 8) uint32 array");
  }
  auto words = Ints(*bitsets, "raw_left_cat_bitsets");
  if (!words.ok()) return Annotate(est, words.status());
  for (int64_t i = 0; i < shape[0]; ++i) {
    CategorySet set;
    set.member_goes_left = true;
    for (int w = 0; w < kBitsetWords; ++w) {
      set.bits.push_back(static_cast<uint32_t>((*words)[i * kBitsetWords + w]));
    }
    ens->category_sets.push_back(std::move(set));
  }
  return first;
}

absl::StatusOr<Tree> ReadPredictor(const Object& est, const Object& predictor, int32_t output,
                                   int32_t num_features, TreeEnsemble* ens) {
  auto nodes_obj = Need(predictor, "nodes");
  if (!nodes_obj.ok()) return Annotate(est, nodes_obj.status());
  auto nodes = (*nodes_obj)->AsArray("TreePredictor nodes");
  if (!nodes.ok()) return Annotate(est, nodes.status());
  const NdArray& a = **nodes;
  if (a.dtype.kind != 'V' || a.shape.size() != 1 || a.size() < 1 || a.size() > INT32_MAX) {
    return Error(est, "TreePredictor nodes must be a non-empty 1-d record array");
  }
  const int64_t n = a.size();
  const std::string what = "TreePredictor nodes";
  auto value = FieldDoubles(a, "value", what);
  auto feature = FieldInts(a, "feature_idx", what);
  auto threshold = FieldDoubles(a, "num_threshold", what);
  auto missing_left = FieldInts(a, "missing_go_to_left", what);
  auto left = FieldInts(a, "left", what);
  auto right = FieldInts(a, "right", what);
  auto is_leaf = FieldInts(a, "is_leaf", what);
  for (const absl::Status& s :
       {value.status(), feature.status(), threshold.status(), missing_left.status(), left.status(),
        right.status(), is_leaf.status()}) {
    if (!s.ok()) return Annotate(est, s);
  }
  std::vector<int64_t> is_categorical(n, 0), bitset_idx(n, 0);
  if (HasField(a, "is_categorical")) {
    auto c = FieldInts(a, "is_categorical", what);
    auto b = FieldInts(a, "bitset_idx", what);
    if (!c.ok()) return Annotate(est, c.status());
    if (!b.ok()) return Annotate(est, b.status());
    is_categorical = std::move(*c);
    bitset_idx = std::move(*b);
  }
  auto first_set = AppendBitsets(est, predictor, ens);
  if (!first_set.ok()) return first_set.status();
  const int64_t num_sets = static_cast<int64_t>(ens->category_sets.size()) - *first_set;

  Tree t;
  t.left_child.resize(n);
  t.right_child.resize(n);
  t.feature.resize(n);
  t.threshold = std::move(*threshold);
  t.missing_left.resize(n);
  t.category_set.assign(n, -1);
  t.leaf_value = std::move(*value);
  t.output = output;
  for (int64_t i = 0; i < n; ++i) {
    if ((*is_leaf)[i] != 0) {
      t.left_child[i] = t.right_child[i] = -1;
      t.feature[i] = 0;
      t.missing_left[i] = 0;
      continue;
    }
    const int64_t l = (*left)[i], r = (*right)[i], f = (*feature)[i];
    if (l <= i || r <= i || l >= n || r >= n || f < 0 || f >= num_features) {
      return Error(est, absl::StrCat("TreePredictor node ", i, " is invalid (children ", l, ", ", r,
                                     ", feature ", f, ")"));
    }
    t.left_child[i] = static_cast<int32_t>(l);
    t.right_child[i] = static_cast<int32_t>(r);
    t.feature[i] = static_cast<int32_t>(f);
    t.missing_left[i] = (*missing_left)[i] != 0 ? 1 : 0;
    if (is_categorical[i] != 0) {
      if (bitset_idx[i] < 0 || bitset_idx[i] >= num_sets) {
        return Error(est, absl::StrCat("TreePredictor node ", i, " refers to category bitset ",
                                       bitset_idx[i], " of ", num_sets));
      }
      t.category_set[i] = static_cast<int32_t>(*first_set + bitset_idx[i]);
    }
  }
  return t;
}

// make_known_categories_bitsets: for each categorical feature, the raw categories seen in
// training (bin_thresholds_ holds them for categorical features) as a bitset.
absl::Status AddKnownCategories(const Object& est, int32_t num_features, TreeEnsemble* ens) {
  auto mapper = Need(est, "_bin_mapper");
  if (!mapper.ok()) return mapper.status();
  const Object* flags = Optional(est, "is_categorical_");
  if (flags == nullptr) flags = Optional(**mapper, "is_categorical_");
  if (flags == nullptr) return absl::OkStatus();  // no categorical features
  auto is_categorical = Ints(*flags, "is_categorical_");
  if (!is_categorical.ok()) return Annotate(est, is_categorical.status());
  if (static_cast<int32_t>(is_categorical->size()) != num_features) {
    return Error(est, absl::StrCat("is_categorical_ has ", is_categorical->size(), " entries for ",
                                   num_features, " features"));
  }
  bool any = false;
  for (int64_t c : *is_categorical) any = any || c != 0;
  if (!any) return absl::OkStatus();
  auto thresholds = Need(**mapper, "bin_thresholds_");
  if (!thresholds.ok()) return Annotate(est, thresholds.status());
  auto per_feature = Items(**thresholds, "_bin_mapper.bin_thresholds_");
  if (!per_feature.ok()) return Annotate(est, per_feature.status());
  if (static_cast<int32_t>(per_feature->size()) != num_features) {
    return Error(est, "_bin_mapper.bin_thresholds_ does not have one entry per feature");
  }
  ens->known_categories.assign(num_features, -1);
  for (int32_t f = 0; f < num_features; ++f) {
    if ((*is_categorical)[f] == 0) continue;
    auto cats = Doubles(*(*per_feature)[f], "_bin_mapper.bin_thresholds_");
    if (!cats.ok()) return Annotate(est, cats.status());
    CategorySet set;
    set.bits.assign(kBitsetWords, 0);
    for (double c : *cats) {
      if (!(c >= 0 && c < 32 * kBitsetWords)) {
        return Error(est,
                     absl::StrCat("known category ", c, " of feature ", f, " is outside [0, 255]"));
      }
      const auto bit = static_cast<uint32_t>(static_cast<uint8_t>(c));
      set.bits[bit / 32] |= uint32_t{1} << (bit % 32);
    }
    ens->known_categories[f] = static_cast<int32_t>(ens->category_sets.size());
    ens->category_sets.push_back(std::move(set));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ConvertHistGradientBoosting(const Object& est, ModelIR* ir) {
  const bool classifier = ClassName(est) == "HistGradientBoostingClassifier";
  auto per_iteration = NeedInt(est, "n_trees_per_iteration_");
  if (!per_iteration.ok()) return per_iteration.status();
  const int64_t k = *per_iteration;
  if (classifier) {
    if (auto s = ReadClasses(est, ir); !s.ok()) return s;
    const int64_t expected = ir->classes.size() > 2 ? ir->classes.size() : 1;
    if (k != expected) {
      return Error(est, absl::StrCat("n_trees_per_iteration_ is ", k, " for ", ir->classes.size(),
                                     " classes"));
    }
    ir->link = k > 1 ? Link::kSoftmax : Link::kSigmoid;
    ir->label_rule = LabelRule::kArgmaxOutput;
  } else {
    auto link = RegressionLink(est);
    if (!link.ok()) return link.status();
    if (k != 1) return Error(est, "a regressor must have one tree per iteration");
    ir->task = Task::kRegression;
    ir->link = *link;
    ir->num_outputs = 1;
  }

  int64_t num_features = 0;
  for (const char* key : {"_n_features", "n_features_in_"}) {
    if (Optional(est, key) != nullptr) {
      auto n = NeedInt(est, key);
      if (!n.ok()) return n.status();
      num_features = *n;
      break;
    }
  }
  if (num_features <= 0) return Error(est, "missing attribute '_n_features'");

  TreeEnsemble ens;
  ens.num_features = static_cast<int32_t>(num_features);
  ens.num_outputs = static_cast<int32_t>(k);
  ens.leaf_width = 1;
  ens.split_rule = SplitRule::kHistGradientBoosting;
  ens.aggregation = Aggregation::kSum;
  ens.missing_allowed = true;
  auto baseline = Need(est, "_baseline_prediction");
  if (!baseline.ok()) return baseline.status();
  auto base = Doubles(**baseline, "_baseline_prediction");
  if (!base.ok()) return Annotate(est, base.status());
  if (base->size() == 1) base->assign(k, (*base)[0]);
  if (static_cast<int64_t>(base->size()) != k) {
    return Error(est, absl::StrCat("_baseline_prediction has ", base->size(), " values for ", k,
                                   " trees per iteration"));
  }
  ens.base_score = std::move(*base);

  auto predictors = Need(est, "_predictors");
  if (!predictors.ok()) return predictors.status();
  auto iterations = Items(**predictors, "_predictors");
  if (!iterations.ok()) return Annotate(est, iterations.status());
  for (size_t i = 0; i < iterations->size(); ++i) {
    auto trees = Items(*(*iterations)[i], "_predictors[i]");
    if (!trees.ok()) return Annotate(est, trees.status());
    if (static_cast<int64_t>(trees->size()) != k) {
      return Error(
          est, absl::StrCat("_predictors[", i, "] has ", trees->size(), " trees, expected ", k));
    }
    for (int64_t j = 0; j < k; ++j) {
      auto tree = ReadPredictor(est, *(*trees)[j], static_cast<int32_t>(j), ens.num_features, &ens);
      if (!tree.ok()) return tree.status();
      ens.trees.push_back(std::move(*tree));
    }
  }
  if (auto s = AddKnownCategories(est, ens.num_features, &ens); !s.ok()) return s;
  ir->estimator = std::move(ens);
  return absl::OkStatus();
}

}  // namespace ferry::model::sklearn
