#include "serve/form_body.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "io/byte_source.h"
#include "io/record_reader.h"
#include "serve/json_body.h"
#include "serve/sv.h"

namespace ferry::serve {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

RecordBatch RecordFromFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  RecordBatch batch(1);
  for (const auto& [name, value] : fields) {
    batch.GetOrAddColumn(name).values[0] = Value::String(value);  // a repeated name: last wins
  }
  return batch;
}

// The value of parameter `name` in a header like `form-data; name="x"; filename="a.csv"`.
std::string HeaderParameter(std::string_view header, std::string_view name) {
  for (absl::string_view part : absl::StrSplit(Sv(header), ';')) {
    part = absl::StripAsciiWhitespace(part);
    size_t eq = part.find('=');
    if (eq == absl::string_view::npos) continue;
    if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(part.substr(0, eq)), Sv(name))) continue;
    absl::string_view value = absl::StripAsciiWhitespace(part.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
  }
  return "";
}

struct Part {
  std::string name;
  bool is_file = false;
  std::string_view content;
};

absl::StatusOr<std::vector<Part>> SplitMultipart(std::string_view body, std::string_view boundary) {
  std::string delimiter = Cat("--", boundary);
  std::vector<Part> parts;
  size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) {
    return absl::InvalidArgumentError(
        "multipart body: the boundary from Content-Type never appears");
  }
  pos += delimiter.size();
  while (true) {
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") {
      return absl::InvalidArgumentError("multipart body: expected a line break after a boundary");
    }
    pos += 2;
    size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) {
      return absl::InvalidArgumentError("multipart body: a part's headers never end");
    }
    Part part;
    for (absl::string_view line : absl::StrSplit(Sv(body.substr(pos, headers_end - pos)), "\r\n")) {
      size_t colon = line.find(':');
      if (colon == absl::string_view::npos) continue;
      if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(line.substr(0, colon)),
                                 "content-disposition")) {
        absl::string_view value = line.substr(colon + 1);
        part.name = HeaderParameter(Std(value), "name");
        part.is_file = absl::StrContains(absl::AsciiStrToLower(value), "filename=");
      }
    }
    size_t content_start = headers_end + 4;
    size_t next = body.find(Cat("\r\n", delimiter), content_start);
    if (next == std::string_view::npos) {
      return absl::InvalidArgumentError(
          "multipart body: the last part is not closed by a boundary");
    }
    part.content = body.substr(content_start, next - content_start);
    if (part.name.empty()) {
      return absl::InvalidArgumentError(
          "multipart body: a part has no name in Content-Disposition");
    }
    parts.push_back(part);
    pos = next + 2 + delimiter.size();
  }
}

}  // namespace

absl::StatusOr<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 2 < text.size() ? HexDigit(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexDigit(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return absl::InvalidArgumentError(
            Cat("malformed percent escape at byte ", i, " of '", text.substr(0, 80), "'"));
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(plus_is_space && c == '+' ? ' ' : c);
    }
  }
  return out;
}

absl::StatusOr<RecordBatch> RecordFromUrlEncoded(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (absl::string_view pair : absl::StrSplit(Sv(body), '&', absl::SkipEmpty())) {
    size_t eq = pair.find('=');
    absl::StatusOr<std::string> name = PercentDecode(Std(pair.substr(0, eq)), true);
    if (!name.ok()) return name.status();
    absl::StatusOr<std::string> value =
        PercentDecode(eq == absl::string_view::npos ? "" : Std(pair.substr(eq + 1)), true);
    if (!value.ok()) return value.status();
    fields.emplace_back(std::move(*name), std::move(*value));
  }
  if (fields.empty()) return absl::InvalidArgumentError("the form holds no fields");
  return RecordFromFields(fields);
}

absl::StatusOr<RecordBatch> RecordsFromText(std::string text, std::string_view format,
                                            size_t max_rows) {
  absl::StatusOr<io::RecordFormat> parsed_format = io::ParseRecordFormat(format);
  if (!parsed_format.ok()) return parsed_format.status();
  io::ReaderOptions options;
  options.chunk_rows = max_rows + 1;
  auto reader = io::MakeRecordReader(io::StringByteSource(std::move(text), "the request body"),
                                     *parsed_format, options);
  if (!reader.ok()) return absl::InvalidArgumentError(reader.status().message());
  io::RecordChunk chunk;
  absl::StatusOr<bool> more = (*reader)->Next(&chunk);
  if (!more.ok()) return absl::InvalidArgumentError(more.status().message());
  if (!*more || chunk.batch.num_rows() == 0) {
    return absl::InvalidArgumentError("the body holds no records");
  }
  if (absl::Status s = CheckRowLimit(chunk.batch.num_rows(), max_rows); !s.ok()) return s;
  return std::move(chunk.batch);
}

absl::StatusOr<RecordBatch> RecordsFromMultipart(std::string_view body,
                                                 std::string_view content_type, size_t max_rows) {
  std::string boundary = HeaderParameter(content_type, "boundary");
  if (boundary.empty()) {
    return absl::InvalidArgumentError(
        "multipart/form-data without a boundary parameter in Content-Type");
  }
  absl::StatusOr<std::vector<Part>> parts = SplitMultipart(body, boundary);
  if (!parts.ok()) return parts.status();
  std::vector<std::pair<std::string, std::string>> fields;
  const Part* file = nullptr;
  for (const Part& part : *parts) {
    if (part.is_file) {
      if (file != nullptr) {
        return absl::InvalidArgumentError("multipart body: send one file of records at a time");
      }
      file = &part;
    } else {
      fields.emplace_back(part.name, std::string(part.content));
    }
  }
  if (file == nullptr) {
    if (fields.empty()) return absl::InvalidArgumentError("the form holds no fields");
    return RecordFromFields(fields);
  }
  absl::StatusOr<RecordBatch> batch = RecordsFromText(std::string(file->content), "auto", max_rows);
  if (!batch.ok()) return batch.status();
  for (const auto& [name, value] : fields) {
    if (batch->FindColumn(name) >= 0) continue;
    Column& column = batch->GetOrAddColumn(name);
    for (Value& cell : column.values) cell = Value::String(value);
  }
  return batch;
}

}  // namespace ferry::serve
