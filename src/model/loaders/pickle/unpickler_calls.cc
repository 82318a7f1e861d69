// Globals and calls: GLOBAL/STACK_GLOBAL check the allow-list; REDUCE, NEWOBJ and BUILD either
// record an instance of an allowed class or interpret a numpy/codecs/builtin helper (which
// produce plain data). joblib's NumpyArrayWrapper reads the array bytes that follow it.
#include "absl/strings/str_cat.h"
#include "model/loaders/pickle/numpy_codec.h"
#include "model/loaders/pickle/scalar_bytes.h"
#include "model/loaders/pickle/unpickler.h"

namespace ferry::pickle {
namespace {

using Kind = Object::Kind;

const AllowedGlobal* RoleOf(const Object& o) {
  return o.kind == Kind::kGlobal ? AllowedGlobalAt(o.int_value) : nullptr;
}

bool IsStr(const Object& o, absl::string_view s) { return o.kind == Kind::kString && o.str == s; }

}  // namespace

absl::Status Unpickler::LoadGlobal(absl::string_view module, absl::string_view name) {
  const AllowedGlobal* g = FindAllowedGlobal(module, name);
  if (g == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("pickle: refusing global '", module, ".", name,
                                                   "' (byte ", op_pos_,
                                                   "): ", RefusalReason(module, name)));
  }
  auto o = New(Kind::kGlobal);
  if (!o.ok()) return o.status();
  (*o)->str = absl::StrCat(module, ".", name);
  (*o)->int_value = AllowedGlobalIndex(g);
  Push(std::move(*o));
  return absl::OkStatus();
}

absl::StatusOr<ObjectPtr> Unpickler::NewInstance(const Object& cls,
                                                 const std::vector<ObjectPtr>& args) {
  auto inst = New(Kind::kInstance);
  if (!inst.ok()) return inst.status();
  (*inst)->str = cls.str;
  for (const ObjectPtr& a : args) {
    if (auto s = AddChild(*inst, a); !s.ok()) return s;
    (*inst)->items.push_back(a);
  }
  return inst;
}

absl::StatusOr<ObjectPtr> Unpickler::ArrayObject(std::shared_ptr<NdArray> array) {
  auto o = New(Kind::kArray);
  if (!o.ok()) return o.status();
  (*o)->array = std::move(array);
  for (const ObjectPtr& element : (*o)->array->objects) {
    if (auto s = AddChild(*o, element); !s.ok()) return s;
  }
  return o;
}

absl::Status Unpickler::Reduce() {
  auto args = Pop("REDUCE");
  if (!args.ok()) return args.status();
  auto callable = Pop("REDUCE");
  if (!callable.ok()) return callable.status();
  const AllowedGlobal* g = RoleOf(**callable);
  if (g == nullptr) {
    return Error(absl::StrCat("REDUCE calls ", (*callable)->Describe(),
                              ", which is not an allowed class or function"));
  }
  if ((*args)->kind != Kind::kTuple) {
    return Error(absl::StrCat("REDUCE arguments of '", (*callable)->str, "' are ",
                              (*args)->Describe(), ", expected a tuple"));
  }
  auto result = CallGlobal(**callable, *g, **args);
  if (!result.ok()) return result.status();
  Push(std::move(*result));
  return absl::OkStatus();
}

absl::StatusOr<ObjectPtr> Unpickler::CallGlobal(const Object& callable, const AllowedGlobal& g,
                                                const Object& args) {
  const auto& a = args.items;
  auto bad_args = [&](absl::string_view expected) {
    return Error(absl::StrCat("'", callable.str, "' called with ", args.Describe(), ", expected ",
                              expected));
  };
  switch (g.role) {
    case GlobalRole::kClass:
    case GlobalRole::kFunction:
    case GlobalRole::kJoblibArrayWrapper:
      return NewInstance(callable, a);
    case GlobalRole::kValueOnly:
      return Error(absl::StrCat("global '", callable.str,
                                "' may appear as a value but ferry does not call it"));
    case GlobalRole::kNumpyReconstruct: {
      if (a.size() != 3 || a[0]->kind != Kind::kGlobal || a[0]->str != "numpy.ndarray") {
        return bad_args("(numpy.ndarray, shape, typecode)");
      }
      return New(Kind::kArray);  // array stays null until BUILD gives its state
    }
    case GlobalRole::kNumpyDtype: {
      if (a.empty() || a[0]->kind != Kind::kString) return bad_args("(type string, align, copy)");
      auto dtype = DtypeFromTypeString(a[0]->str);
      if (!dtype.ok()) return Error(dtype.status().message());
      auto o = New(Kind::kDtype);
      if (!o.ok()) return o.status();
      (*o)->dtype = std::move(*dtype);
      return o;
    }
    case GlobalRole::kNumpyScalar: {
      if (a.size() != 2 || a[0]->kind != Kind::kDtype) return bad_args("(dtype, data)");
      const Dtype& dt = *a[0]->dtype;
      absl::StatusOr<std::shared_ptr<NdArray>> array =
          dt.kind == 'O' ? ArrayFromObjects(dt, {}, {a[1]}, false)
          : a[1]->kind == Kind::kBytes
              ? ArrayFromBytes(dt, {}, a[1]->str, false)
              : absl::InvalidArgumentError(
                    absl::StrCat("numpy scalar data is ", a[1]->Describe(), ", expected bytes"));
      if (!array.ok()) return Error(array.status().message());
      return ArrayObject(std::move(*array));
    }
    case GlobalRole::kNumpyFromBuffer: {
      if (a.size() != 4 || a[0]->kind != Kind::kBytes || a[1]->kind != Kind::kDtype ||
          !(IsStr(*a[3], "C") || IsStr(*a[3], "F"))) {
        return bad_args("(buffer, dtype, shape, 'C' or 'F')");
      }
      auto shape = ShapeFromObject(*a[2]);
      if (!shape.ok()) return Error(shape.status().message());
      const auto size = static_cast<int64_t>(a[0]->str.size());
      if (auto s = Charge(size, "numpy array data"); !s.ok()) return s;
      auto array = ArrayFromBytes(*a[1]->dtype, std::move(*shape), a[0]->str, IsStr(*a[3], "F"));
      if (!array.ok()) return Error(array.status().message());
      return ArrayObject(std::move(*array));
    }
    case GlobalRole::kCodecsEncode:
    case GlobalRole::kBytes:
    case GlobalRole::kBytearray: {
      auto o = New(Kind::kBytes);
      if (!o.ok()) return o.status();
      if (a.empty() && g.role != GlobalRole::kCodecsEncode) return o;
      if (a.size() == 1 && a[0]->kind == Kind::kBytes && g.role != GlobalRole::kCodecsEncode) {
        (*o)->str = a[0]->str;
        return o;
      }
      if (a.size() == 2 && a[0]->kind == Kind::kString &&
          (IsStr(*a[1], "latin1") || IsStr(*a[1], "latin-1"))) {
        auto bytes = Utf8ToLatin1(a[0]->str);
        if (!bytes.ok()) return Error(bytes.status().message());
        (*o)->str = std::move(*bytes);
        return o;
      }
      return bad_args("(str, 'latin1') or (bytes,)");
    }
    case GlobalRole::kSet:
    case GlobalRole::kFrozenset: {
      auto o = New(Kind::kSet);
      if (!o.ok()) return o.status();
      if (a.empty()) return o;
      if (a.size() != 1 ||
          (a[0]->kind != Kind::kList && a[0]->kind != Kind::kTuple && a[0]->kind != Kind::kSet)) {
        return bad_args("(list,)");
      }
      for (const ObjectPtr& item : a[0]->items) {
        if (auto s = AddChild(*o, item); !s.ok()) return s;
        (*o)->items.push_back(item);
      }
      return o;
    }
    case GlobalRole::kOrderedDict: {
      auto o = New(Kind::kDict);
      if (!o.ok()) return o.status();
      if (a.empty()) return o;
      if (a.size() != 1 || a[0]->kind != Kind::kList) return bad_args("() or ([(key, value)],)");
      std::vector<ObjectPtr> kv;
      for (const ObjectPtr& pair : a[0]->items) {
        if (pair->kind != Kind::kTuple && pair->kind != Kind::kList) {
          return bad_args("a list of (key, value) pairs");
        }
        if (pair->items.size() != 2) return bad_args("a list of (key, value) pairs");
        kv.push_back(pair->items[0]);
        kv.push_back(pair->items[1]);
      }
      if (auto s = FillDict(*o, std::move(kv), "OrderedDict"); !s.ok()) return s;
      return o;
    }
    case GlobalRole::kCopyregReconstructor: {
      const AllowedGlobal* cls = a.size() == 3 ? RoleOf(*a[0]) : nullptr;
      if (cls == nullptr || cls->role != GlobalRole::kClass) {
        return bad_args("(allowed class, base, state)");
      }
      return NewInstance(*a[0], {});
    }
  }
  return Error("unhandled global role");
}

absl::Status Unpickler::NewObj(bool with_kwargs) {
  const absl::string_view name = with_kwargs ? "NEWOBJ_EX" : "NEWOBJ";
  ObjectPtr kwargs;
  if (with_kwargs) {
    auto k = Pop(name);
    if (!k.ok()) return k.status();
    kwargs = std::move(*k);
    if (kwargs->kind != Kind::kDict) return Error("NEWOBJ_EX keyword arguments are not a dict");
  }
  auto args = Pop(name);
  if (!args.ok()) return args.status();
  auto cls = Pop(name);
  if (!cls.ok()) return cls.status();
  const AllowedGlobal* g = RoleOf(**cls);
  if ((*args)->kind != Kind::kTuple) {
    return Error(absl::StrCat(name, " arguments are ", (*args)->Describe(), ", expected a tuple"));
  }
  if (g == nullptr) {
    return Error(
        absl::StrCat(name, " creates ", (*cls)->Describe(), ", which is not an allowed class"));
  }
  absl::StatusOr<ObjectPtr> result;
  switch (g->role) {
    case GlobalRole::kClass:
    case GlobalRole::kJoblibArrayWrapper: {
      std::vector<ObjectPtr> all = (*args)->items;
      if (kwargs && !kwargs->entries.empty()) all.push_back(kwargs);
      result = NewInstance(**cls, all);
      break;
    }
    case GlobalRole::kOrderedDict:
      result = New(Kind::kDict);
      break;
    case GlobalRole::kSet:
    case GlobalRole::kFrozenset:
      result = New(Kind::kSet);
      break;
    default:
      return Error(absl::StrCat(name, " cannot create '", (*cls)->str, "'"));
  }
  if (!result.ok()) return result.status();
  Push(std::move(*result));
  return absl::OkStatus();
}

absl::Status Unpickler::SetInstanceState(const ObjectPtr& target, const ObjectPtr& state) {
  ObjectPtr merged = state;
  // (dict, slotstate): one dict holding both.
  if (state->kind == Kind::kTuple && state->items.size() == 2 &&
      (state->items[0]->kind == Kind::kDict || state->items[0]->IsNone()) &&
      (state->items[1]->kind == Kind::kDict || state->items[1]->IsNone())) {
    auto d = New(Kind::kDict);
    if (!d.ok()) return d.status();
    std::vector<ObjectPtr> kv;
    for (const ObjectPtr& part : state->items) {
      for (const auto& [k, v] : part->entries) {
        kv.push_back(k);
        kv.push_back(v);
      }
    }
    if (auto s = FillDict(*d, std::move(kv), "BUILD"); !s.ok()) return s;
    merged = std::move(*d);
  }
  if (target->state && target->state->kind == Kind::kDict && merged->kind == Kind::kDict) {
    // A second BUILD updates the first state (later keys win in Object::Get).
    auto d = New(Kind::kDict);
    if (!d.ok()) return d.status();
    std::vector<ObjectPtr> kv;
    for (const ObjectPtr& part : {target->state, merged}) {
      for (const auto& [k, v] : part->entries) {
        kv.push_back(k);
        kv.push_back(v);
      }
    }
    if (auto s = FillDict(*d, std::move(kv), "BUILD"); !s.ok()) return s;
    merged = std::move(*d);
  }
  if (auto s = AddChild(target, merged); !s.ok()) return s;
  target->state = std::move(merged);
  return absl::OkStatus();
}

absl::Status Unpickler::Build() {
  auto state = Pop("BUILD");
  if (!state.ok()) return state.status();
  auto target_or = Top("BUILD");
  if (!target_or.ok()) return target_or.status();
  ObjectPtr target = std::move(*target_or);
  if (auto s = CheckMutable(*target, "BUILD"); !s.ok()) return s;
  switch (target->kind) {
    case Kind::kInstance: {
      if (target->str == "joblib.numpy_pickle.NumpyArrayWrapper" ||
          target->str == "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper") {
        if (!joblib_arrays_) {
          return Error("joblib NumpyArrayWrapper inside a nested pickle; the file is corrupt");
        }
        auto array = ReadJoblibArray(**state);
        if (!array.ok()) return array.status();
        graph_->saw_joblib_wrapper = true;
        stack_.back() = std::move(*array);
        return absl::OkStatus();
      }
      return SetInstanceState(target, *state);
    }
    case Kind::kArray: {
      if (target->array) return Error("BUILD on a numpy array that already has its data");
      const Object& st = **state;
      if (st.kind == Kind::kTuple && !st.items.empty() && st.items.back()->kind == Kind::kBytes) {
        const auto size = static_cast<int64_t>(st.items.back()->str.size());
        if (auto s = Charge(size, "numpy array data"); !s.ok()) return s;
      }
      auto array = ArrayFromReconstructState(st);
      if (!array.ok()) return Error(array.status().message());
      target->array = std::move(*array);
      for (const ObjectPtr& element : target->array->objects) {
        if (auto s = AddChild(target, element); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    case Kind::kDtype: {
      auto dtype = std::make_shared<Dtype>(*target->dtype);
      if (auto s = ApplyDtypeState(**state, dtype.get()); !s.ok()) return Error(s.message());
      target->dtype = std::move(dtype);
      return absl::OkStatus();
    }
    default:
      return Error(absl::StrCat("BUILD cannot set state on ", target->Describe()));
  }
}

absl::StatusOr<ObjectPtr> Unpickler::ReadJoblibArray(const Object& state) {
  auto field = [&](absl::string_view key) -> absl::StatusOr<const Object*> {
    const Object* v =
        state.kind == Kind::kDict ? state.Get(std::string_view(key.data(), key.size())) : nullptr;
    if (v == nullptr) {
      return Error(absl::StrCat("joblib NumpyArrayWrapper state lacks '", key, "'"));
    }
    return v;
  };
  auto subclass = field("subclass");
  if (!subclass.ok()) return subclass.status();
  if ((*subclass)->str != "numpy.ndarray") {
    return Error(absl::StrCat("joblib array of class ", (*subclass)->Describe(),
                              " is not supported (only numpy.ndarray)"));
  }
  auto shape_obj = field("shape");
  if (!shape_obj.ok()) return shape_obj.status();
  auto order = field("order");
  if (!order.ok()) return order.status();
  auto dtype_obj = field("dtype");
  if (!dtype_obj.ok()) return dtype_obj.status();
  if ((*dtype_obj)->kind != Kind::kDtype || !(IsStr(**order, "C") || IsStr(**order, "F"))) {
    return Error("joblib NumpyArrayWrapper needs a dtype and order 'C' or 'F'");
  }
  auto shape = ShapeFromObject(**shape_obj);
  if (!shape.ok()) return Error(shape.status().message());
  const Dtype& dtype = *(*dtype_obj)->dtype;
  const bool fortran = IsStr(**order, "F");
  if (HasObjects(dtype)) {
    // Arrays holding objects follow as a complete pickle of their own.
    Unpickler nested(data_, pos_, graph_, /*joblib_arrays=*/false);
    auto array = nested.Run();
    if (!array.ok()) return array.status();
    pos_ = nested.position();
    if ((*array)->kind != Kind::kArray || !(*array)->array || (*array)->array->shape != *shape) {
      return Error(absl::StrCat("joblib object array: the embedded pickle holds ",
                                (*array)->Describe(), ", not an array of the announced shape"));
    }
    return array;
  }
  const Object* align = state.Get("numpy_array_alignment_bytes");
  if (align != nullptr && !align->IsNone()) {
    auto pad = ReadUint(1, "joblib array padding length");
    if (!pad.ok()) return pad.status();
    if (auto skip = Take(*pad, "joblib array padding"); !skip.ok()) return skip.status();
  }
  auto nbytes = ArrayByteSize(dtype, *shape);
  if (!nbytes.ok()) return Error(nbytes.status().message());
  if (static_cast<uint64_t>(*nbytes) > data_.size() - pos_) {
    return Truncated(absl::StrCat("joblib array ", dtype.ToString()), *nbytes);
  }
  if (auto s = Charge(*nbytes, "joblib array data"); !s.ok()) return s;
  auto raw = Take(static_cast<uint64_t>(*nbytes), "joblib array data");
  if (!raw.ok()) return raw.status();
  auto array = ArrayFromBytes(dtype, std::move(*shape), *raw, fortran);
  if (!array.ok()) return Error(array.status().message());
  return ArrayObject(std::move(*array));
}

}  // namespace ferry::pickle
