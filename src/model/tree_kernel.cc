// Tree-ensemble kernel. Trees are re-laid out so that a node's two children are adjacent
// (right = left + 1): the next node is `left + go_right`, computed without a branch. Child pairs
// are placed depth-first (a node's pair, then its left subtree, then its right one), so a walk
// that goes left finds the next pair in the same or the next cache line.
// Nodes are 12 bytes (float thresholds: scikit-learn trees and XGBoost) or 16 bytes (float64
// thresholds: HistGradientBoosting). Rows are scored in blocks: for each tree, every row of
// the block, so the top of each tree stays in cache. Blocks without NaN and ensembles without
// categorical splits take a loop with neither check.
//
// Comparison rules become one float test, exactly equivalent to each library's:
//   scikit-learn trees: float32(x) <= t (t float64)  <=>  float32(x) <= largest float32 <= t
//   XGBoost:            float32(x) <  t (t float32)  <=>  float32(x) <= next float32 below t
//   HistGradientBoosting: x <= t in float64, unchanged.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/estimator.h"
#include "model/tree_arrays.h"

namespace ferry::model {
namespace {

// Rows per block: enough that a tree's hot nodes are reused by many rows while it is in cache,
// few enough that the block's float32 features (kBlockBytes) stay in L2 beside the tree.
constexpr size_t kBlockBytes = 256 * 1024;
constexpr size_t kMinBlockRows = 64;
constexpr size_t kMaxBlockRows = 4096;

// Largest float32 that is <= t (t not NaN).
float FloorToFloat(double t) {
  float f = static_cast<float>(t);
  if (static_cast<double>(f) > t) f = std::nextafter(f, -std::numeric_limits<float>::infinity());
  return f;
}

template <typename T, typename Acc>
class TreeKernel final : public CompiledEstimator, public TreeArrays<T, Acc> {
 public:
  using Arrays = TreeArrays<T, Acc>;
  using Arrays::num_features_, Arrays::num_outputs_, Arrays::leaf_width_, Arrays::mean_,
      Arrays::missing_allowed_, Arrays::has_categorical_, Arrays::rule_, Arrays::nodes_,
      Arrays::roots_, Arrays::outputs_, Arrays::depths_, Arrays::leaf_slot_, Arrays::AddLeaf;

  int32_t num_features() const override { return num_features_; }
  int32_t num_raw() const override { return num_outputs_; }
  bool missing_allowed() const override { return missing_allowed_; }

  void PredictRaw(const double* x, size_t num_rows, double* raw) const override {
    std::vector<T> converted;
    const size_t block_rows = std::clamp<size_t>(
        kBlockBytes / (sizeof(T) * std::max<int32_t>(num_features_, 1)), kMinBlockRows,
        kMaxBlockRows);
    std::vector<Acc> acc(std::min(block_rows, num_rows) * num_outputs_);
    for (size_t start = 0; start < num_rows; start += block_rows) {
      size_t n = std::min(block_rows, num_rows - start);
      const double* block = x + start * num_features_;
      const T* rows;
      bool has_nan = false;
      if constexpr (std::is_same_v<T, double>) {
        rows = block;
        for (size_t i = 0; i < n * num_features_; ++i) has_nan |= std::isnan(block[i]);
      } else {
        converted.resize(n * num_features_);
        for (size_t i = 0; i < n * num_features_; ++i) {
          converted[i] = static_cast<T>(block[i]);
          has_nan |= std::isnan(block[i]);
        }
        rows = converted.data();
      }
      this->StartRows(n, acc.data());
      if (has_nan || has_categorical_) {
        ScoreBlockSlow(rows, n, acc.data());
      } else {
        ScoreBlockFast(rows, n, acc.data());
      }
      this->FinishRows(acc.data(), n, raw + start * num_outputs_);
    }
  }

  std::unique_ptr<CompactEstimator> CompileCompact(const CompactLayout& layout) const override {
    if constexpr (std::is_same_v<T, float>) {
      return CompileCompactTrees<Acc>(*this, layout);
    } else {
      (void)layout;
      return nullptr;  // float64 thresholds (HistGradientBoosting): dense rows only
    }
  }

  // Built by CompileTreeEnsemble (with the arrays of TreeArrays).
  std::vector<int32_t> node_category_set_;  // per node, -1 if numeric (only when categorical)
  std::vector<CategorySet> category_sets_;
  std::vector<int32_t> known_categories_;

 private:
  // The fast path: no NaN, no categorical split (TreeArrays' lockstep walks).
  void ScoreBlockFast(const T* rows, size_t n, Acc* acc) const {
    const Node<T>* nodes = nodes_.data();
    const size_t width = static_cast<size_t>(num_features_);
    if (n < kLockstep) {
      // Few rows (online requests): kTreeLanes trees at a time for each row.
      for (size_t r = 0; r < n; ++r) {
        const T* row = rows + r * width;
        this->WalkTreesInLockstep(acc + r * num_outputs_, [&](int32_t i) {
          const Node<T>& node = nodes[i];
          return node.left + !(row[node.meta & kFeatureMask] <= node.threshold);
        });
      }
      return;
    }
    this->WalkRowsInLockstep(n, acc, [&](int32_t i, size_t r0, size_t g) {
      const Node<T>& node = nodes[i];
      const T x = rows[(r0 + g) * width + (node.meta & kFeatureMask)];
      return node.left + !(x <= node.threshold);
    });
  }

  void ScoreBlockSlow(const T* rows, size_t n, Acc* acc) const {
    for (size_t t = 0; t < roots_.size(); ++t) {
      for (size_t r = 0; r < n; ++r) {
        int32_t i = roots_[t];
        while (!(nodes_[i].meta & kLeaf)) {
          i = nodes_[i].left + (GoesLeft(nodes_[i], i, rows[r * num_features_ +
                                                              (nodes_[i].meta & kFeatureMask)])
                                    ? 0
                                    : 1);
        }
        AddLeaf(leaf_slot_[i], outputs_[t], acc + r * num_outputs_);
      }
    }
  }

  bool GoesLeft(const Node<T>& node, int32_t index, T v) const {
    const bool missing_left = node.meta & kMissingLeft;
    if (std::isnan(v)) return missing_left;
    if (!(node.meta & kCategorical)) return v <= node.threshold;
    const CategorySet& set = category_sets_[node_category_set_[index]];
    const size_t num_bits = set.bits.size() * 32;
    size_t c;
    if (rule_ == SplitRule::kHistGradientBoosting) {
      // scikit-learn casts the raw value to its uint8 bin type.
      if (!(std::fabs(v) < 4e18)) return missing_left;
      c = static_cast<uint8_t>(static_cast<int64_t>(v));
      int32_t known = known_categories_.empty()
                          ? -1
                          : known_categories_[node.meta & kFeatureMask];
      bool in_left = c < num_bits && ((set.bits[c / 32] >> (c % 32)) & 1u);
      if (in_left) return set.member_goes_left;
      if (known >= 0) {
        const CategorySet& k = category_sets_[known];
        bool is_known = c < k.bits.size() * 32 && ((k.bits[c / 32] >> (c % 32)) & 1u);
        if (!is_known) return missing_left;
      }
      return !set.member_goes_left;
    }
    // XGBoost (1.7, checked against the library): negative, fractional-negative and
    // out-of-range categories are non-members (left when members go right), whatever
    // default_left says; only NaN takes the default direction.
    if (v < 0 || v >= static_cast<T>(1 << 24)) return !set.member_goes_left;
    c = static_cast<size_t>(static_cast<int32_t>(v));
    if (c >= num_bits) return !set.member_goes_left;
    bool member = (set.bits[c / 32] >> (c % 32)) & 1u;
    return member ? set.member_goes_left : !set.member_goes_left;
  }
};

absl::Status TreeError(size_t t, int32_t node, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("tree ", t, " node ", node, ": ", what));
}

template <typename T, typename Acc>
absl::StatusOr<std::unique_ptr<CompiledEstimator>> Build(const TreeEnsemble& e) {
  auto k = std::make_unique<TreeKernel<T, Acc>>();
  k->num_features_ = e.num_features;
  k->num_outputs_ = e.num_outputs;
  k->leaf_width_ = e.leaf_width;
  k->mean_ = e.aggregation == Aggregation::kMean;
  k->missing_allowed_ = e.missing_allowed;
  k->rule_ = e.split_rule;
  k->base_ = e.base_score;
  for (int32_t j = 0; j < e.num_outputs; ++j) {
    k->base_acc_.push_back(k->mean_ ? Acc(0) : static_cast<Acc>(e.base_score[j]));
  }
  k->category_sets_ = e.category_sets;
  k->known_categories_ = e.known_categories;
  const bool xgboost = e.split_rule == SplitRule::kXGBoost;
  std::vector<int32_t> pending, new_index, depth_of;
  for (size_t t = 0; t < e.trees.size(); ++t) {
    const Tree& tree = e.trees[t];
    const int32_t n = tree.num_nodes();
    if (n == 0) return TreeError(t, 0, "tree has no nodes");
    if (tree.right_child.size() != size_t(n) || tree.feature.size() != size_t(n) ||
        tree.threshold.size() != size_t(n) || tree.missing_left.size() != size_t(n) ||
        (!tree.category_set.empty() && tree.category_set.size() != size_t(n)) ||
        tree.leaf_value.size() != size_t(n) * e.leaf_width) {
      return TreeError(t, 0, "node arrays have different lengths");
    }
    if (e.leaf_width == 1 && (tree.output < 0 || tree.output >= e.num_outputs)) {
      return TreeError(t, 0, absl::StrCat("output ", tree.output, " out of range"));
    }
    // Depth-first from the root, left subtree first (the last pushed); children must come
    // after their parent, which makes every tree acyclic and every walk finite.
    pending.assign(1, 0);
    new_index.assign(n, -1);
    depth_of.assign(n, 0);
    int32_t max_depth = 0;
    const int32_t base = static_cast<int32_t>(k->nodes_.size());
    new_index[0] = base;
    k->nodes_.resize(base + 1);
    while (!pending.empty()) {
      const int32_t id = pending.back();
      pending.pop_back();
      Node<T>& out = k->nodes_[new_index[id]];
      const int32_t l = tree.left_child[id], r = tree.right_child[id];
      if (l == -1) {
        if (r != -1) return TreeError(t, id, "leaf with a right child");
        const int32_t leaf = static_cast<int32_t>(k->leaves_.size() / e.leaf_width);
        for (int32_t j = 0; j < e.leaf_width; ++j) {
          double v = tree.leaf_value[size_t(id) * e.leaf_width + j];
          if constexpr (std::is_same_v<Acc, float>) {
            k->leaves_.push_back(static_cast<float>(v) * static_cast<float>(tree.weight));
          } else {
            k->leaves_.push_back(v * tree.weight);
          }
        }
        out = Node<T>{std::numeric_limits<T>::infinity(), new_index[id], kLeaf};
        k->leaf_slot_.resize(k->nodes_.size(), -1);
        k->leaf_slot_[new_index[id]] = leaf;
        max_depth = std::max(max_depth, depth_of[id]);
        continue;
      }
      if (l <= id || r <= id || l >= n || r >= n || new_index[l] != -1 || new_index[r] != -1) {
        return TreeError(t, id, absl::StrCat("invalid children ", l, " and ", r));
      }
      const int32_t f = tree.feature[id];
      if (f < 0 || f >= e.num_features) {
        return TreeError(t, id, absl::StrCat("feature ", f, " out of range (the model has ",
                                             e.num_features, " features)"));
      }
      uint32_t meta = static_cast<uint32_t>(f) | (tree.missing_left[id] ? kMissingLeft : 0u);
      const int32_t cat = tree.category_set.empty() ? -1 : tree.category_set[id];
      if (cat >= 0) {
        if (size_t(cat) >= e.category_sets.size()) {
          return TreeError(t, id, absl::StrCat("category set ", cat, " out of range"));
        }
        meta |= kCategorical;
        k->has_categorical_ = true;
      }
      double thr = tree.threshold[id];
      if (std::isnan(thr) && cat < 0) return TreeError(t, id, "threshold is NaN");
      T threshold;
      if constexpr (std::is_same_v<T, float>) {
        if (xgboost) {
          float tf = static_cast<float>(thr);
          threshold = std::nextafter(tf, -std::numeric_limits<float>::infinity());
        } else {
          threshold = FloorToFloat(thr);
        }
      } else {
        threshold = thr;
      }
      const int32_t child = static_cast<int32_t>(k->nodes_.size());
      out = Node<T>{threshold, child, meta};
      new_index[l] = child;
      new_index[r] = child + 1;
      k->node_category_set_.resize(child + 2, -1);
      if (cat >= 0) k->node_category_set_[new_index[id]] = cat;
      k->nodes_.resize(child + 2);
      pending.push_back(r);
      pending.push_back(l);
      depth_of[l] = depth_of[r] = depth_of[id] + 1;
    }
    k->roots_.push_back(base);
    k->depths_.push_back(max_depth);
    k->outputs_.push_back(tree.output);
  }
  k->node_category_set_.resize(k->nodes_.size(), -1);
  k->leaf_slot_.resize(k->nodes_.size(), -1);
  for (int32_t c : e.known_categories) {
    if (c >= static_cast<int32_t>(e.category_sets.size())) {
      return absl::InvalidArgumentError("known categories: set index out of range");
    }
  }
  return std::unique_ptr<CompiledEstimator>(std::move(k));
}

}  // namespace

absl::StatusOr<std::unique_ptr<CompiledEstimator>> CompileTreeEnsemble(const TreeEnsemble& e) {
  if (e.num_features < 0 || e.num_features > static_cast<int32_t>(kFeatureMask)) {
    return absl::InvalidArgumentError(absl::StrCat("tree ensemble: bad feature count ",
                                                   e.num_features));
  }
  if (e.num_outputs < 1 || (e.leaf_width != 1 && e.leaf_width != e.num_outputs)) {
    return absl::InvalidArgumentError("tree ensemble: leaf width must be 1 or the output count");
  }
  if (e.base_score.size() != static_cast<size_t>(e.num_outputs)) {
    return absl::InvalidArgumentError(absl::StrCat("tree ensemble: ", e.base_score.size(),
                                                   " base scores for ", e.num_outputs,
                                                   " outputs"));
  }
  if (e.trees.empty()) return absl::InvalidArgumentError("tree ensemble: no trees");
  if (!e.known_categories.empty() &&
      e.known_categories.size() != static_cast<size_t>(e.num_features)) {
    return absl::InvalidArgumentError("tree ensemble: known categories need one entry per feature");
  }
  switch (e.split_rule) {
    case SplitRule::kHistGradientBoosting:
      return Build<double, double>(e);
    case SplitRule::kXGBoost:
      if (e.float32_sum) return Build<float, float>(e);
      return Build<float, double>(e);
    case SplitRule::kSklearnTree:
    default:
      return Build<float, double>(e);
  }
}

}  // namespace ferry::model
