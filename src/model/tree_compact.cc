// Compact tree kernel for one-hot models (compact_rows.h). A row is a few 4-byte cells: each
// numeric feature's float32 value as an order-preserving unsigned key, then the active feature
// index of each one-hot group. Nodes are re-encoded from the dense kernel's arrays
// (tree_arrays.h), same indices and leaves, into one unsigned test: right = cell - lo <= range.
//   numeric feature:  right = !(float32(x) <= t)  <=>  key(x) >= key(t) + 1;
//   one-hot feature f: x is exactly 1.0 when its group's cell holds f, else 0.0, so both
//     outcomes of the dense test are known at compile time: right when the cell is f
//     (0 <= t < 1), always right (t < 0) or always left (t >= 1, and leaves).
// Rows are a handful of bytes, so the 16-row lockstep walk reads them from L1 whatever the
// one-hot width. Ensembles with categorical splits are not compiled here.
#include <algorithm>
#include <bit>
#include <memory>
#include <vector>

#include "model/compact_rows.h"
#include "model/tree_arrays.h"

namespace ferry::model {
namespace {

constexpr uint32_t kCellMask = (1u << 31) - 1;
constexpr uint32_t kAtLeast = 1u << 31;   // range = ~lo (cell >= lo); else range = 0 (cell == lo)
constexpr uint32_t kNever = 0xFFFFFFFEu;  // no cell holds it: not an index, -1, or a key (NaN)
constexpr size_t kBlockBytes = 64 * 1024;
constexpr size_t kMaxBlockRows = 4096;

struct CompactNode {
  uint32_t lo;
  int32_t left;   // as in the dense arrays: right child = left + 1; leaves point at themselves
  uint32_t meta;  // cell index | kAtLeast
};

// Unsigned key in the order of the float32 values (v not NaN); -0 and +0 get the same key.
uint32_t OrderedKey(float v) {
  if (v == 0) v = 0;
  const uint32_t u = std::bit_cast<uint32_t>(v);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

inline int32_t NextNode(const CompactNode& node, const uint32_t* row) {
  const uint32_t cell = row[node.meta & kCellMask];
  const uint32_t range = ~node.lo & (0u - (node.meta >> 31));
  return node.left + static_cast<int32_t>(cell - node.lo <= range);
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
        row[s] = OrderedKey(static_cast<float>(numeric[s]));
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
      nodes.push_back(CompactNode{kNever, node.left, 0});  // always left, onto itself
      continue;
    }
    const int32_t f = static_cast<int32_t>(node.meta & kFeatureMask);
    const int32_t group = layout.group_of_feature[f];
    if (group < 0) {
      const int32_t slot = layout.slot_of_feature[f];
      if (slot < 0) return nullptr;  // a layout that does not place every feature
      nodes.push_back(CompactNode{OrderedKey(node.threshold) + 1, node.left,
                                  static_cast<uint32_t>(slot) | kAtLeast});
      continue;
    }
    const uint32_t cell = static_cast<uint32_t>(layout.num_numeric() + group);
    const bool active_left = 1.0f <= node.threshold;
    const bool inactive_left = 0.0f <= node.threshold;
    if (active_left && inactive_left) {
      nodes.push_back(CompactNode{kNever, node.left, cell});
    } else if (!active_left && !inactive_left) {
      nodes.push_back(CompactNode{0, node.left, cell | kAtLeast});
    } else if (!active_left && inactive_left) {
      nodes.push_back(CompactNode{static_cast<uint32_t>(f), node.left, cell});
    } else {
      return nullptr;  // 1 <= t < 0: not a float threshold
    }
  }
  return std::make_unique<CompactTreeKernel<Acc>>(arrays, layout, std::move(nodes));
}

template std::unique_ptr<CompactEstimator> CompileCompactTrees<float>(
    const TreeArrays<float, float>&, const CompactLayout&);
template std::unique_ptr<CompactEstimator> CompileCompactTrees<double>(
    const TreeArrays<float, double>&, const CompactLayout&);

}  // namespace ferry::model
