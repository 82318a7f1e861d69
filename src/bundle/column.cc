#include "bundle/column.h"

#include "bundle/dates.h"

namespace ferry::bundle {

const char* TypeName(Type t) {
  switch (t) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "bool";
    case Type::kInt:
      return "int";
    case Type::kFloat:
      return "float";
    case Type::kString:
      return "string";
    case Type::kDate:
      return "date";
    case Type::kTimestamp:
      return "timestamp";
  }
  return "?";
}

bool IsNumeric(Type t) { return t == Type::kBool || t == Type::kInt || t == Type::kFloat; }

ColumnData ColumnData::Make(Type type, size_t n) {
  ColumnData c;
  c.type = type;
  c.valid.assign(n, 0);
  switch (type) {
    case Type::kFloat:
      c.floats.assign(n, 0.0);
      break;
    case Type::kString:
      c.strings.resize(n);
      break;
    case Type::kNull:
      break;
    default:
      c.ints.assign(n, 0);
  }
  return c;
}

ColumnData ColumnData::Scalar(const Value& v, Type type) {
  ColumnData c = Make(type, 1);
  c.scalar = true;
  if (v.is_null()) return c;
  c.valid[0] = 1;
  switch (type) {
    case Type::kFloat:
      c.floats[0] = v.ToDouble().value_or(0.0);
      break;
    case Type::kString:
      c.strings[0] = v.ToString();
      break;
    case Type::kBool:
      c.ints[0] = v.as_bool();
      break;
    case Type::kNull:
      c.valid[0] = 0;
      break;
    default:
      c.ints[0] = v.as_int();
  }
  return c;
}

Value ColumnData::ToValue(size_t row) const {
  size_t i = at(row);
  if (type == Type::kNull || !valid[i]) return Value::Null();
  switch (type) {
    case Type::kBool:
      return Value::Bool(ints[i] != 0);
    case Type::kInt:
      return Value::Int(ints[i]);
    case Type::kFloat:
      return Value::Float(floats[i]);
    case Type::kString:
      return Value::String(strings[i]);
    case Type::kDate:
      return Value::String(FormatDate(ints[i]));
    case Type::kTimestamp:
      return Value::String(FormatTimestamp(ints[i]));
    case Type::kNull:
      break;
  }
  return Value::Null();
}

std::string ColumnData::ToText(size_t row) const {
  size_t i = at(row);
  if (type == Type::kNull || !valid[i]) return "";
  switch (type) {
    case Type::kBool:
      return ints[i] ? "True" : "False";
    case Type::kInt:
      return std::to_string(ints[i]);
    case Type::kFloat:
      return FormatDouble(floats[i]);
    case Type::kString:
      return strings[i];
    case Type::kDate:
      return FormatDate(ints[i]);
    case Type::kTimestamp:
      return FormatTimestamp(ints[i]);
    case Type::kNull:
      break;
  }
  return "";
}

}  // namespace ferry::bundle
