// Lookup-table kernel for tree ensembles over one numeric feature and one one-hot group (a
// DictVectorizer or OneHotEncoder over one categorical field, plus one number: the taxi ride
// model's {PU_DO, trip_distance}). With the category fixed, every tree is a step function of
// the number, and the thresholds of all trees cut the number line into intervals on which the
// whole ensemble is constant. So the ensemble is a table: category x interval -> raw scores.
// A row costs a binary search over the sorted thresholds and one load, instead of a walk of
// every tree.
//
// Exact: a table cell is computed as the walk computes a row that falls in it, the same leaves
// added in tree order with TreeArrays::AddLeaf, then TreeArrays::FinishRows.
//
// Lazy: the row of a category is built the first time a row of that category is scored
// (std::call_once, so scoring threads may share the kernel). A category takes the same
// branches as "none of the group" except at the nodes that test it, so each tree's step
// function for "none" is computed once, with the nodes testing a category that it reaches
// (entries); a category's row starts from those functions and re-walks only the right
// subtrees of its entries. Categories no reachable node tests share the row of "none".
#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "model/compact_rows.h"
#include "model/compact_tests.h"
#include "model/tree_arrays.h"

namespace ferry::model {
namespace {

// Tables above this many raw scores (8 bytes each, committed only as categories are seen),
// or whose trees' step functions for "none" take more than this many cells (12 bytes each),
// are not built; the walk scores those models.
constexpr size_t kMaxTableCells = size_t{8} << 20;
constexpr size_t kMaxStepCells = size_t{4} << 20;

constexpr uint32_t kNone = 0xFFFFFFFFu;  // the group cell of a row with no active feature

// A node testing one feature of the group that "none" reaches, with its interval range.
struct Entry {
  int32_t tree;
  int32_t node;
  uint32_t first, last;
};

template <typename Acc>
class TreeTableKernel final : public CompactEstimator {
 public:
  TreeTableKernel(const TreeArrays<float, Acc>& arrays, const CompactLayout& layout,
                  std::vector<NodeTest> tests, std::vector<uint32_t> bounds)
      : a_(arrays),
        has_numeric_(layout.num_numeric() == 1),
        has_group_(layout.num_groups == 1),
        tests_(std::move(tests)),
        bounds_(std::move(bounds)),
        num_intervals_(bounds_.size() + 1),
        row_width_(num_intervals_ * static_cast<size_t>(a_.num_outputs_)) {
    // The interval boundary of every numeric split: right <=> interval > split_bound_.
    split_bound_.assign(tests_.size(), 0);
    for (size_t i = 0; i < tests_.size(); ++i) {
      if (IsNumericSplit(static_cast<int32_t>(i)) && tests_[i].lo != 0) {
        split_bound_[i] = static_cast<uint32_t>(
            std::lower_bound(bounds_.begin(), bounds_.end(), tests_[i].lo) - bounds_.begin());
      }
    }
    // Each tree's step function for "none", and the entries: the nodes testing one feature
    // of the group that it reaches, in pre-order, with their interval ranges.
    const size_t num_trees = a_.roots_.size();
    std::vector<std::vector<Entry>> entries_of(static_cast<size_t>(layout.num_features));
    default_slots_.resize(num_trees * num_intervals_);
    for (size_t t = 0; t < num_trees; ++t) {
      int32_t* slots = default_slots_.data() + t * num_intervals_;
      WalkRestricted(
          a_.roots_[t], 0, static_cast<uint32_t>(num_intervals_ - 1), kNone,
          [&](uint32_t first, uint32_t last, int32_t slot) {
            std::fill(slots + first, slots + last + 1, slot);
          },
          [&](int32_t node, uint32_t first, uint32_t last) {
            const uint32_t f = tests_[node].lo;
            if (f < entries_of.size()) {
              entries_of[f].push_back(Entry{static_cast<int32_t>(t), node, first, last});
            }
          });
    }
    if (a_.leaf_width_ == 1) {
      default_leaves_.resize(default_slots_.size());
      for (size_t i = 0; i < default_slots_.size(); ++i) {
        default_leaves_[i] = a_.leaves_[default_slots_[i]];
      }
    }
    // One table row per feature with entries; row 0 is "none" and every other feature.
    row_of_feature_.assign(static_cast<size_t>(layout.num_features), 0);
    row_values_.push_back(kNone);
    row_entries_.emplace_back();
    for (size_t f = 0; f < entries_of.size(); ++f) {
      if (entries_of[f].empty()) continue;
      row_of_feature_[f] = static_cast<int32_t>(row_entries_.size());
      row_values_.push_back(static_cast<uint32_t>(f));
      row_entries_.push_back(std::move(entries_of[f]));
    }
    built_ = std::make_unique<std::once_flag[]>(row_entries_.size());
    // Not value-initialized: the pages of rows never built are never touched.
    table_ = std::make_unique_for_overwrite<double[]>(row_entries_.size() * row_width_);
  }

  // Rows x intervals x outputs, for the check at compile time.
  static size_t Cells(size_t rows, size_t intervals, int32_t outputs) {
    return rows * intervals * static_cast<size_t>(outputs);
  }
  const char* kind() const override { return "table"; }

  void PredictRaw(const CompactRows& rows, double* raw) const override {
    const size_t num_outputs = static_cast<size_t>(a_.num_outputs_);
    for (size_t r = 0; r < rows.num_rows; ++r) {
      const size_t interval =
          has_numeric_ ? Interval(OrderedKey(static_cast<float>(rows.numeric[r]))) : 0;
      int32_t row = 0;
      if (has_group_ && rows.active[r] >= 0) row = row_of_feature_[rows.active[r]];
      const double* cell = Row(row) + interval * num_outputs;
      std::copy(cell, cell + num_outputs, raw + r * num_outputs);
    }
  }

 private:
  bool IsLeaf(int32_t node) const { return a_.nodes_[node].meta & kLeaf; }
  bool IsNumericSplit(int32_t node) const {
    return has_numeric_ && !IsLeaf(node) && tests_[node].cell == 0;
  }

  // The number of bounds <= key: a branch-free binary search.
  size_t Interval(uint32_t key) const {
    const uint32_t* base = bounds_.data();
    size_t n = bounds_.size();
    while (n > 1) {
      const size_t half = n / 2;
      base = base[half] <= key ? base + half : base;
      n -= half;
    }
    return static_cast<size_t>(base - bounds_.data()) + (n == 1 && *base <= key);
  }

  // Walks the subtree at `root` for the intervals [first, last] with the group cell holding
  // `value`: calls piece(first, last, leaf slot) for each interval range that ends on one
  // leaf, and entry(node, first, last) at each node it passes that tests one feature.
  template <typename Piece, typename OnEntry = void (*)(int32_t, uint32_t, uint32_t)>
  void WalkRestricted(int32_t root, uint32_t first, uint32_t last, uint32_t value, Piece piece,
                      OnEntry entry = [](int32_t, uint32_t, uint32_t) {}) const {
    struct Item {
      int32_t node;
      uint32_t first, last;
    };
    std::vector<Item> stack = {{root, first, last}};
    while (!stack.empty()) {
      const Item item = stack.back();
      stack.pop_back();
      const int32_t node = item.node;
      if (IsLeaf(node)) {
        piece(item.first, item.last, a_.leaf_slot_[node]);
        continue;
      }
      const int32_t left = a_.nodes_[node].left;
      const NodeTest& test = tests_[node];
      if (!IsNumericSplit(node)) {
        if (test.range == 0 && test.lo != kNever) entry(node, item.first, item.last);
        stack.push_back({left + test.Right(value), item.first, item.last});
      } else if (test.lo == 0) {
        stack.push_back({left + 1, item.first, item.last});  // every key is >= 0
      } else {
        const uint32_t bound = split_bound_[node];  // intervals <= bound go left
        if (item.last > bound) stack.push_back({left + 1, std::max(item.first, bound + 1), item.last});
        if (item.first <= bound) stack.push_back({left, item.first, std::min(item.last, bound)});
      }
    }
  }

  const double* Row(int32_t row) const {
    double* out = table_.get() + static_cast<size_t>(row) * row_width_;
    std::call_once(built_[row], [&] { BuildRow(row, out); });
    return out;
  }

  void BuildRow(int32_t row, double* out) const {
    const size_t num_outputs = static_cast<size_t>(a_.num_outputs_);
    const bool one_output = num_outputs == 1 && a_.leaf_width_ == 1;
    std::vector<Acc> acc(row_width_);
    a_.StartRows(num_intervals_, acc.data());
    std::vector<int32_t> slots(num_intervals_);
    const std::vector<Entry>& entries = row_entries_[row];
    auto entry = entries.begin();
    for (size_t t = 0; t < a_.roots_.size(); ++t) {
      const int32_t out_index = a_.outputs_[t];
      const int32_t* tree_slots = default_slots_.data() + t * num_intervals_;
      if (entry != entries.end() && entry->tree == static_cast<int32_t>(t)) {
        // The category leaves "none"'s path at its entries: re-walk their right subtrees.
        // Entries come in pre-order; one inside an earlier entry's range is below it, on the
        // left, where the category does not go.
        std::copy(tree_slots, tree_slots + num_intervals_, slots.begin());
        bool covered = false;
        uint32_t covered_last = 0;
        for (; entry != entries.end() && entry->tree == static_cast<int32_t>(t); ++entry) {
          if (covered && entry->first <= covered_last) continue;
          WalkRestricted(a_.nodes_[entry->node].left + 1, entry->first, entry->last,
                         row_values_[row], [&](uint32_t first, uint32_t last, int32_t slot) {
                           std::fill(slots.begin() + first, slots.begin() + last + 1, slot);
                         });
          covered = true;
          covered_last = entry->last;
        }
        tree_slots = slots.data();
      } else if (one_output) {
        const Acc* leaves = default_leaves_.data() + t * num_intervals_;
        for (size_t i = 0; i < num_intervals_; ++i) acc[i] += leaves[i];
        continue;
      }
      if (one_output) {
        for (size_t i = 0; i < num_intervals_; ++i) acc[i] += a_.leaves_[tree_slots[i]];
      } else {
        for (size_t i = 0; i < num_intervals_; ++i) {
          a_.AddLeaf(tree_slots[i], out_index, acc.data() + i * num_outputs);
        }
      }
    }
    a_.FinishRows(acc.data(), num_intervals_, out);
  }

  const TreeArrays<float, Acc>& a_;
  const bool has_numeric_;  // cell 0 is the numeric feature's key
  const bool has_group_;    // the last cell is the group's active feature
  const std::vector<NodeTest> tests_;
  const std::vector<uint32_t> bounds_;  // sorted distinct split keys (lo) of the numeric feature
  const size_t num_intervals_;
  const size_t row_width_;              // num_intervals_ x num_outputs
  std::vector<uint32_t> split_bound_;   // per node: its lo's index in bounds_
  std::vector<int32_t> row_of_feature_;  // feature index -> table row (0: shares "none")
  std::vector<uint32_t> row_values_;     // table row -> the group cell it stands for
  std::vector<std::vector<Entry>> row_entries_;  // table row -> its feature's entries
  std::vector<int32_t> default_slots_;  // tree x interval -> leaf slot when not tested
  std::vector<Acc> default_leaves_;     // the same slots' leaves (leaf_width 1)
  std::unique_ptr<std::once_flag[]> built_;
  std::unique_ptr<double[]> table_;
};

}  // namespace

template <typename Acc>
std::unique_ptr<CompactEstimator> CompileTreeTable(const TreeArrays<float, Acc>& arrays,
                                                   const CompactLayout& layout,
                                                   const std::vector<NodeTest>& tests) {
  if (layout.num_numeric() > 1 || layout.num_groups > 1 || arrays.roots_.empty()) {
    return nullptr;
  }
  std::vector<uint32_t> bounds;
  size_t group_features = 0;
  for (int32_t g : layout.group_of_feature) group_features += g >= 0;
  for (size_t i = 0; i < tests.size(); ++i) {
    const bool leaf = arrays.nodes_[i].meta & kLeaf;
    if (leaf || layout.num_numeric() == 0 || tests[i].cell != 0) continue;
    if (tests[i].range != ~tests[i].lo) return nullptr;  // not a key >= lo test
    if (tests[i].lo != 0) bounds.push_back(tests[i].lo);
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  // The largest the table can be: a row per feature of the group and one for none.
  if (TreeTableKernel<Acc>::Cells(group_features + 1, bounds.size() + 1, arrays.num_outputs_) >
          kMaxTableCells ||
      arrays.roots_.size() * (bounds.size() + 1) > kMaxStepCells) {
    return nullptr;
  }
  return std::make_unique<TreeTableKernel<Acc>>(arrays, layout, tests, std::move(bounds));
}

template std::unique_ptr<CompactEstimator> CompileTreeTable<float>(
    const TreeArrays<float, float>&, const CompactLayout&, const std::vector<NodeTest>&);
template std::unique_ptr<CompactEstimator> CompileTreeTable<double>(
    const TreeArrays<float, double>&, const CompactLayout&, const std::vector<NodeTest>&);

}  // namespace ferry::model
