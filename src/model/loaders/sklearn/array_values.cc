// Array and record-field readers of common.h: numpy element decoding (any byte order,
// numeric, bool, UCS-4 and bytes dtypes) into doubles, ints and ferry Values.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/loaders/pickle/scalar_bytes.h"
#include "model/loaders/sklearn/common.h"

namespace ferry::model::sklearn {

namespace {

// Element i of a numeric, bool, 'U' or 'S' array as a Value.
absl::StatusOr<Value> ArrayElement(const NdArray& a, int64_t i, const std::string& what) {
  const pickle::Dtype& t = a.dtype;
  const char* p = a.data.data() + i * t.itemsize;
  if (t.kind == 'U') {
    auto s = pickle::Ucs4ToUtf8(absl::string_view(p, t.itemsize), t.big_endian);
    if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(what, ": ", s.status().message()));
    return Value::String(std::move(*s));
  }
  if (t.kind == 'S') {
    std::string s(p, t.itemsize);
    s.resize(std::strlen(s.c_str()));
    return Value::String(std::move(s));
  }
  if (!pickle::IsNumericScalar(t)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": unsupported array dtype ", t.ToString()));
  }
  if (t.kind == 'b') return Value::Bool(*p != 0);
  if (t.kind == 'f') return Value::Float(pickle::ScalarAsDouble(p, t));
  return Value::Int(pickle::ScalarAsInt(p, t));
}

absl::Status CheckData(const NdArray& a, const std::string& what) {
  if (static_cast<int64_t>(a.data.size()) < a.size() * a.dtype.itemsize) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": array data is shorter than its shape"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Value>> ToValues(const Object& o, const std::string& what) {
  std::vector<Value> out;
  if (o.kind == Object::Kind::kArray && o.array) {
    const NdArray& a = *o.array;
    if (a.dtype.kind == 'O') {
      for (const auto& item : a.objects) {
        if (!item) return absl::InvalidArgumentError(absl::StrCat(what, ": empty object slot"));
        auto v = ToValue(*item, what);
        if (!v.ok()) return v.status();
        out.push_back(std::move(*v));
      }
      return out;
    }
    if (auto s = CheckData(a, what); !s.ok()) return s;
    for (int64_t i = 0; i < a.size(); ++i) {
      auto v = ArrayElement(a, i, what);
      if (!v.ok()) return v.status();
      out.push_back(std::move(*v));
    }
    return out;
  }
  if (o.kind == Object::Kind::kList || o.kind == Object::Kind::kTuple) {
    for (const auto& item : o.items) {
      auto v = ToValue(*item, what);
      if (!v.ok()) return v.status();
      out.push_back(std::move(*v));
    }
    return out;
  }
  auto v = ToValue(o, what);
  if (!v.ok()) return v.status();
  out.push_back(std::move(*v));
  return out;
}

absl::StatusOr<Value> ToValue(const Object& o, const std::string& what) {
  switch (o.kind) {
    case Object::Kind::kNone:
      return Value::Null();
    case Object::Kind::kBool:
      return Value::Bool(o.bool_value);
    case Object::Kind::kInt:
      return Value::Int(o.int_value);
    case Object::Kind::kFloat:
      return Value::Float(o.float_value);
    case Object::Kind::kString:
    case Object::Kind::kBytes:
      return Value::String(o.str);
    case Object::Kind::kArray:
      if (o.array && o.array->size() == 1 && o.array->dtype.kind != 'O') {
        if (auto s = CheckData(*o.array, what); !s.ok()) return s;
        return ArrayElement(*o.array, 0, what);
      }
      if (o.array && o.array->size() == 1 && !o.array->objects.empty()) {
        return ToValue(*o.array->objects[0], what);
      }
      break;
    default:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": expected a number, string, bool or None, got ", ClassName(o)));
}

absl::StatusOr<std::vector<std::string>> ToStrings(const Object& o, const std::string& what) {
  auto values = ToValues(o, what);
  if (!values.ok()) return values.status();
  std::vector<std::string> out;
  for (const Value& v : *values) {
    if (!v.is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": expected strings, found ", v.ToString()));
    }
    out.push_back(v.as_string());
  }
  return out;
}

absl::StatusOr<std::vector<double>> Doubles(const Object& o, const std::string& what) {
  if (o.kind == Object::Kind::kArray && o.array && o.array->dtype.kind != 'O') {
    const NdArray& a = *o.array;
    if (!pickle::IsNumericScalar(a.dtype)) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": expected a numeric array, got dtype ", a.dtype.ToString()));
    }
    if (auto s = CheckData(a, what); !s.ok()) return s;
    std::vector<double> out(a.size());
    for (int64_t i = 0; i < a.size(); ++i) {
      out[i] = pickle::ScalarAsDouble(a.data.data() + i * a.dtype.itemsize, a.dtype);
    }
    return out;
  }
  auto values = ToValues(o, what);
  if (!values.ok()) return values.status();
  std::vector<double> out;
  for (const Value& v : *values) {
    auto d = v.ToDouble();
    if (!d) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": expected numbers, found ", v.ToString()));
    }
    out.push_back(*d);
  }
  return out;
}

absl::StatusOr<std::vector<int64_t>> Ints(const Object& o, const std::string& what) {
  if (o.kind == Object::Kind::kArray && o.array && o.array->dtype.kind != 'O') {
    const NdArray& a = *o.array;
    if (!pickle::IsNumericScalar(a.dtype) || a.dtype.kind == 'f') {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": expected an integer array, got dtype ", a.dtype.ToString()));
    }
    if (auto s = CheckData(a, what); !s.ok()) return s;
    std::vector<int64_t> out(a.size());
    for (int64_t i = 0; i < a.size(); ++i) {
      out[i] = pickle::ScalarAsInt(a.data.data() + i * a.dtype.itemsize, a.dtype);
    }
    return out;
  }
  auto values = ToValues(o, what);
  if (!values.ok()) return values.status();
  std::vector<int64_t> out;
  for (const Value& v : *values) {
    if (v.kind() == Value::Kind::kInt) {
      out.push_back(v.as_int());
    } else if (v.kind() == Value::Kind::kBool) {
      out.push_back(v.as_bool() ? 1 : 0);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": expected integers, found ", v.ToString()));
    }
  }
  return out;
}

absl::StatusOr<std::vector<const Object*>> Items(const Object& o, const std::string& what) {
  std::vector<const Object*> out;
  if (o.kind == Object::Kind::kList || o.kind == Object::Kind::kTuple) {
    for (const auto& item : o.items) out.push_back(item.get());
    return out;
  }
  if (o.kind == Object::Kind::kArray && o.array && o.array->dtype.kind == 'O') {
    for (const auto& item : o.array->objects) out.push_back(item.get());
    return out;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": expected a list, tuple or object array, got ", ClassName(o)));
}

namespace {

absl::StatusOr<const pickle::Dtype::Field*> FindNumericField(const NdArray& a,
                                                             const std::string& field,
                                                             const std::string& what) {
  const pickle::Dtype::Field* f = a.dtype.FindField(field);
  if (f == nullptr || !f->type) {
    std::vector<std::string> names;
    for (const auto& x : a.dtype.fields) names.push_back(x.name);
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": record field '", field, "' not found (fields: ", absl::StrJoin(names, ", "), ")"));
  }
  if (!pickle::IsNumericScalar(*f->type) || f->offset < 0 ||
      f->offset + f->type->itemsize > a.dtype.itemsize) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": record field '", field,
                                                   "' has unsupported type ", f->type->ToString()));
  }
  if (auto s = CheckData(a, what); !s.ok()) return s;
  return f;
}

}  // namespace

bool HasField(const NdArray& a, const std::string& field) {
  return a.dtype.FindField(field) != nullptr;
}

absl::StatusOr<std::vector<double>> FieldDoubles(const NdArray& a, const std::string& field,
                                                 const std::string& what) {
  auto f = FindNumericField(a, field, what);
  if (!f.ok()) return f.status();
  std::vector<double> out(a.size());
  for (int64_t r = 0; r < a.size(); ++r) {
    out[r] =
        pickle::ScalarAsDouble(a.data.data() + r * a.dtype.itemsize + (*f)->offset, *(*f)->type);
  }
  return out;
}

absl::StatusOr<std::vector<int64_t>> FieldInts(const NdArray& a, const std::string& field,
                                               const std::string& what) {
  auto f = FindNumericField(a, field, what);
  if (!f.ok()) return f.status();
  if ((*f)->type->kind == 'f') {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": record field '", field, "' is a float, expected an integer"));
  }
  std::vector<int64_t> out(a.size());
  for (int64_t r = 0; r < a.size(); ++r) {
    out[r] = pickle::ScalarAsInt(a.data.data() + r * a.dtype.itemsize + (*f)->offset, *(*f)->type);
  }
  return out;
}

}  // namespace ferry::model::sklearn
