// The compiled arrays of a tree ensemble (internal to src/model): nodes whose two children are
// adjacent (right = left + 1), pairs placed depth-first, leaves that loop onto themselves, and
// leaf values.
// Built once by CompileTreeEnsemble (tree_kernel.cc), then read-only; the dense kernel
// (tree_kernel.cc) and the compact one-hot kernel (tree_compact.cc) both walk them.
#ifndef FERRY_MODEL_TREE_ARRAYS_H_
#define FERRY_MODEL_TREE_ARRAYS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/compact_rows.h"
#include "model/ir.h"

namespace ferry::model {

inline constexpr uint32_t kFeatureMask = (1u << 28) - 1;
inline constexpr uint32_t kCategorical = 1u << 29;
inline constexpr uint32_t kMissingLeft = 1u << 30;
inline constexpr uint32_t kLeaf = 1u << 31;
inline constexpr size_t kLockstep = 16;   // rows walked together (by default)
inline constexpr size_t kTreeLanes = 32;  // trees one row walks together

template <typename T>
struct Node {
  T threshold;    // go left when x <= threshold (each library's rule folded in)
  int32_t left;   // index of the left child (the right child is left + 1); leaves: itself
  uint32_t meta;  // feature index | kCategorical | kMissingLeft | kLeaf
};

template <typename T, typename Acc>
struct TreeArrays {
  int32_t num_features_ = 0;
  int32_t num_outputs_ = 1;
  int32_t leaf_width_ = 1;
  bool mean_ = false;
  bool missing_allowed_ = true;
  bool has_categorical_ = false;
  SplitRule rule_ = SplitRule::kSklearnTree;
  std::vector<double> base_;
  std::vector<Acc> base_acc_;  // starting accumulator: base for sums, 0 for means
  std::vector<Node<T>> nodes_;
  std::vector<int32_t> roots_;
  std::vector<int32_t> outputs_;    // per tree (leaf_width 1)
  std::vector<int32_t> depths_;     // per tree: edges on the longest root-to-leaf path
  std::vector<int32_t> leaf_slot_;  // per node: its leaf index (leaves only)
  std::vector<Acc> leaves_;         // leaf index * leaf_width

  // acc[0..n * num_outputs) = the starting accumulator of each row.
  void StartRows(size_t n, Acc* acc) const {
    for (size_t r = 0; r < n; ++r) {
      for (int32_t k = 0; k < num_outputs_; ++k) acc[r * num_outputs_ + k] = base_acc_[k];
    }
  }

  void AddLeaf(int32_t leaf, int32_t out, Acc* row_acc) const {
    if (leaf_width_ == 1) {
      row_acc[out] += leaves_[leaf];
    } else {
      const Acc* v = leaves_.data() + static_cast<size_t>(leaf) * leaf_width_;
      for (int32_t k = 0; k < leaf_width_; ++k) row_acc[k] += v[k];
    }
  }

  // Walks rows 0..n-1 through every tree, kLanes rows at a time for the tree's depth (then
  // 16, 8, 4, 2 and 1 at a time): leaves loop onto themselves, so every row ends on its leaf
  // and the independent load chains overlap in the memory system. next(node, r0, g) is the
  // child row r0 + g goes to; r0 % kLanes + g < kLanes (g a constant in the unrolled loops).
  template <size_t kLanes = kLockstep, typename Next>
  void WalkRowsInLockstep(size_t n, Acc* acc, Next next) const {
    static_assert(kLanes % kLockstep == 0 && kLanes <= 32);
    for (size_t t = 0; t < roots_.size(); ++t) {
      size_t r = 0;
      for (; r + kLanes <= n; r += kLanes) WalkRows<kLanes>(t, r, acc, next);
      if constexpr (kLanes > kLockstep) {
        if (r + kLockstep <= n) WalkRows<kLockstep>(t, r, acc, next), r += kLockstep;
      }
      if (r + 8 <= n) WalkRows<8>(t, r, acc, next), r += 8;
      if (r + 4 <= n) WalkRows<4>(t, r, acc, next), r += 4;
      if (r + 2 <= n) WalkRows<2>(t, r, acc, next), r += 2;
      if (r < n) WalkRows<1>(t, r, acc, next);
    }
  }

  // One row through every tree, kTreeLanes trees at a time (then 16, 8, 4, 2 and 1), leaves
  // added in tree order (for batches of a few rows). next(node) is the child the row goes to.
  template <typename Next>
  void WalkTreesInLockstep(Acc* row_acc, Next next) const {
    const size_t num_trees = roots_.size();
    size_t t = 0;
    for (; t + kTreeLanes <= num_trees; t += kTreeLanes) WalkTrees<kTreeLanes>(t, row_acc, next);
    if (t + 16 <= num_trees) WalkTrees<16>(t, row_acc, next), t += 16;
    if (t + 8 <= num_trees) WalkTrees<8>(t, row_acc, next), t += 8;
    if (t + 4 <= num_trees) WalkTrees<4>(t, row_acc, next), t += 4;
    if (t + 2 <= num_trees) WalkTrees<2>(t, row_acc, next), t += 2;
    if (t < num_trees) WalkTrees<1>(t, row_acc, next);
  }

  // Rows r0..r0 + kN - 1 through tree t, in lockstep.
  template <size_t kN, typename Next>
  void WalkRows(size_t t, size_t r0, Acc* acc, Next& next) const {
    int32_t idx[kN];
    for (size_t g = 0; g < kN; ++g) idx[g] = roots_[t];
    for (int32_t d = 0; d < depths_[t]; ++d) {
      // Unrolled, so the chains stay in registers and overlap.
#pragma GCC unroll 32
      for (size_t g = 0; g < kN; ++g) idx[g] = next(idx[g], r0, g);
    }
    for (size_t g = 0; g < kN; ++g) {
      AddLeaf(leaf_slot_[idx[g]], outputs_[t], acc + (r0 + g) * num_outputs_);
    }
  }

  // One row through trees t..t + kN - 1, in lockstep for the deepest one's depth.
  template <size_t kN, typename Next>
  void WalkTrees(size_t t, Acc* row_acc, Next& next) const {
    int32_t idx[kN];
    int32_t depth = 0;
    for (size_t g = 0; g < kN; ++g) {
      idx[g] = roots_[t + g];
      depth = std::max(depth, depths_[t + g]);
    }
    for (int32_t d = 0; d < depth; ++d) {
#pragma GCC unroll 32
      for (size_t g = 0; g < kN; ++g) idx[g] = next(idx[g]);
    }
    for (size_t g = 0; g < kN; ++g) AddLeaf(leaf_slot_[idx[g]], outputs_[t + g], row_acc);
  }

  // raw[0..n * num_outputs) from the accumulated leaves (the mean of a forest, the sum else).
  void FinishRows(const Acc* acc, size_t n, double* raw) const {
    for (size_t r = 0; r < n; ++r) {
      for (int32_t k = 0; k < num_outputs_; ++k) {
        double v = static_cast<double>(acc[r * num_outputs_ + k]);
        if (mean_) v = base_[k] + v / static_cast<double>(roots_.size());
        raw[r * num_outputs_ + k] = v;
      }
    }
  }
};

// The compact kernel (tree_compact.cc) for a float-threshold ensemble, or nullptr when the
// ensemble has categorical splits. Reads `arrays`, which must outlive it.
template <typename Acc>
std::unique_ptr<CompactEstimator> CompileCompactTrees(const TreeArrays<float, Acc>& arrays,
                                                      const CompactLayout& layout);

// Bytes per node of the compact kernel for a forest of num_nodes nodes over rows of row_cells
// cells: 12 when both are small enough to pack, else 16.
size_t CompactNodeBytes(size_t num_nodes, int32_t row_cells);

}  // namespace ferry::model

#endif  // FERRY_MODEL_TREE_ARRAYS_H_
