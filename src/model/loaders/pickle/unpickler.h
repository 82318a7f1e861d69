// The pickle virtual machine (internal). Runs one pickle stream from a start offset to its
// STOP, building Objects and consulting the allow-list for every global. Never executes
// anything and never recurses on the data: nesting lives in explicit stacks. Tracks, for the
// whole object graph, a memory budget, nesting depth and which objects are already stored
// inside another (such objects may no longer be modified, which keeps the graph acyclic).
#ifndef FERRY_MODEL_LOADERS_PICKLE_UNPICKLER_H_
#define FERRY_MODEL_LOADERS_PICKLE_UNPICKLER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/loaders/pickle/allowlist.h"
#include "model/loaders/pickle/object.h"

namespace ferry::pickle {

// State shared by a pickle and the nested pickles joblib embeds for object arrays.
struct GraphState {
  struct NodeInfo {
    int32_t depth = 0;    // levels of containers below (0 for leaves)
    bool sealed = false;  // stored inside another object: no longer modifiable
  };
  int64_t budget_left = 0;
  int32_t max_depth = 0;
  absl::flat_hash_map<const Object*, NodeInfo> nodes;
  std::vector<ObjectPtr> keep_alive;  // objects in `nodes` (so addresses are never reused)
  bool saw_joblib_wrapper = false;
};

class Unpickler {
 public:
  // `data` must outlive the Unpickler. joblib_arrays: interpret joblib's NumpyArrayWrapper
  // (only the outermost pickle of a joblib file may; its nested pickles may not).
  Unpickler(absl::string_view data, size_t start, GraphState* graph, bool joblib_arrays);

  absl::StatusOr<ObjectPtr> Run();
  size_t position() const { return pos_; }
  int protocol() const { return protocol_; }

 private:
  absl::Status Step(uint8_t op, bool* stop);
  absl::Status Error(absl::string_view message) const;
  absl::Status Truncated(absl::string_view what, uint64_t need) const;

  // Byte access; every length is checked against the bytes present before use.
  absl::StatusOr<absl::string_view> Take(uint64_t n, absl::string_view what);
  absl::StatusOr<uint64_t> ReadUint(int width, absl::string_view what);  // little-endian
  absl::StatusOr<absl::string_view> ReadLine(absl::string_view what);

  // Objects and the graph bookkeeping.
  absl::StatusOr<ObjectPtr> New(Object::Kind kind);
  absl::Status Charge(int64_t bytes, absl::string_view what);
  absl::Status AddChild(const ObjectPtr& parent, const ObjectPtr& child);
  absl::Status CheckMutable(const Object& target, absl::string_view op) const;
  int32_t DepthOf(const Object& o) const;

  // Stack.
  void Push(ObjectPtr o) { stack_.push_back(std::move(o)); }
  absl::StatusOr<ObjectPtr> Pop(absl::string_view op);
  absl::StatusOr<ObjectPtr> Top(absl::string_view op);
  absl::StatusOr<std::vector<ObjectPtr>> PopToMark(absl::string_view op);

  // Opcode groups.
  absl::Status LoadString(Object::Kind kind, int len_width, absl::string_view op);
  absl::Status LoadLong(int len_width);
  absl::Status MakeTuple(size_t n);
  absl::Status FillList(const ObjectPtr& list, std::vector<ObjectPtr> values, absl::string_view op);
  absl::Status FillDict(const ObjectPtr& dict, std::vector<ObjectPtr> kv, absl::string_view op);
  absl::Status FillSet(const ObjectPtr& set, std::vector<ObjectPtr> values, absl::string_view op);

  // Globals and calls (unpickler_calls.cc).
  absl::Status LoadGlobal(absl::string_view module, absl::string_view name);
  absl::Status Reduce();
  absl::Status NewObj(bool with_kwargs);
  absl::Status Build();
  absl::StatusOr<ObjectPtr> CallGlobal(const Object& callable, const AllowedGlobal& g,
                                       const Object& args);
  absl::StatusOr<ObjectPtr> NewInstance(const Object& cls, const std::vector<ObjectPtr>& args);
  absl::StatusOr<ObjectPtr> ArrayObject(std::shared_ptr<NdArray> array);
  absl::StatusOr<ObjectPtr> ReadJoblibArray(const Object& wrapper_state);
  absl::Status SetInstanceState(const ObjectPtr& target, const ObjectPtr& state);

  absl::string_view data_;
  size_t pos_;
  size_t op_pos_ = 0;
  int protocol_ = 0;
  GraphState* graph_;
  bool joblib_arrays_;
  std::vector<ObjectPtr> stack_;
  std::vector<size_t> marks_;  // stack sizes at each MARK
  absl::flat_hash_map<uint32_t, ObjectPtr> memo_;
};

}  // namespace ferry::pickle

#endif  // FERRY_MODEL_LOADERS_PICKLE_UNPICKLER_H_
