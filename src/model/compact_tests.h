// Internal to src/model: how the compact kernels (tree_compact.cc, tree_table.cc) see a tree
// node. A row is a few unsigned 4-byte cells (each numeric feature's float32 value as an
// order-preserving key, then each one-hot group's active feature index, -1 when none) and a
// node's test is right = cell - lo <= range, unsigned: a numeric split is right when
// key(x) >= lo; a one-hot split is right when the cell holds one feature (range 0), always, or
// never.
#ifndef FERRY_MODEL_COMPACT_TESTS_H_
#define FERRY_MODEL_COMPACT_TESTS_H_

#include <bit>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/compact_rows.h"
#include "model/tree_arrays.h"

namespace ferry::model {

struct NodeTest {
  uint32_t lo;
  uint32_t range;
  uint32_t cell;
  bool Right(uint32_t value) const { return value - lo <= range; }
};

// No cell holds it: not a feature index, -1 or a key (it is a NaN's).
inline constexpr uint32_t kNever = 0xFFFFFFFEu;

// The unsigned key of float32 value v (not NaN), in the order of the values; -0 and +0 get
// the same key.
inline uint32_t OrderedKey(float v) {
  if (v == 0) v = 0;
  const uint32_t u = std::bit_cast<uint32_t>(v);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// The lookup-table kernel (tree_table.cc) for rows of at most one numeric feature and one
// one-hot group, or nullptr when the layout is wider or the table would be too large. `tests`
// holds every node's test, same indices as arrays.nodes_. Reads `arrays`, which must outlive it.
template <typename Acc>
std::unique_ptr<CompactEstimator> CompileTreeTable(const TreeArrays<float, Acc>& arrays,
                                                   const CompactLayout& layout,
                                                   const std::vector<NodeTest>& tests);

}  // namespace ferry::model

#endif  // FERRY_MODEL_COMPACT_TESTS_H_
