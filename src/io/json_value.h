// Scalars of a parsed JSON document (simdjson DOM) as ferry Values, and the words messages use
// for a JSON value's type. Shared by every reader of JSON records: JSONL files, HTTP bodies and
// stream events.
#ifndef FERRY_IO_JSON_VALUE_H_
#define FERRY_IO_JSON_VALUE_H_

#include <simdjson.h>

#include "core/value.h"

namespace ferry::io {

// A JSON scalar as a Value: integers -> Int (beyond int64 -> Float), other numbers -> Float,
// strings, booleans, null. Returns false (and leaves *out alone) for objects and arrays.
bool JsonScalarToValue(simdjson::dom::element element, Value* out);

// "an array", "an object", "a number", "a string", "a boolean" or "null".
const char* JsonTypeWords(simdjson::dom::element_type type);

}  // namespace ferry::io

#endif  // FERRY_IO_JSON_VALUE_H_
