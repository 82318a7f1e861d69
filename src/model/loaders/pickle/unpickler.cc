// The opcode loop: data opcodes, containers, memo and stack discipline. Calls (GLOBAL,
// REDUCE, NEWOBJ, BUILD) live in unpickler_calls.cc.
#include "model/loaders/pickle/unpickler.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "model/loaders/pickle/opcodes.h"

namespace ferry::pickle {
namespace {

using Kind = Object::Kind;
constexpr int64_t kObjectCost = sizeof(Object) + 32;  // object plus control block
constexpr int64_t kChildCost = sizeof(ObjectPtr);

bool MayHaveChildren(Kind k) {
  return k == Kind::kTuple || k == Kind::kList || k == Kind::kDict || k == Kind::kSet ||
         k == Kind::kInstance || k == Kind::kArray;
}
bool Mutable(Kind k) {
  return k == Kind::kList || k == Kind::kDict || k == Kind::kSet || k == Kind::kInstance ||
         k == Kind::kArray || k == Kind::kDtype;
}

}  // namespace

Unpickler::Unpickler(absl::string_view data, size_t start, GraphState* graph, bool joblib_arrays)
    : data_(data), pos_(start), graph_(graph), joblib_arrays_(joblib_arrays) {}

absl::Status Unpickler::Error(absl::string_view message) const {
  return absl::InvalidArgumentError(absl::StrCat("pickle: ", message, " (byte ", op_pos_, ")"));
}

absl::Status Unpickler::Truncated(absl::string_view what, uint64_t need) const {
  return absl::InvalidArgumentError(absl::StrCat("pickle: truncated file: ", what, " needs ", need,
                                                 " bytes at byte ", pos_, " but only ",
                                                 data_.size() - pos_, " remain (byte ", op_pos_,
                                                 "); the file may be incomplete or not a pickle"));
}

absl::StatusOr<absl::string_view> Unpickler::Take(uint64_t n, absl::string_view what) {
  if (n > data_.size() - pos_) return Truncated(what, n);
  absl::string_view out = data_.substr(pos_, static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  return out;
}

absl::StatusOr<uint64_t> Unpickler::ReadUint(int width, absl::string_view what) {
  auto bytes = Take(static_cast<uint64_t>(width), what);
  if (!bytes.ok()) return bytes.status();
  uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>((*bytes)[i]);
  return v;
}

absl::StatusOr<absl::string_view> Unpickler::ReadLine(absl::string_view what) {
  constexpr size_t kMaxLine = 1024;
  size_t end = data_.find('\n', pos_);
  if (end == absl::string_view::npos || end - pos_ > kMaxLine) {
    return Error(
        absl::StrCat(what, " is not a newline-terminated name of at most ", kMaxLine, " bytes"));
  }
  absl::string_view line = data_.substr(pos_, end - pos_);
  pos_ = end + 1;
  return line;
}

absl::Status Unpickler::Charge(int64_t bytes, absl::string_view what) {
  if (bytes > graph_->budget_left) {
    return absl::ResourceExhaustedError(
        absl::StrCat("pickle: ", what, " would exceed the memory budget for this file (", bytes,
                     " bytes requested, ", graph_->budget_left, " left) (byte ", op_pos_,
                     "); raise UnpickleOptions::max_total_bytes if the file is trusted"));
  }
  graph_->budget_left -= bytes;
  return absl::OkStatus();
}

absl::StatusOr<ObjectPtr> Unpickler::New(Kind kind) {
  if (auto s = Charge(kObjectCost, "a new object"); !s.ok()) return s;
  return std::make_shared<Object>(kind);
}

int32_t Unpickler::DepthOf(const Object& o) const {
  if (!MayHaveChildren(o.kind)) return 0;
  auto it = graph_->nodes.find(&o);
  return it == graph_->nodes.end() ? 0 : it->second.depth;
}

absl::Status Unpickler::CheckMutable(const Object& target, absl::string_view op) const {
  auto it = graph_->nodes.find(&target);
  if (it != graph_->nodes.end() && it->second.sealed) {
    return Error(absl::StrCat(op, " would modify ", target.Describe(),
                              " after it was stored inside another object: the pickle "
                              "describes a self-referencing structure, which ferry does not "
                              "support"));
  }
  return absl::OkStatus();
}

absl::Status Unpickler::AddChild(const ObjectPtr& parent, const ObjectPtr& child) {
  if (child == parent) {
    return Error(absl::StrCat(parent->Describe(),
                              " would contain itself: self-referencing "
                              "structures are not supported"));
  }
  if (auto s = Charge(kChildCost, "a container item"); !s.ok()) return s;
  const int32_t child_depth = DepthOf(*child);
  if (child_depth + 1 > graph_->max_depth) {
    return Error(absl::StrCat("objects are nested deeper than ", graph_->max_depth,
                              " levels (UnpickleOptions::max_depth)"));
  }
  // Objects in `nodes` are kept alive until the unpickle ends, so addresses stay unique.
  auto [pit, pnew] = graph_->nodes.try_emplace(parent.get());
  if (pit->second.depth < child_depth + 1) pit->second.depth = child_depth + 1;
  if (pnew) graph_->keep_alive.push_back(parent);
  if (Mutable(child->kind)) {
    auto [cit, cnew] = graph_->nodes.try_emplace(child.get());
    cit->second.sealed = true;
    if (cnew) graph_->keep_alive.push_back(child);
  }
  return absl::OkStatus();
}

}  // namespace ferry::pickle

namespace ferry::pickle {

absl::StatusOr<ObjectPtr> Unpickler::Pop(absl::string_view op) {
  const size_t floor = marks_.empty() ? 0 : marks_.back();
  if (stack_.size() <= floor) {
    return Error(absl::StrCat("stack underflow: ", op, " needs a value but the stack is empty",
                              floor ? " above the last MARK" : "", "; the file is corrupt"));
  }
  ObjectPtr o = std::move(stack_.back());
  stack_.pop_back();
  return o;
}

absl::StatusOr<ObjectPtr> Unpickler::Top(absl::string_view op) {
  const size_t floor = marks_.empty() ? 0 : marks_.back();
  if (stack_.size() <= floor) {
    return Error(absl::StrCat("stack underflow: ", op, " needs a value but the stack is empty",
                              floor ? " above the last MARK" : "", "; the file is corrupt"));
  }
  return stack_.back();
}

absl::StatusOr<std::vector<ObjectPtr>> Unpickler::PopToMark(absl::string_view op) {
  if (marks_.empty()) {
    return Error(absl::StrCat(op,
                              " expects a MARK before its values but there is none; the "
                              "file is corrupt"));
  }
  const size_t m = marks_.back();
  marks_.pop_back();
  std::vector<ObjectPtr> items(std::make_move_iterator(stack_.begin() + m),
                               std::make_move_iterator(stack_.end()));
  stack_.resize(m);
  return items;
}

absl::Status Unpickler::LoadString(Kind kind, int len_width, absl::string_view op) {
  auto n = ReadUint(len_width, op);
  if (!n.ok()) return n.status();
  if (*n > data_.size() - pos_) return Truncated(op, *n);
  if (auto s = Charge(static_cast<int64_t>(*n), op); !s.ok()) return s;
  auto bytes = Take(*n, op);
  if (!bytes.ok()) return bytes.status();
  auto o = New(kind);
  if (!o.ok()) return o.status();
  (*o)->str.assign(bytes->data(), bytes->size());
  Push(std::move(*o));
  return absl::OkStatus();
}

absl::Status Unpickler::LoadLong(int len_width) {
  const absl::string_view op = len_width == 1 ? "LONG1" : "LONG4";
  auto n = ReadUint(len_width, op);
  if (!n.ok()) return n.status();
  if (len_width == 4 && *n > 0x7fffffffu) return Error("LONG4 has a negative byte count");
  auto bytes = Take(*n, op);
  if (!bytes.ok()) return bytes.status();
  const absl::string_view b = *bytes;
  int64_t value = 0;
  if (!b.empty()) {
    const bool negative = static_cast<uint8_t>(b.back()) & 0x80;
    const size_t low = b.size() < 8 ? b.size() : 8;
    for (size_t i = b.size(); i > low; --i) {
      if (static_cast<uint8_t>(b[i - 1]) != (negative ? 0xff : 0x00)) {
        return Error(absl::StrCat(op, " integer of ", b.size(),
                                  " bytes does not fit in 64 bits; ferry reads only 64-bit "
                                  "integers"));
      }
    }
    if (b.size() > 8 && ((static_cast<uint8_t>(b[7]) & 0x80) != 0) != negative) {
      return Error(absl::StrCat(op, " integer does not fit in 64 bits"));
    }
    uint64_t u = negative ? ~uint64_t{0} : 0;
    for (size_t i = low; i-- > 0;) {
      u = (u << 8) | static_cast<uint8_t>(b[i]);
    }
    if (low < 8 && negative) u |= ~uint64_t{0} << (8 * low);
    std::memcpy(&value, &u, sizeof value);
  }
  auto o = New(Kind::kInt);
  if (!o.ok()) return o.status();
  (*o)->int_value = value;
  Push(std::move(*o));
  return absl::OkStatus();
}

absl::Status Unpickler::MakeTuple(size_t n) {
  const size_t floor = marks_.empty() ? 0 : marks_.back();
  if (stack_.size() - floor < n) {
    return Error(absl::StrCat("stack underflow: TUPLE", n, " needs ", n,
                              " values; the file is "
                              "corrupt"));
  }
  auto t = New(Kind::kTuple);
  if (!t.ok()) return t.status();
  for (size_t i = stack_.size() - n; i < stack_.size(); ++i) {
    if (auto s = AddChild(*t, stack_[i]); !s.ok()) return s;
    (*t)->items.push_back(std::move(stack_[i]));
  }
  stack_.resize(stack_.size() - n);
  Push(std::move(*t));
  return absl::OkStatus();
}

absl::Status Unpickler::FillList(const ObjectPtr& list, std::vector<ObjectPtr> values,
                                 absl::string_view op) {
  if (list->kind != Kind::kList) {
    return Error(absl::StrCat(op, " needs a list below its values, found ", list->Describe()));
  }
  if (auto s = CheckMutable(*list, op); !s.ok()) return s;
  list->items.reserve(list->items.size() + values.size());
  for (ObjectPtr& v : values) {
    if (auto s = AddChild(list, v); !s.ok()) return s;
    list->items.push_back(std::move(v));
  }
  return absl::OkStatus();
}

absl::Status Unpickler::FillDict(const ObjectPtr& dict, std::vector<ObjectPtr> kv,
                                 absl::string_view op) {
  if (dict->kind != Kind::kDict && dict->kind != Kind::kInstance) {
    return Error(absl::StrCat(op, " needs a dict below its values, found ", dict->Describe()));
  }
  if (kv.size() % 2 != 0) {
    return Error(absl::StrCat(op, " has an odd number of values (keys and values must pair)"));
  }
  if (auto s = CheckMutable(*dict, op); !s.ok()) return s;
  dict->entries.reserve(dict->entries.size() + kv.size() / 2);
  for (size_t i = 0; i < kv.size(); i += 2) {
    if (auto s = AddChild(dict, kv[i]); !s.ok()) return s;
    if (auto s = AddChild(dict, kv[i + 1]); !s.ok()) return s;
    dict->entries.emplace_back(std::move(kv[i]), std::move(kv[i + 1]));
  }
  return absl::OkStatus();
}

absl::Status Unpickler::FillSet(const ObjectPtr& set, std::vector<ObjectPtr> values,
                                absl::string_view op) {
  if (set->kind != Kind::kSet) {
    return Error(absl::StrCat(op, " needs a set below its values, found ", set->Describe()));
  }
  if (auto s = CheckMutable(*set, op); !s.ok()) return s;
  for (ObjectPtr& v : values) {
    if (auto s = AddChild(set, v); !s.ok()) return s;
    set->items.push_back(std::move(v));
  }
  return absl::OkStatus();
}

absl::StatusOr<ObjectPtr> Unpickler::Run() {
  bool stop = false;
  while (!stop) {
    op_pos_ = pos_;
    if (pos_ >= data_.size()) {
      return Error("truncated file: the pickle ends before its STOP opcode");
    }
    const auto opcode = static_cast<uint8_t>(data_[pos_++]);
    if (auto s = Step(opcode, &stop); !s.ok()) return s;
  }
  return Pop("STOP");
}

}  // namespace ferry::pickle
