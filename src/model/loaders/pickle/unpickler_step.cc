// One opcode of the pickle machine.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/loaders/pickle/opcodes.h"
#include "model/loaders/pickle/unpickler.h"

namespace ferry::pickle {

using Kind = Object::Kind;

absl::Status Unpickler::Step(uint8_t opcode, bool* stop) {
  auto push_new = [&](Kind kind) -> absl::StatusOr<ObjectPtr> {
    auto o = New(kind);
    if (!o.ok()) return o.status();
    Push(*o);
    return *o;
  };
  auto push_int = [&](int64_t v) -> absl::Status {
    auto o = push_new(Kind::kInt);
    if (!o.ok()) return o.status();
    (*o)->int_value = v;
    return absl::OkStatus();
  };
  auto memo_put = [&](uint64_t index, absl::string_view name) -> absl::Status {
    auto top = Top(name);
    if (!top.ok()) return top.status();
    if (auto s = Charge(64, "a memo entry"); !s.ok()) return s;
    memo_[static_cast<uint32_t>(index)] = std::move(*top);
    return absl::OkStatus();
  };
  auto memo_get = [&](uint64_t index, absl::string_view name) -> absl::Status {
    auto it = memo_.find(static_cast<uint32_t>(index));
    if (it == memo_.end()) {
      return Error(absl::StrCat(name, " refers to memo entry ", index,
                                ", which was never stored; the file is corrupt"));
    }
    Push(it->second);
    return absl::OkStatus();
  };

  switch (opcode) {
    case op::kProto: {
      auto v = ReadUint(1, "PROTO");
      if (!v.ok()) return v.status();
      if (*v < 2 || *v > 5) {
        return Error(
            absl::StrCat("unsupported pickle protocol ", *v, "; ferry reads protocols 2 to 5"));
      }
      protocol_ = static_cast<int>(*v);
      return absl::OkStatus();
    }
    case op::kFrame: {
      auto n = ReadUint(8, "FRAME");
      if (!n.ok()) return n.status();
      if (*n > data_.size() - pos_) return Truncated("FRAME", *n);
      return absl::OkStatus();  // frames only group opcodes; the stream is read linearly
    }
    case op::kStop:
      *stop = true;
      return absl::OkStatus();
    case op::kMark:
      if (marks_.size() >= static_cast<size_t>(graph_->max_depth)) {
        return Error(absl::StrCat("more than ", graph_->max_depth,
                                  " nested MARKs (UnpickleOptions::max_depth)"));
      }
      marks_.push_back(stack_.size());
      return absl::OkStatus();
    case op::kPop: {
      const size_t floor = marks_.empty() ? 0 : marks_.back();
      if (stack_.size() > floor) {
        stack_.pop_back();
      } else if (!marks_.empty()) {
        marks_.pop_back();
      } else {
        return Error("stack underflow: POP on an empty stack; the file is corrupt");
      }
      return absl::OkStatus();
    }
    case op::kPopMark:
      return PopToMark("POP_MARK").status();
    case op::kDup: {
      auto top = Top("DUP");
      if (!top.ok()) return top.status();
      Push(std::move(*top));
      return absl::OkStatus();
    }
    case op::kNone:
      return push_new(Kind::kNone).status();
    case op::kNewTrue:
    case op::kNewFalse: {
      auto o = push_new(Kind::kBool);
      if (!o.ok()) return o.status();
      (*o)->bool_value = opcode == op::kNewTrue;
      return absl::OkStatus();
    }
    case op::kBinInt: {
      auto v = ReadUint(4, "BININT");
      if (!v.ok()) return v.status();
      return push_int(static_cast<int32_t>(static_cast<uint32_t>(*v)));
    }
    case op::kBinInt1:
    case op::kBinInt2: {
      auto v = ReadUint(opcode == op::kBinInt1 ? 1 : 2, op::Name(opcode));
      if (!v.ok()) return v.status();
      return push_int(static_cast<int64_t>(*v));
    }
    case op::kLong1:
      return LoadLong(1);
    case op::kLong4:
      return LoadLong(4);
    case op::kBinFloat: {
      auto bytes = Take(8, "BINFLOAT");
      if (!bytes.ok()) return bytes.status();
      uint64_t bits = 0;
      for (char c : *bytes) bits = (bits << 8) | static_cast<uint8_t>(c);  // big-endian
      auto o = push_new(Kind::kFloat);
      if (!o.ok()) return o.status();
      std::memcpy(&(*o)->float_value, &bits, sizeof bits);
      return absl::OkStatus();
    }
    case op::kShortBinUnicode:
      return LoadString(Kind::kString, 1, "SHORT_BINUNICODE");
    case op::kBinUnicode:
      return LoadString(Kind::kString, 4, "BINUNICODE");
    case op::kBinUnicode8:
      return LoadString(Kind::kString, 8, "BINUNICODE8");
    case op::kShortBinBytes:
      return LoadString(Kind::kBytes, 1, "SHORT_BINBYTES");
    case op::kBinBytes:
      return LoadString(Kind::kBytes, 4, "BINBYTES");
    case op::kBinBytes8:
      return LoadString(Kind::kBytes, 8, "BINBYTES8");
    case op::kByteArray8:
      return LoadString(Kind::kBytes, 8, "BYTEARRAY8");
    case op::kEmptyTuple:
      return MakeTuple(0);
    case op::kTuple1:
      return MakeTuple(1);
    case op::kTuple2:
      return MakeTuple(2);
    case op::kTuple3:
      return MakeTuple(3);
    case op::kTuple:
    case op::kList:
    case op::kFrozenSet: {
      const absl::string_view name = op::Name(opcode);
      auto items = PopToMark(name);
      if (!items.ok()) return items.status();
      auto o = New(opcode == op::kTuple ? Kind::kTuple
                                        : (opcode == op::kList ? Kind::kList : Kind::kSet));
      if (!o.ok()) return o.status();
      for (const ObjectPtr& item : *items) {
        if (auto s = AddChild(*o, item); !s.ok()) return s;
      }
      (*o)->items = std::move(*items);
      Push(std::move(*o));
      return absl::OkStatus();
    }
    case op::kDict: {
      auto kv = PopToMark("DICT");
      if (!kv.ok()) return kv.status();
      auto d = New(Kind::kDict);
      if (!d.ok()) return d.status();
      if (auto s = FillDict(*d, std::move(*kv), "DICT"); !s.ok()) return s;
      Push(std::move(*d));
      return absl::OkStatus();
    }
    case op::kEmptyList:
      return push_new(Kind::kList).status();
    case op::kEmptyDict:
      return push_new(Kind::kDict).status();
    case op::kEmptySet:
      return push_new(Kind::kSet).status();
    case op::kAppend: {
      auto v = Pop("APPEND");
      if (!v.ok()) return v.status();
      auto list = Top("APPEND");
      if (!list.ok()) return list.status();
      std::vector<ObjectPtr> values{std::move(*v)};
      return FillList(*list, std::move(values), "APPEND");
    }
    case op::kAppends:
    case op::kSetItems:
    case op::kAddItems: {
      const absl::string_view name = op::Name(opcode);
      auto values = PopToMark(name);
      if (!values.ok()) return values.status();
      auto target = Top(name);
      if (!target.ok()) return target.status();
      if (opcode == op::kAppends) return FillList(*target, std::move(*values), name);
      if (opcode == op::kSetItems) return FillDict(*target, std::move(*values), name);
      return FillSet(*target, std::move(*values), name);
    }
    case op::kSetItem: {
      auto v = Pop("SETITEM");
      if (!v.ok()) return v.status();
      auto k = Pop("SETITEM");
      if (!k.ok()) return k.status();
      auto dict = Top("SETITEM");
      if (!dict.ok()) return dict.status();
      std::vector<ObjectPtr> kv{std::move(*k), std::move(*v)};
      return FillDict(*dict, std::move(kv), "SETITEM");
    }
    case op::kMemoize:
      return memo_put(memo_.size(), "MEMOIZE");
    case op::kBinPut:
    case op::kLongBinPut: {
      auto index = ReadUint(opcode == op::kBinPut ? 1 : 4, op::Name(opcode));
      if (!index.ok()) return index.status();
      return memo_put(*index, op::Name(opcode));
    }
    case op::kBinGet:
    case op::kLongBinGet: {
      auto index = ReadUint(opcode == op::kBinGet ? 1 : 4, op::Name(opcode));
      if (!index.ok()) return index.status();
      return memo_get(*index, op::Name(opcode));
    }
    case op::kGlobal: {
      auto module = ReadLine("GLOBAL module");
      if (!module.ok()) return module.status();
      auto name = ReadLine("GLOBAL name");
      if (!name.ok()) return name.status();
      return LoadGlobal(*module, *name);
    }
    case op::kStackGlobal: {
      auto name = Pop("STACK_GLOBAL");
      if (!name.ok()) return name.status();
      auto module = Pop("STACK_GLOBAL");
      if (!module.ok()) return module.status();
      if ((*name)->kind != Kind::kString || (*module)->kind != Kind::kString) {
        return Error("STACK_GLOBAL needs a module and a name as str");
      }
      return LoadGlobal((*module)->str, (*name)->str);
    }
    case op::kReduce:
      return Reduce();
    case op::kBuild:
      return Build();
    case op::kNewObj:
      return NewObj(false);
    case op::kNewObjEx:
      return NewObj(true);
    case op::kReadOnlyBuffer:
      return Top("READONLY_BUFFER").status();
    case op::kNextBuffer:
      return Error(
          "NEXT_BUFFER: the pickle refers to out-of-band buffers (protocol 5 with a "
          "buffer_callback), which a file cannot carry; save the model without "
          "buffer_callback");
    case op::kExt1:
    case op::kExt2:
    case op::kExt4:
      return Error(absl::StrCat(op::Name(opcode), ": copyreg extension codes are not supported"));
    case op::kPersId:
    case op::kBinPersId:
      return Error(absl::StrCat(op::Name(opcode),
                                ": persistent ids are not supported (the "
                                "file was written by a custom Pickler)"));
    default: {
      const absl::string_view name = op::Name(opcode);
      if (!name.empty()) {
        return Error(absl::StrCat("opcode ", name,
                                  " belongs to pickle protocols 0 and 1, which "
                                  "ferry does not read; re-save the model with protocol 2 or "
                                  "newer"));
      }
      return Error(
          absl::StrFormat("unknown opcode 0x%02x; the file is corrupt or not a pickle", opcode));
    }
  }
}

}  // namespace ferry::pickle
