// Value: one cell of a record as callers send it (null, bool, integer, float or string).
// A small tagged union with value semantics; cheap to copy for numbers, owns its string.
#ifndef FERRY_CORE_VALUE_H_
#define FERRY_CORE_VALUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ferry {

class Value {
 public:
  enum class Kind : uint8_t { kNull, kBool, kInt, kFloat, kString };

  Value() = default;
  static Value Null() { return Value(); }
  static Value Bool(bool b) { return Value(Storage(b)); }
  static Value Int(int64_t i) { return Value(Storage(i)); }
  static Value Float(double d) { return Value(Storage(d)); }
  static Value String(std::string s) { return Value(Storage(std::move(s))); }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_number() const { return kind() == Kind::kInt || kind() == Kind::kFloat; }

  // REQUIRES: the matching kind.
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_float() const { return std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }

  // Numeric view: ints, floats and bools as double; nullopt for null and strings.
  std::optional<double> ToDouble() const;

  // Text for messages and for string-keyed lookups: 12, 1.5, true, "abc" (no quotes), null.
  std::string ToString() const;

  // Python-style equality: Int(1) == Float(1.0) == Bool(true); strings compare by bytes.
  bool operator==(const Value& other) const;

 private:
  using Storage = std::variant<std::monostate, bool, int64_t, double, std::string>;
  explicit Value(Storage s) : v_(std::move(s)) {}
  Storage v_;
};

// Shortest text that parses back to exactly `d` (like Python's repr): 0.1, 1e-07, 12.0.
std::string FormatDouble(double d);

// Which kinds of non-null values a column holds: what writers that must pick one type per
// column (Parquet, SQL tables) decide from.
struct ValueKinds {
  bool ints = false, floats = false, bools = false, strings = false;
};
ValueKinds KindsOf(const std::vector<Value>& values);

}  // namespace ferry

#endif  // FERRY_CORE_VALUE_H_
