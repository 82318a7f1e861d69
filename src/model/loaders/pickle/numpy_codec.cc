#include "model/loaders/pickle/numpy_codec.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "model/loaders/pickle/scalar_bytes.h"

namespace ferry::pickle {
namespace {

using Kind = Object::Kind;

absl::Status Bad(absl::string_view msg) { return absl::InvalidArgumentError(msg); }

bool NeedsSwap(const Dtype& d) {
  if (!d.fields.empty()) {
    for (const auto& f : d.fields) {
      if (f.type && NeedsSwap(*f.type)) return true;  // depth <= kMaxDtypeNesting
    }
    return false;
  }
  return d.big_endian && d.itemsize > 1;
}

// Swaps one element at p to native order (recursing into fields, bounded by nesting).
void SwapElement(const Dtype& d, char* p) {
  if (!d.fields.empty()) {
    for (const auto& f : d.fields) {
      if (f.type) SwapElement(*f.type, p + f.offset);
    }
    return;
  }
  if (!d.big_endian || d.itemsize <= 1) return;
  switch (d.kind) {
    case 'U':
      SwapEachElement(p, static_cast<size_t>(d.itemsize / 4), 4);
      break;
    case 'c':
      SwapEachElement(p, 2, d.itemsize / 2);
      break;
    case 'f':
    case 'i':
    case 'u':
    case 'M':
    case 'm':
      SwapEachElement(p, 1, d.itemsize);
      break;
    default:
      break;  // bytes, void: no byte order
  }
}

Dtype NativeOrder(const Dtype& d) {
  Dtype out = d;
  out.big_endian = false;
  for (auto& f : out.fields) {
    if (f.type) f.type = std::make_shared<Dtype>(NativeOrder(*f.type));
  }
  return out;
}

// Copies a Fortran-order array of `count` elements into C order. get(src, dst) copies one.
template <typename CopyOne>
void FortranToC(const std::vector<int64_t>& shape, int64_t count, CopyOne copy_one) {
  const size_t nd = shape.size();
  std::vector<int64_t> fstride(nd), idx(nd, 0);
  int64_t s = 1;
  for (size_t k = 0; k < nd; ++k) {
    fstride[k] = s;
    s *= shape[k];
  }
  int64_t src = 0;
  for (int64_t dst = 0; dst < count; ++dst) {
    copy_one(src, dst);
    for (size_t k = nd; k-- > 0;) {  // advance the C-order odometer, last axis fastest
      if (++idx[k] < shape[k]) {
        src += fstride[k];
        break;
      }
      src -= fstride[k] * (shape[k] - 1);
      idx[k] = 0;
    }
  }
}

}  // namespace

bool HasObjects(const Dtype& dtype) {
  if (dtype.kind == 'O') return true;
  for (const auto& f : dtype.fields) {
    if (f.type && HasObjects(*f.type)) return true;  // depth <= kMaxDtypeNesting
  }
  return false;
}

absl::StatusOr<std::shared_ptr<Dtype>> DtypeFromTypeString(absl::string_view type) {
  auto dtype = std::make_shared<Dtype>();
  absl::string_view s = type;
  if (!s.empty() && (s[0] == '<' || s[0] == '>' || s[0] == '|' || s[0] == '=')) {
    dtype->big_endian = s[0] == '>';
    s.remove_prefix(1);
  }
  if (s.empty()) return Bad(absl::StrCat("empty numpy dtype string '", type, "'"));
  char kind = s[0];
  s.remove_prefix(1);
  int64_t n = -1;
  if (!s.empty()) {
    if (s.size() > 10 || !absl::SimpleAtoi(s, &n) || n < 0) {
      return Bad(absl::StrCat("unsupported numpy dtype string '", type, "'"));
    }
  }
  switch (kind) {
    case '?':
      kind = 'b';
      n = 1;
      break;
    case 'b':
      if (n != 1 && n != -1) return Bad(absl::StrCat("bad bool dtype '", type, "'"));
      n = 1;
      break;
    case 'O':
      n = 8;
      break;
    case 'M':
    case 'm':
      n = 8;
      break;
    case 'U':
      n = n < 0 ? 0 : n * 4;
      break;
    case 'S':
    case 'V':
      n = n < 0 ? 0 : n;
      break;
    case 'f':
    case 'i':
    case 'u':
    case 'c':
      if (n <= 0) return Bad(absl::StrCat("numpy dtype string '", type, "' lacks a size"));
      break;
    default:
      return Bad(absl::StrCat("unsupported numpy dtype kind in '", type, "'"));
  }
  if (n > std::numeric_limits<int32_t>::max()) {
    return Bad(absl::StrCat("numpy dtype '", type, "' has an absurd item size"));
  }
  dtype->kind = kind;
  dtype->itemsize = static_cast<int32_t>(n);
  return dtype;
}

absl::Status ApplyDtypeState(const Object& state, Dtype* dtype) {
  if (state.kind != Kind::kTuple || (state.items.size() != 8 && state.items.size() != 9)) {
    return Bad(
        absl::StrCat("numpy dtype state must be a tuple of 8 or 9 items, got ", state.Describe()));
  }
  const auto& it = state.items;
  auto version = it[0]->AsInt("dtype state version");
  if (!version.ok()) return version.status();
  if (*version != 3 && *version != 4) {
    return Bad(absl::StrCat("unsupported numpy dtype state version ", *version));
  }
  if (it[1]->kind != Kind::kString) return Bad("numpy dtype byte order is not a str");
  const std::string& order = it[1]->str;
  if (order == ">") {
    dtype->big_endian = true;
  } else if (order == "<" || order == "|" || order == "=") {
    dtype->big_endian = false;
  } else {
    return Bad(absl::StrCat("numpy dtype byte order '", order, "' is not one of < > | ="));
  }
  auto elsize = it[5]->AsInt("dtype state elsize");
  if (!elsize.ok()) return elsize.status();
  if (*elsize > std::numeric_limits<int32_t>::max()) return Bad("numpy dtype elsize is absurd");
  if (*elsize > 0 || dtype->kind == 'V' || dtype->kind == 'U' || dtype->kind == 'S') {
    dtype->itemsize = static_cast<int32_t>(std::max<int64_t>(*elsize, 0));
  }
  const Object& names = *it[3];
  const Object& fields = *it[4];
  dtype->fields.clear();
  dtype->nesting = 0;
  if (names.IsNone()) return absl::OkStatus();
  if (names.kind != Kind::kTuple || fields.kind != Kind::kDict) {
    return Bad("numpy dtype names must be a tuple and fields a dict");
  }
  absl::flat_hash_map<absl::string_view, const Object*> by_name;
  for (const auto& [k, v] : fields.entries) {
    if (k->kind == Kind::kString) by_name[k->str] = v.get();
  }
  for (const ObjectPtr& name : names.items) {
    if (name->kind != Kind::kString) return Bad("numpy dtype field name is not a str");
    auto f = by_name.find(name->str);
    if (f == by_name.end()) {
      return Bad(absl::StrCat("numpy dtype field '", name->str, "' is named but not described"));
    }
    const Object& desc = *f->second;
    if (desc.kind != Kind::kTuple || desc.items.size() < 2 || desc.items[0]->kind != Kind::kDtype ||
        !desc.items[0]->dtype) {
      return Bad(
          absl::StrCat("numpy dtype field '", name->str, "' must be described by (dtype, offset)"));
    }
    auto offset = desc.items[1]->AsInt(absl::StrCat("offset of field '", name->str, "'"));
    if (!offset.ok()) return offset.status();
    std::shared_ptr<Dtype> type = desc.items[0]->dtype;
    if (*offset < 0 || *offset + type->itemsize > dtype->itemsize) {
      return Bad(absl::StrCat("numpy dtype field '", name->str, "' at offset ", *offset,
                              " with item size ", type->itemsize,
                              " does not fit in the record size ", dtype->itemsize));
    }
    if (type->nesting + 1 > kMaxDtypeNesting) {
      return Bad(absl::StrCat("numpy dtype nests structured fields deeper than ", kMaxDtypeNesting,
                              " levels"));
    }
    dtype->nesting = std::max(dtype->nesting, type->nesting + (type->fields.empty() ? 0 : 1));
    dtype->fields.push_back({name->str, std::move(type), static_cast<int32_t>(*offset)});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> ShapeFromObject(const Object& shape) {
  std::vector<int64_t> dims;
  if (shape.kind == Kind::kInt) {
    dims.push_back(shape.int_value);
  } else if (shape.kind == Kind::kTuple || shape.kind == Kind::kList) {
    if (shape.items.size() > kMaxArrayDims) {
      return Bad(absl::StrCat("array has ", shape.items.size(), " dimensions (numpy allows ",
                              kMaxArrayDims, ")"));
    }
    for (const ObjectPtr& d : shape.items) {
      auto v = d->AsInt("array dimension");
      if (!v.ok()) return v.status();
      dims.push_back(*v);
    }
  } else {
    return Bad(absl::StrCat("array shape must be a tuple of ints, got ", shape.Describe()));
  }
  for (int64_t d : dims) {
    if (d < 0) return Bad(absl::StrCat("array shape has a negative dimension ", d));
  }
  return dims;
}

namespace {

absl::StatusOr<int64_t> ElementCount(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n)) {
      return Bad("array shape is absurd: its element count overflows 64 bits");
    }
  }
  return n;
}

}  // namespace

absl::StatusOr<int64_t> ArrayByteSize(const Dtype& dtype, const std::vector<int64_t>& shape) {
  auto count = ElementCount(shape);
  if (!count.ok()) return count.status();
  const int64_t n = *count;
  if (dtype.itemsize <= 0 && n > 0) {
    return Bad(absl::StrCat("array of ", n, " elements has zero-size dtype ", dtype.ToString()));
  }
  int64_t bytes;
  if (__builtin_mul_overflow(n, static_cast<int64_t>(dtype.itemsize), &bytes)) {
    return Bad("array size is absurd: its byte count overflows 64 bits");
  }
  return bytes;
}

absl::StatusOr<std::shared_ptr<NdArray>> ArrayFromBytes(const Dtype& dtype,
                                                        std::vector<int64_t> shape,
                                                        absl::string_view raw, bool fortran) {
  if (HasObjects(dtype)) {
    return Bad(absl::StrCat("array of dtype ", dtype.ToString(),
                            " holds Python objects and cannot be read from raw bytes"));
  }
  auto nbytes = ArrayByteSize(dtype, shape);
  if (!nbytes.ok()) return nbytes.status();
  if (*nbytes != static_cast<int64_t>(raw.size())) {
    return Bad(absl::StrCat("array ", dtype.ToString(), " of ", shape.size(), " dimensions needs ",
                            *nbytes, " bytes but ", raw.size(), " are present"));
  }
  auto out = std::make_shared<NdArray>();
  out->shape = std::move(shape);
  const int64_t count = out->size();
  const size_t w = static_cast<size_t>(dtype.itemsize);
  if (!fortran || out->shape.size() <= 1 || w == 0) {
    out->data.assign(raw.data(), raw.size());
  } else {
    out->data.resize(raw.size());
    char* dst = out->data.data();
    FortranToC(out->shape, count,
               [&](int64_t s, int64_t d) { std::memcpy(dst + d * w, raw.data() + s * w, w); });
  }
  if (NeedsSwap(dtype)) {
    for (int64_t i = 0; i < count; ++i) SwapElement(dtype, out->data.data() + i * w);
    out->dtype = NativeOrder(dtype);
  } else {
    out->dtype = dtype;
  }
  return out;
}

absl::StatusOr<std::shared_ptr<NdArray>> ArrayFromObjects(const Dtype& dtype,
                                                          std::vector<int64_t> shape,
                                                          std::vector<ObjectPtr> objects,
                                                          bool fortran) {
  auto count = ElementCount(shape);
  if (!count.ok()) return count.status();
  if (*count != static_cast<int64_t>(objects.size())) {
    return Bad(
        absl::StrCat("object array of ", *count, " elements holds ", objects.size(), " objects"));
  }
  auto out = std::make_shared<NdArray>();
  out->dtype = dtype;
  out->shape = std::move(shape);
  if (!fortran || out->shape.size() <= 1) {
    out->objects = std::move(objects);
  } else {
    out->objects.resize(objects.size());
    FortranToC(out->shape, *count,
               [&](int64_t s, int64_t d) { out->objects[d] = std::move(objects[s]); });
  }
  return out;
}

absl::StatusOr<std::shared_ptr<NdArray>> ArrayFromReconstructState(const Object& state) {
  if (state.kind != Kind::kTuple || (state.items.size() != 5 && state.items.size() != 4)) {
    return Bad(
        absl::StrCat("numpy array state must be (version, shape, dtype, is_fortran, "
                     "data), got ",
                     state.Describe()));
  }
  size_t i = 0;
  if (state.items.size() == 5) {
    auto version = state.items[0]->AsInt("array state version");
    if (!version.ok()) return version.status();
    if (*version != 1) return Bad(absl::StrCat("unsupported numpy array state version ", *version));
    i = 1;
  }
  auto shape = ShapeFromObject(*state.items[i]);
  if (!shape.ok()) return shape.status();
  const Object& dt = *state.items[i + 1];
  if (dt.kind != Kind::kDtype || !dt.dtype) {
    return Bad(absl::StrCat("numpy array state dtype is ", dt.Describe()));
  }
  auto fortran = state.items[i + 2]->AsBool("array state is_fortran");
  if (!fortran.ok()) return fortran.status();
  const Object& raw = *state.items[i + 3];
  if (dt.dtype->kind != 'O' && HasObjects(*dt.dtype)) {
    return Bad(absl::StrCat("structured arrays with object fields (dtype ", dt.dtype->ToString(),
                            ") are not supported"));
  }
  if (dt.dtype->kind == 'O') {
    if (raw.kind != Kind::kList) {
      return Bad(absl::StrCat("object array data must be a list, got ", raw.Describe()));
    }
    // numpy lists object elements in C order of the logical indices even for Fortran arrays.
    return ArrayFromObjects(*dt.dtype, std::move(*shape), raw.items, /*fortran=*/false);
  }
  if (raw.kind != Kind::kBytes) {
    return Bad(absl::StrCat("numpy array data must be bytes, got ", raw.Describe()));
  }
  return ArrayFromBytes(*dt.dtype, std::move(*shape), raw.str, *fortran);
}

}  // namespace ferry::pickle
