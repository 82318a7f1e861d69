// JsonWriter: builds JSON text by appending to a caller's std::string, with commas and
// colons placed automatically. Strings are escaped (quotes, backslashes, control characters
// as \n, \t, \u001f...); valid UTF-8 passes through unchanged and each invalid byte becomes
// U+FFFD, so the output is always valid JSON. Doubles use the shortest text that parses back
// to the same value (12.0, 0.1, 1e-07); NaN and infinities become null.
//
//   std::string line;
//   JsonWriter w(&line);
//   w.BeginObject().Key("prediction").Double(12.5).EndObject();   // {"prediction":12.5}
//
// REQUIRES: calls form valid JSON (a Key before each object member, balanced Begin/End);
// this is checked only by assertions in debug builds. The string must outlive the writer.
#ifndef FERRY_IO_JSON_WRITER_H_
#define FERRY_IO_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include "absl/container/inlined_vector.h"
#include "core/value.h"

namespace ferry::io {

// Appends `text` as a quoted, escaped JSON string.
void AppendJsonString(std::string* out, std::string_view text);
// `text` as a quoted, escaped JSON string.
std::string JsonQuoted(std::string_view text);
// Appends the shortest round-trip form of `d` (null for NaN and infinities).
void AppendJsonDouble(std::string* out, double d);

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject();
  // Continues an object whose '{' (and, when `has_members`, some members) the string already
  // holds, e.g. a head written once for many lines: the next Key gets its comma right.
  JsonWriter& ResumeObject(bool has_members);
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  // A key already quoted and escaped, as AppendJsonString writes it: for keys written for
  // every row, escaped once.
  JsonWriter& QuotedKey(std::string_view quoted_key);

  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t i);
  JsonWriter& Double(double d);
  JsonWriter& Bool(bool b);
  JsonWriter& Null();
  // A Value as its JSON type: null, true/false, number or string.
  JsonWriter& Write(const Value& v);
  // Appends `json` verbatim as one value. REQUIRES: it is valid JSON.
  JsonWriter& Raw(std::string_view json);

  // Nesting depth: 0 when every container is closed.
  size_t depth() const { return first_.size(); }

 private:
  void BeforeValue();
  void BeforeKey();

  std::string* out_;
  // Per open container: no member written yet. Inline up to 16 levels: a writer per
  // response or output row allocates nothing for it.
  absl::InlinedVector<bool, 16> first_;
  bool after_key_ = false;
};

}  // namespace ferry::io

#endif  // FERRY_IO_JSON_WRITER_H_
