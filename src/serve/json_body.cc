#include "serve/json_body.h"

#include "absl/strings/str_cat.h"
#include "io/json_value.h"
#include "serve/http_errors.h"
#include "serve/sv.h"

namespace ferry::serve {

using simdjson::dom::element;
using simdjson::dom::element_type;

absl::StatusOr<element> ParseJsonBody(std::string_view body, size_t max_depth) {
  thread_local simdjson::dom::parser parser;
  thread_local size_t parser_depth = 0;
  if (parser_depth != max_depth) {
    if (parser.allocate(1 << 16, max_depth) != simdjson::SUCCESS) {
      return absl::ResourceExhaustedError("could not allocate the JSON parser");
    }
    parser_depth = max_depth;
  }
  element root;
  simdjson::error_code error = parser.parse(body.data(), body.size()).get(root);
  if (error == simdjson::DEPTH_ERROR) {
    return absl::InvalidArgumentError(
        Cat("the JSON body nests deeper than the limit of ", max_depth, " levels"));
  }
  if (error != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        Cat("the body is not valid JSON: ", simdjson::error_message(error),
            body.empty() ? " (the body is empty)" : ""));
  }
  return root;
}

simdjson::dom::array ArrayOf(element e) {
  simdjson::dom::array array;
  if (e.get_array().get(array) != simdjson::SUCCESS) return {};
  return array;
}

simdjson::dom::object ObjectOf(element e) {
  simdjson::dom::object object;
  if (e.get_object().get(object) != simdjson::SUCCESS) return {};
  return object;
}

const char* JsonTypeWords(element e) { return io::JsonTypeWords(e.type()); }

Value JsonScalar(element e, std::string_view field, std::string* error) {
  Value v;
  if (!io::JsonScalarToValue(e, &v) && error->empty()) {
    *error = Cat(field, ": expected a number, string, boolean or null, got ", JsonTypeWords(e));
  }
  return v;
}

namespace {

void SetCell(RecordBatch* batch, size_t row, std::string_view field, element value) {
  std::string error;
  Value v = JsonScalar(value, field, &error);
  if (!error.empty()) batch->SetError(row, std::move(error));
  batch->GetOrAddColumn(field).values[row] = std::move(v);
}

}  // namespace

RecordBatch RecordFromObject(simdjson::dom::object object) {
  RecordBatch batch(1);
  for (auto [key, value] : object) SetCell(&batch, 0, key, value);
  return batch;
}

absl::Status CheckRowLimit(size_t rows, size_t max_rows) {
  if (rows <= max_rows) return absl::OkStatus();
  return PayloadTooLarge(Cat("the request holds ", rows, " records; the limit is ", max_rows,
                             " per request (split it, or raise --max-rows)"));
}

absl::StatusOr<RecordBatch> RecordsFromArray(simdjson::dom::array array,
                                             const std::vector<std::string>& positional_names,
                                             size_t max_rows, std::string_view where) {
  size_t n = array.size();
  if (absl::Status s = CheckRowLimit(n, max_rows); !s.ok()) return s;
  RecordBatch batch(n);
  size_t row = 0;
  for (element record : array) {
    if (record.type() == element_type::OBJECT) {
      for (auto [key, value] : ObjectOf(record)) SetCell(&batch, row, key, value);
    } else if (record.type() == element_type::ARRAY) {
      simdjson::dom::array values = ArrayOf(record);
      if (values.size() > positional_names.size()) {
        return absl::InvalidArgumentError(Cat(where, "[", row, "] has ", values.size(),
                                              " values but there are only ",
                                              positional_names.size(), " fields to give them to"));
      }
      size_t i = 0;
      for (element value : values) SetCell(&batch, row, positional_names[i++], value);
    } else {
      return absl::InvalidArgumentError(Cat(where, "[", row, "] is ", JsonTypeWords(record),
                                            "; each record must be an object of field values"));
    }
    ++row;
  }
  return batch;
}

absl::StatusOr<RecordBatch> RecordsFromColumns(simdjson::dom::object columns, size_t max_rows,
                                               std::string_view where) {
  size_t n = 0;
  bool first = true;
  for (auto [key, value] : columns) {
    if (value.type() != element_type::ARRAY) {
      return absl::InvalidArgumentError(
          Cat(where, ".", key, " is ", JsonTypeWords(value), "; expected an array of values"));
    }
    size_t size = ArrayOf(value).size();
    if (!first && size != n) {
      return absl::InvalidArgumentError(
          Cat(where, ": columns differ in length (", key, " has ", size, ", others ", n, ")"));
    }
    n = size;
    first = false;
  }
  if (absl::Status s = CheckRowLimit(n, max_rows); !s.ok()) return s;
  RecordBatch batch(n);
  for (auto [key, value] : columns) {
    size_t row = 0;
    for (element cell : ArrayOf(value)) SetCell(&batch, row++, key, cell);
  }
  return batch;
}

}  // namespace ferry::serve
