// Compact tree kernel for one-hot models (compact_rows.h). A row is a few 4-byte cells: the
// float32 value of each numeric feature, then the active feature index of each one-hot group.
// Nodes are re-encoded from the dense kernel's arrays (tree_arrays.h), same indices and leaves:
//   numeric feature:  right = !(float32(x) <= threshold), the dense rule unchanged;
//   one-hot feature f of group g: x is exactly 1.0 when cell g holds f, else 0.0, so both
//     outcomes of the dense test are computed once here and the node compares indices.
// Rows are a handful of bytes, so the 16-row lockstep walk of the dense kernel reads them from
// L1 whatever the one-hot width. Ensembles with categorical splits are not compiled here.
#include <algorithm>
#include <bit>
#include <memory>
#include <vector>

#include "model/compact_rows.h"
#include "model/tree_arrays.h"

namespace ferry::model {
namespace {

constexpr uint32_t kCellMask = (1u << 28) - 1;
constexpr uint32_t kOneHot = 1u << 29;
constexpr uint32_t kRightIfActive = 1u << 30;
constexpr uint32_t kRightIfInactive = 1u << 31;
constexpr size_t kBlockBytes = 64 * 1024;
constexpr size_t kMaxBlockRows = 4096;

struct CompactNode {
  uint32_t key;   // numeric: the bits of the float32 threshold; one-hot: the feature index
  int32_t left;   // as in the dense arrays: right child = left + 1; leaves point at themselves
  uint32_t meta;  // cell index | kOneHot | kRightIfActive | kRightIfInactive
};

inline int32_t NextNode(const CompactNode& node, const uint32_t* row) {
  const uint32_t cell = row[node.meta & kCellMask];
  const bool numeric_right = !(std::bit_cast<float>(cell) <= std::bit_cast<float>(node.key));
  const bool one_hot_right =
      (node.meta & (cell == node.key ? kRightIfActive : kRightIfInactive)) != 0;
  return node.left + static_cast<int32_t>((node.meta & kOneHot) ? one_hot_right : numeric_right);
}

template <typename Acc>
class CompactTreeKernel final : public CompactEstimator {
 public:
  CompactTreeKernel(const TreeArrays<float, Acc>& arrays, const CompactLayout& layout,
                    std::vector<CompactNode> nodes)
      : a_(arrays),
        num_numeric_(layout.num_numeric()),
        num_groups_(layout.num_groups),
        width_(std::max(1, num_numeric_ + num_groups_)),
        nodes_(std::move(nodes)) {}

  void PredictRaw(const CompactRows& rows, double* raw) const override {
    const size_t num_rows = rows.num_rows;
    const size_t block_rows =
        std::clamp<size_t>(kBlockBytes / (sizeof(uint32_t) * width_), kLockstep, kMaxBlockRows);
    std::vector<uint32_t> cells;
    std::vector<Acc> acc(std::min(block_rows, num_rows) * a_.num_outputs_);
    for (size_t start = 0; start < num_rows; start += block_rows) {
      const size_t n = std::min(block_rows, num_rows - start);
      FillCells(rows, start, n, &cells);
      a_.StartRows(n, acc.data());
      const uint32_t* block = cells.data();
      const CompactNode* nodes = nodes_.data();
      const size_t width = static_cast<size_t>(width_);
      if (n < kLockstep) {
        for (size_t r = 0; r < n; ++r) {
          const uint32_t* row = block + r * width;
          a_.WalkTreesInLockstep(acc.data() + r * a_.num_outputs_,
                                 [&](int32_t i) { return NextNode(nodes[i], row); });
        }
      } else {
        a_.WalkRowsInLockstep(n, acc.data(), [&](int32_t i, size_t r) {
          return NextNode(nodes[i], block + r * width);
        });
      }
      a_.FinishRows(acc.data(), n, raw + start * a_.num_outputs_);
    }
  }

 private:
  void FillCells(const CompactRows& rows, size_t start, size_t n,
                 std::vector<uint32_t>* cells) const {
    cells->assign(n * width_, 0);
    for (size_t r = 0; r < n; ++r) {
      uint32_t* row = cells->data() + r * width_;
      const double* numeric = rows.numeric.data() + (start + r) * num_numeric_;
      const int32_t* active = rows.active.data() + (start + r) * num_groups_;
      for (int32_t s = 0; s < num_numeric_; ++s) {
        row[s] = std::bit_cast<uint32_t>(static_cast<float>(numeric[s]));
      }
      for (int32_t g = 0; g < num_groups_; ++g) {
        row[num_numeric_ + g] = static_cast<uint32_t>(active[g]);
      }
    }
  }

  const TreeArrays<float, Acc>& a_;
  const int32_t num_numeric_;
  const int32_t num_groups_;
  const int32_t width_;  // cells per row (at least 1, which leaves read)
  const std::vector<CompactNode> nodes_;
};

}  // namespace

template <typename Acc>
std::unique_ptr<CompactEstimator> CompileCompactTrees(const TreeArrays<float, Acc>& arrays,
                                                      const CompactLayout& layout) {
  if (arrays.has_categorical_ || layout.num_features != arrays.num_features_ ||
      static_cast<uint32_t>(layout.num_numeric() + layout.num_groups) > kCellMask) {
    return nullptr;
  }
  std::vector<CompactNode> nodes;
  nodes.reserve(arrays.nodes_.size());
  for (const Node<float>& node : arrays.nodes_) {
    if (node.meta & kLeaf) {
      nodes.push_back(CompactNode{0, node.left, kOneHot});  // both outcomes: left, to itself
      continue;
    }
    const int32_t f = static_cast<int32_t>(node.meta & kFeatureMask);
    const int32_t group = layout.group_of_feature[f];
    if (group < 0) {
      const int32_t slot = layout.slot_of_feature[f];
      if (slot < 0) return nullptr;  // a layout that does not place every feature
      nodes.push_back(CompactNode{std::bit_cast<uint32_t>(node.threshold), node.left,
                                  static_cast<uint32_t>(slot)});
      continue;
    }
    uint32_t meta = static_cast<uint32_t>(layout.num_numeric() + group) | kOneHot;
    if (!(1.0f <= node.threshold)) meta |= kRightIfActive;
    if (!(0.0f <= node.threshold)) meta |= kRightIfInactive;
    nodes.push_back(CompactNode{static_cast<uint32_t>(f), node.left, meta});
  }
  return std::make_unique<CompactTreeKernel<Acc>>(arrays, layout, std::move(nodes));
}

template std::unique_ptr<CompactEstimator> CompileCompactTrees<float>(
    const TreeArrays<float, float>&, const CompactLayout&);
template std::unique_ptr<CompactEstimator> CompileCompactTrees<double>(
    const TreeArrays<float, double>&, const CompactLayout&);

}  // namespace ferry::model
