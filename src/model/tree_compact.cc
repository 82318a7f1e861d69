// Compact tree kernel for one-hot models (compact_rows.h). A row is a few 4-byte cells: each
// numeric feature's float32 value as an order-preserving unsigned key, then the active feature
// index of each one-hot group. Nodes are re-encoded from the dense kernel's arrays
// (tree_arrays.h), same indices and leaves, into one unsigned test: right = cell - lo <= range.
//   numeric feature:  right = !(float32(x) <= t)  <=>  key(x) >= key(t) + 1;
//   one-hot feature f: x is exactly 1.0 when its group's cell holds f, else 0.0, so both
//     outcomes of the dense test are known at compile time: right when the cell is f
//     (0 <= t < 1), always right (t < 0) or always left (t >= 1, and leaves).
// A node stores lo, range, its right child and its cell's byte offset; the next node is
// right - (range < cell - lo), a borrow. Rows are a handful of bytes, so the lockstep walks
// (tree_arrays.h) read them from L1 whatever the one-hot width. Ensembles with categorical
// splits are not compiled here. Rows of one numeric feature and one group are scored from a
// table instead (tree_table.cc).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/compact_rows.h"
#include "model/compact_tests.h"
#include "model/tree_arrays.h"

namespace ferry::model {
namespace {

constexpr size_t kBlockBytes = 64 * 1024;
constexpr size_t kMaxBlockRows = 4096;

// Rows walked together by the batch walk: 32 independent load chains hide more of the cache
// misses of a forest larger than L2 than 16 do.
constexpr size_t kLanes = 32;

// Cells sit in groups of kLanes rows, cell by cell: cell c of a group's lane g is at
// group + c * kLanes + g, so a node holds its cell's offset from the lane, in bytes, and
// the rows of a lockstep walk share one base address.
constexpr uint32_t kCellStride = kLanes * sizeof(uint32_t);

// The cell at `offset` bytes from lane g of `group` (g a constant of the unrolled walks, so
// that it folds into the address).
inline uint32_t CellAt(const uint32_t* group, size_t g, uint32_t offset) {
  return *reinterpret_cast<const uint32_t*>(reinterpret_cast<const char*>(group) + offset +
                                            g * sizeof(uint32_t));
}

// 16 bytes: any forest and row width.
struct WideNode {
  uint32_t lo;
  uint32_t range;
  uint32_t right;   // left + 1 (as in the dense arrays, leaves point at themselves)
  uint32_t offset;  // of the cell from its lane, in bytes

  static bool Fits(size_t, int32_t) { return true; }
  static WideNode Make(const NodeTest& t, int32_t left) {
    return WideNode{t.lo, t.range, static_cast<uint32_t>(left) + 1, t.cell * kCellStride};
  }
  int32_t Next(const uint32_t* group, size_t g) const {
    return static_cast<int32_t>(right - (range < CellAt(group, g, offset) - lo));
  }
};

// 12 bytes: rows of at most kPackedCells cells, forests of fewer than 2^22 nodes.
// link = right << 10 | offset.
constexpr int32_t kPackedCells = 8;
constexpr int kOffsetBits = 10;
static_assert(kPackedCells * kCellStride <= (1u << kOffsetBits));
struct PackedNode {
  uint32_t lo;
  uint32_t range;
  uint32_t link;

  static bool Fits(size_t num_nodes, int32_t width) {
    return width <= kPackedCells && num_nodes < (size_t{1} << (32 - kOffsetBits));
  }
  static PackedNode Make(const NodeTest& t, int32_t left) {
    return PackedNode{t.lo, t.range,
                      static_cast<uint32_t>(left + 1) << kOffsetBits | t.cell * kCellStride};
  }
  int32_t Next(const uint32_t* group, size_t g) const {
    const uint32_t value = CellAt(group, g, link & ((1u << kOffsetBits) - 1));
    return static_cast<int32_t>((link >> kOffsetBits) - (range < value - lo));
  }
};
static_assert(sizeof(PackedNode) == 12 && sizeof(WideNode) == 16);

template <typename Acc, typename CompactNode>
class CompactTreeKernel final : public CompactEstimator {
 public:
  const char* kind() const override { return "walk"; }
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
        std::clamp<size_t>(kBlockBytes / (sizeof(uint32_t) * width_), kLanes, kMaxBlockRows) /
        kLanes * kLanes;
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
          a_.WalkTreesInLockstep(acc.data() + r * a_.num_outputs_,
                                 [&](int32_t i) { return nodes[i].Next(block, r); });
        }
      } else {
        a_.template WalkRowsInLockstep<kLanes>(n, acc.data(), [&](int32_t i, size_t r0, size_t g) {
          const size_t lane = r0 % kLanes;
          return nodes[i].Next(block + (r0 - lane) * width + lane, g);
        });
      }
      a_.FinishRows(acc.data(), n, raw + start * a_.num_outputs_);
    }
  }

 private:
  void FillCells(const CompactRows& rows, size_t start, size_t n,
                 std::vector<uint32_t>* cells) const {
    const size_t groups = (n + kLanes - 1) / kLanes;
    cells->assign(groups * kLanes * width_, 0);
    for (size_t r = 0; r < n; ++r) {
      const size_t lane = r % kLanes;
      uint32_t* row = cells->data() + (r - lane) * width_ + lane;
      const double* numeric = rows.numeric.data() + (start + r) * num_numeric_;
      const int32_t* active = rows.active.data() + (start + r) * num_groups_;
      for (int32_t s = 0; s < num_numeric_; ++s) {
        row[s * kLanes] = OrderedKey(static_cast<float>(numeric[s]));
      }
      for (int32_t g = 0; g < num_groups_; ++g) {
        row[(num_numeric_ + g) * kLanes] = static_cast<uint32_t>(active[g]);
      }
    }
  }

  const TreeArrays<float, Acc>& a_;
  const int32_t num_numeric_;
  const int32_t num_groups_;
  const int32_t width_;  // cells per row (at least 1, which leaves read)
  const std::vector<CompactNode> nodes_;
};

// The test of every node of `arrays`, same indices, or an empty vector when a node has none
// (a feature the layout does not place, or a one-hot threshold that is not a float).
template <typename Acc>
std::vector<NodeTest> CompileTests(const TreeArrays<float, Acc>& arrays,
                                   const CompactLayout& layout) {
  std::vector<NodeTest> tests;
  tests.reserve(arrays.nodes_.size());
  for (const Node<float>& node : arrays.nodes_) {
    if (node.meta & kLeaf) {
      tests.push_back(NodeTest{kNever, 0, 0});  // always left, onto itself
      continue;
    }
    const int32_t f = static_cast<int32_t>(node.meta & kFeatureMask);
    const int32_t group = layout.group_of_feature[f];
    if (group < 0) {
      const int32_t slot = layout.slot_of_feature[f];
      if (slot < 0) return {};  // a layout that does not place every feature
      const uint32_t lo = OrderedKey(node.threshold) + 1;
      tests.push_back(NodeTest{lo, ~lo, static_cast<uint32_t>(slot)});
      continue;
    }
    const uint32_t cell = static_cast<uint32_t>(layout.num_numeric() + group);
    const bool active_left = 1.0f <= node.threshold;
    const bool inactive_left = 0.0f <= node.threshold;
    if (active_left && inactive_left) {
      tests.push_back(NodeTest{kNever, 0, cell});
    } else if (!active_left && !inactive_left) {
      tests.push_back(NodeTest{0, ~0u, cell});
    } else if (!active_left && inactive_left) {
      tests.push_back(NodeTest{static_cast<uint32_t>(f), 0, cell});
    } else {
      return {};  // 1 <= t < 0: not a float threshold
    }
  }
  return tests;
}

template <typename CompactNode, typename Acc>
std::unique_ptr<CompactEstimator> MakeKernel(const TreeArrays<float, Acc>& arrays,
                                             const CompactLayout& layout,
                                             const std::vector<NodeTest>& tests) {
  std::vector<CompactNode> nodes;
  nodes.reserve(tests.size());
  for (size_t i = 0; i < tests.size(); ++i) {
    nodes.push_back(CompactNode::Make(tests[i], arrays.nodes_[i].left));
  }
  return std::make_unique<CompactTreeKernel<Acc, CompactNode>>(arrays, layout, std::move(nodes));
}

}  // namespace

size_t CompactNodeBytes(size_t num_nodes, int32_t row_cells) {
  return PackedNode::Fits(num_nodes, row_cells) ? sizeof(PackedNode) : sizeof(WideNode);
}

template <typename Acc>
std::unique_ptr<CompactEstimator> CompileCompactTrees(const TreeArrays<float, Acc>& arrays,
                                                      const CompactLayout& layout) {
  const int32_t width = std::max(1, layout.num_numeric() + layout.num_groups);
  if (arrays.has_categorical_ || layout.num_features != arrays.num_features_ ||
      static_cast<uint32_t>(width) > UINT32_MAX / kCellStride) {
    return nullptr;
  }
  const std::vector<NodeTest> tests = CompileTests(arrays, layout);
  if (tests.size() != arrays.nodes_.size()) return nullptr;
  if (auto table = CompileTreeTable(arrays, layout, tests)) return table;
  if (CompactNodeBytes(tests.size(), width) == sizeof(PackedNode)) {
    return MakeKernel<PackedNode>(arrays, layout, tests);
  }
  return MakeKernel<WideNode>(arrays, layout, tests);
}

template std::unique_ptr<CompactEstimator> CompileCompactTrees<float>(
    const TreeArrays<float, float>&, const CompactLayout&);
template std::unique_ptr<CompactEstimator> CompileCompactTrees<double>(
    const TreeArrays<float, double>&, const CompactLayout&);

}  // namespace ferry::model
