#include "io/json_value.h"

#include <string>

namespace ferry::io {

bool JsonScalarToValue(simdjson::dom::element element, Value* out) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::INT64:
      *out = Value::Int(element.get_int64().value_unsafe());
      return true;
    case element_type::UINT64:  // simdjson uses it only above INT64_MAX
      *out = Value::Float(static_cast<double>(element.get_uint64().value_unsafe()));
      return true;
    case element_type::DOUBLE:
      *out = Value::Float(element.get_double().value_unsafe());
      return true;
    case element_type::STRING:
      *out = Value::String(std::string(element.get_string().value_unsafe()));
      return true;
    case element_type::BOOL:
      *out = Value::Bool(element.get_bool().value_unsafe());
      return true;
    case element_type::NULL_VALUE:
      *out = Value::Null();
      return true;
    default:
      return false;
  }
}

const char* JsonTypeWords(simdjson::dom::element_type type) {
  using simdjson::dom::element_type;
  switch (type) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "a JSON value";
}

}  // namespace ferry::io
