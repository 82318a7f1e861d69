#include "io/record_reader.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "io/csv_reader.h"
#include "io/jsonl_reader.h"

namespace ferry::io {
namespace {

std::string Lower(std::string_view text) {
  std::string lower(text);
  absl::AsciiStrToLower(&lower);
  return lower;
}

// Reads from `source` until the first byte that is not whitespace or a byte order mark, and
// returns the bytes read so far in *prefix. Returns 0 when the input is blank.
absl::StatusOr<char> FirstNonBlank(ByteSource& source, std::string* prefix) {
  char block[4096];
  size_t scanned = 0;
  while (true) {
    for (; scanned < prefix->size(); ++scanned) {
      unsigned char c = static_cast<unsigned char>((*prefix)[scanned]);
      bool bom_byte = scanned < 3 && (c == 0xEF || c == 0xBB || c == 0xBF);
      if (!bom_byte && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return static_cast<char>(c);
      }
    }
    auto got = source.Read(block, sizeof(block));
    if (!got.ok()) return got.status();
    if (*got == 0) return '\0';
    prefix->append(block, *got);
  }
}

}  // namespace

absl::StatusOr<RecordFormat> ParseRecordFormat(std::string_view text) {
  std::string lower = Lower(text);
  if (lower == "auto") return RecordFormat::kAuto;
  if (lower == "csv") return RecordFormat::kCsv;
  if (lower == "jsonl" || lower == "ndjson" || lower == "json") return RecordFormat::kJsonl;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown input format '", std::string(text), "'; use csv, jsonl or auto"));
}

std::string_view RecordFormatName(RecordFormat format) {
  switch (format) {
    case RecordFormat::kAuto:
      return "auto";
    case RecordFormat::kCsv:
      return "csv";
    case RecordFormat::kJsonl:
      return "jsonl";
  }
  return "auto";
}

RecordFormat FormatFromExtension(std::string_view path) {
  std::string lower = Lower(path);
  if (absl::EndsWith(lower, ".csv")) return RecordFormat::kCsv;
  if (absl::EndsWith(lower, ".jsonl") || absl::EndsWith(lower, ".ndjson") ||
      absl::EndsWith(lower, ".json")) {
    return RecordFormat::kJsonl;
  }
  return RecordFormat::kAuto;
}

absl::StatusOr<std::unique_ptr<RecordReader>> MakeRecordReader(std::unique_ptr<ByteSource> source,
                                                               RecordFormat format,
                                                               const ReaderOptions& options) {
  if (format == RecordFormat::kAuto) {
    std::string prefix;
    auto first = FirstNonBlank(*source, &prefix);
    if (!first.ok()) return first.status();
    format = (*first == '{' || *first == '[') ? RecordFormat::kJsonl : RecordFormat::kCsv;
    source = PrefixedByteSource(std::move(prefix), std::move(source));
  }
  if (format == RecordFormat::kJsonl) {
    auto reader = JsonlReader::Create(std::move(source), options);
    if (!reader.ok()) return reader.status();
    return std::unique_ptr<RecordReader>(std::move(*reader));
  }
  auto reader = CsvReader::Create(std::move(source), options);
  if (!reader.ok()) return reader.status();
  return std::unique_ptr<RecordReader>(std::move(*reader));
}

absl::StatusOr<std::unique_ptr<RecordReader>> OpenRecordReader(const std::string& path,
                                                               RecordFormat format,
                                                               const ReaderOptions& options) {
  if (format == RecordFormat::kAuto && path != "-") format = FormatFromExtension(path);
  auto source = OpenByteSource(path);
  if (!source.ok()) return source.status();
  return MakeRecordReader(std::move(*source), format, options);
}

}  // namespace ferry::io
