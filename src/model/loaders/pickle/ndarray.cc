// Dtype and NdArray: element access and conversions over raw C-order bytes.
#include <cmath>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/loaders/pickle/object.h"
#include "model/loaders/pickle/scalar_bytes.h"

namespace ferry::pickle {

const Dtype::Field* Dtype::FindField(std::string_view name) const {
  for (const Field& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string Dtype::ToString() const {
  char order = (itemsize <= 1 || kind == 'O' || kind == 'V' || kind == 'S' || kind == 'b')
                   ? '|'
                   : (big_endian ? '>' : '<');
  int32_t n = kind == 'U' ? itemsize / 4 : itemsize;
  std::string out = absl::StrCat(std::string(1, order), std::string(1, kind), n);
  if (!fields.empty()) {
    out += "{";
    for (size_t i = 0; i < fields.size(); ++i) {
      const Field& f = fields[i];
      // Field types are bounded in nesting on load (Dtype::nesting), so this recursion is too.
      absl::StrAppend(&out, i ? "," : "", f.name, ":", f.type ? f.type->ToString() : "?", "@",
                      f.offset);
    }
    out += "}";
  }
  return out;
}

int64_t NdArray::size() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;  // bounded on load: the product fits in int64
  return n;
}

std::string NdArray::ShapeString() const {
  if (shape.size() == 1) return absl::StrCat("(", shape[0], ",)");
  return absl::StrCat("(", absl::StrJoin(shape, ", "), ")");
}

double NdArray::GetDouble(int64_t i) const {
  return ScalarAsDouble(data.data() + i * dtype.itemsize, dtype);
}

int64_t NdArray::GetInt(int64_t i) const {
  return ScalarAsInt(data.data() + i * dtype.itemsize, dtype);
}

namespace {

absl::Status NotNumeric(const Dtype& dtype, absl::string_view wanted) {
  return absl::InvalidArgumentError(
      absl::StrCat("expected a ", wanted, " array, got dtype ", dtype.ToString()));
}

}  // namespace

absl::StatusOr<std::vector<double>> NdArray::ToDoubles() const {
  if (!IsNumericScalar(dtype)) return NotNumeric(dtype, "numeric");
  std::vector<double> out(static_cast<size_t>(size()));
  if (dtype.kind == 'f' && dtype.itemsize == 8 && !dtype.big_endian) {
    std::memcpy(out.data(), data.data(), out.size() * sizeof(double));
    return out;
  }
  for (size_t i = 0; i < out.size(); ++i) out[i] = GetDouble(static_cast<int64_t>(i));
  return out;
}

absl::StatusOr<std::vector<int64_t>> NdArray::ToInts() const {
  if (!IsIntegerScalar(dtype)) return NotNumeric(dtype, "integer or bool");
  std::vector<int64_t> out(static_cast<size_t>(size()));
  for (size_t i = 0; i < out.size(); ++i) out[i] = GetInt(static_cast<int64_t>(i));
  return out;
}

absl::StatusOr<std::vector<std::string>> NdArray::ToStrings() const {
  std::vector<std::string> out;
  const int64_t n = size();
  out.reserve(static_cast<size_t>(n));
  if (dtype.kind == 'O') {
    for (int64_t i = 0; i < n; ++i) {
      const Object* o = objects[static_cast<size_t>(i)].get();
      if (o == nullptr || o->kind != Object::Kind::kString) {
        return absl::InvalidArgumentError(absl::StrCat("expected an array of str, element ", i,
                                                       " is ",
                                                       o ? o->Describe() : std::string("missing")));
      }
      out.push_back(o->str);
    }
    return out;
  }
  if (dtype.kind != 'U' && dtype.kind != 'S') {
    return absl::InvalidArgumentError(
        absl::StrCat("expected an array of strings, got dtype ", dtype.ToString()));
  }
  for (int64_t i = 0; i < n; ++i) {
    absl::string_view raw(data.data() + i * dtype.itemsize, static_cast<size_t>(dtype.itemsize));
    if (dtype.kind == 'S') {
      while (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
      out.emplace_back(raw);
      continue;
    }
    auto s = Ucs4ToUtf8(raw, dtype.big_endian);
    if (!s.ok()) return s.status();
    out.push_back(std::move(*s));
  }
  return out;
}

namespace {

absl::StatusOr<const Dtype::Field*> CheckField(const NdArray& a, int64_t r,
                                               absl::string_view field) {
  const Dtype::Field* f = a.dtype.FindField(std::string_view(field.data(), field.size()));
  if (f == nullptr) {
    std::vector<absl::string_view> names;
    for (const auto& g : a.dtype.fields) names.push_back(g.name);
    return absl::InvalidArgumentError(absl::StrCat("structured array has no field '", field,
                                                   "' (fields: ", absl::StrJoin(names, ", "), ")"));
  }
  if (r < 0 || r >= a.size()) {
    return absl::OutOfRangeError(
        absl::StrCat("record ", r, " is out of range for an array of ", a.size(), " records"));
  }
  if (!f->type || !IsNumericScalar(*f->type)) {
    return absl::InvalidArgumentError(absl::StrCat("field '", field, "' has non-numeric dtype ",
                                                   f->type ? f->type->ToString() : "?"));
  }
  return f;
}

}  // namespace

absl::StatusOr<double> NdArray::FieldDouble(int64_t r, std::string_view field) const {
  auto f = CheckField(*this, r, Sv(field));
  if (!f.ok()) return f.status();
  return ScalarAsDouble(data.data() + r * dtype.itemsize + (*f)->offset, *(*f)->type);
}

absl::StatusOr<int64_t> NdArray::FieldInt(int64_t r, std::string_view field) const {
  auto f = CheckField(*this, r, Sv(field));
  if (!f.ok()) return f.status();
  if (!IsIntegerScalar(*(*f)->type)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field '", Sv(field), "' has dtype ", (*f)->type->ToString(), ", expected an integer"));
  }
  return ScalarAsInt(data.data() + r * dtype.itemsize + (*f)->offset, *(*f)->type);
}

}  // namespace ferry::pickle
