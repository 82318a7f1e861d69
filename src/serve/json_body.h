// Request bodies in JSON, parsed with simdjson under a nesting-depth limit, and turned into
// record batches: an array of objects (keys name fields), an array of arrays (positions name
// fields, in the order given), or columns ({"field": [v, ...]}). Numbers, strings, booleans
// and null become Values; a nested object or array where a field value belongs is that row's
// error ("field 'x': expected a number, string, boolean or null, got an object").
// The parsed document lives in a per-thread parser: it is valid until the next ParseJsonBody
// on the same thread.
#ifndef FERRY_SERVE_JSON_BODY_H_
#define FERRY_SERVE_JSON_BODY_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/record_batch.h"
#include "simdjson.h"

namespace ferry::serve {

// The array / object an element holds. REQUIRES: e.is_array() / e.is_object(). (Returned by
// value: simdjson's value_unsafe() returns a reference into a temporary.)
simdjson::dom::array ArrayOf(simdjson::dom::element e);
simdjson::dom::object ObjectOf(simdjson::dom::element e);

// 400 when `body` is not JSON or nests deeper than `max_depth`.
absl::StatusOr<simdjson::dom::element> ParseJsonBody(std::string_view body, size_t max_depth);

// The JSON type as words for messages: "an object", "an array", "a string", ...
const char* JsonTypeWords(simdjson::dom::element element);

// The Value of a scalar; a row error message (in *error) for objects and arrays.
Value JsonScalar(simdjson::dom::element element, std::string_view field, std::string* error);

// One record from one object.
RecordBatch RecordFromObject(simdjson::dom::object object);

// Records from an array of objects, or of arrays mapped onto `positional_names`. 413 beyond
// `max_rows`; 400 when an element is a scalar or an array has more values than names.
absl::StatusOr<RecordBatch> RecordsFromArray(simdjson::dom::array array,
                                             const std::vector<std::string>& positional_names,
                                             size_t max_rows, std::string_view where);

// Records from columns: {"x1": [1, 2], "x2": [3, 4]}; 400 when lengths differ or a value is
// not an array.
absl::StatusOr<RecordBatch> RecordsFromColumns(simdjson::dom::object columns, size_t max_rows,
                                               std::string_view where);

// 413 naming the limit when `rows` > `max_rows`.
absl::Status CheckRowLimit(size_t rows, size_t max_rows);

}  // namespace ferry::serve

#endif  // FERRY_SERVE_JSON_BODY_H_
