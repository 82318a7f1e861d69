#include "core/value.h"

#include <charconv>
#include <cmath>

namespace ferry {

std::optional<double> Value::ToDouble() const {
  switch (kind()) {
    case Kind::kBool:
      return as_bool() ? 1.0 : 0.0;
    case Kind::kInt:
      return static_cast<double>(as_int());
    case Kind::kFloat:
      return as_float();
    default:
      return std::nullopt;
  }
}

std::string Value::ToString() const {
  switch (kind()) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return as_bool() ? "true" : "false";
    case Kind::kInt:
      return std::to_string(as_int());
    case Kind::kFloat:
      return FormatDouble(as_float());
    case Kind::kString:
      return as_string();
  }
  return "";
}

bool Value::operator==(const Value& other) const {
  if (kind() == Kind::kString || other.kind() == Kind::kString) {
    return kind() == other.kind() && as_string() == other.as_string();
  }
  if (is_null() || other.is_null()) return is_null() && other.is_null();
  if (kind() != Kind::kFloat && other.kind() != Kind::kFloat) {
    int64_t a = kind() == Kind::kBool ? as_bool() : as_int();
    int64_t b = other.kind() == Kind::kBool ? other.as_bool() : other.as_int();
    return a == b;
  }
  return *ToDouble() == *other.ToDouble();
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d);
  std::string s(buf, res.ptr);
  // Keep a marker that this is a float, as Python's repr does: 12 -> 12.0.
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

ValueKinds KindsOf(const std::vector<Value>& values) {
  ValueKinds kinds;
  for (const Value& v : values) {
    switch (v.kind()) {
      case Value::Kind::kNull:
        break;
      case Value::Kind::kInt:
        kinds.ints = true;
        break;
      case Value::Kind::kFloat:
        kinds.floats = true;
        break;
      case Value::Kind::kBool:
        kinds.bools = true;
        break;
      case Value::Kind::kString:
        kinds.strings = true;
        break;
    }
  }
  return kinds;
}

}  // namespace ferry
