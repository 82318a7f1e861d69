// Request bodies as web forms and CSV send them, turned into record batches:
//   application/x-www-form-urlencoded   a=1&b=x+y          one record, values as text
//   multipart/form-data (curl -F)       one record from the plain fields; a file part
//                                       (curl -F rows=@file.csv) holds CSV or JSONL records,
//                                       and plain fields then fill fields the file lacks
//   text/csv                            a header line, then one record per line
// Values stay text: the bundle's input rules give them their types ("5.0" -> float).
#ifndef FERRY_SERVE_FORM_BODY_H_
#define FERRY_SERVE_FORM_BODY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/record_batch.h"

namespace ferry::serve {

// Decodes %XX escapes, and '+' as a space when `plus_is_space`. 400 on a malformed escape.
absl::StatusOr<std::string> PercentDecode(std::string_view text, bool plus_is_space);

absl::StatusOr<RecordBatch> RecordFromUrlEncoded(std::string_view body);

// `content_type` is the whole header (it carries the boundary).
absl::StatusOr<RecordBatch> RecordsFromMultipart(std::string_view body,
                                                 std::string_view content_type, size_t max_rows);

// Records of a CSV or JSONL text (`format` "csv", or "auto" to sniff); 413 beyond max_rows.
absl::StatusOr<RecordBatch> RecordsFromText(std::string text, std::string_view format,
                                            size_t max_rows);

}  // namespace ferry::serve

#endif  // FERRY_SERVE_FORM_BODY_H_
