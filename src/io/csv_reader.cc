#include "io/csv_reader.h"

#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "io/cell_parser.h"

namespace ferry::io {
namespace {

// Line breaks in [begin, end): LF, CRLF and a lone CR each count once.
int64_t CountLineBreaks(const char* begin, const char* end) {
  int64_t n = 0;
  for (const char* c = begin; c < end; ++c) {
    if (*c == '\n') {
      ++n;
    } else if (*c == '\r' && (c + 1 >= end || c[1] != '\n')) {
      ++n;
    }
  }
  return n;
}

}  // namespace

CsvReader::CsvReader(std::unique_ptr<ByteSource> source, const ReaderOptions& options)
    : buffer_(std::move(source), options.block_size, options.max_record_bytes), options_(options) {
  if (options_.chunk_rows == 0) options_.chunk_rows = 1;
}

absl::StatusOr<std::unique_ptr<CsvReader>> CsvReader::Create(std::unique_ptr<ByteSource> source,
                                                             const ReaderOptions& options) {
  std::unique_ptr<CsvReader> reader(new CsvReader(std::move(source), options));
  // Skip a UTF-8 byte order mark.
  while (reader->buffer_.size() < 3 && !reader->buffer_.eof()) {
    auto more = reader->buffer_.Refill();
    if (!more.ok()) return more.status();
  }
  if (reader->buffer_.size() >= 3 && std::memcmp(reader->buffer_.data(), "\xEF\xBB\xBF", 3) == 0) {
    reader->buffer_.Consume(3);
  }
  const std::string& name = reader->buffer_.source().name();
  while (true) {
    auto parsed = reader->ReadRecord();
    if (!parsed.ok()) return parsed.status();
    if (*parsed == Parse::kEnd) return reader;  // empty input: no columns, no records
    if (*parsed == Parse::kRecord) break;
  }
  if (!reader->record_error_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": the CSV header is malformed: ", reader->record_error_));
  }
  absl::flat_hash_map<std::string_view, size_t> seen;
  for (const FieldRef& f : reader->fields_) reader->names_.emplace_back(reader->FieldText(f));
  for (size_t j = 0; j < reader->names_.size(); ++j) {
    auto [it, inserted] = seen.emplace(reader->names_[j], j);
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ": the CSV header names column '", reader->names_[j], "' twice (columns ",
          it->second + 1, " and ", j + 1, "); give every column a distinct name"));
    }
  }
  return reader;
}

std::string_view CsvReader::FieldText(const FieldRef& f) const {
  const char* base = f.in_scratch ? scratch_.data() : buffer_.data();
  return std::string_view(base + f.begin, f.size);
}

absl::StatusOr<CsvReader::Parse> CsvReader::ReadRecord() {
  buffer_.Consume(consumed_);  // the previous record, whose fields the caller has used
  consumed_ = 0;
  while (true) {
    Parse result = ParseBuffered(buffer_.eof());
    if (result != Parse::kNeedMore) return result;
    auto more = buffer_.Refill();
    if (!more.ok()) return more.status();
  }
}

CsvReader::Parse CsvReader::ParseBuffered(bool at_eof) {
  const char* p = buffer_.data();
  const size_t n = buffer_.size();
  fields_.clear();
  scratch_.clear();
  record_error_.clear();
  if (n == 0) return at_eof ? Parse::kEnd : Parse::kNeedMore;
  if (p[0] == '\n' || p[0] == '\r') {  // blank line
    if (p[0] == '\r' && n == 1 && !at_eof) return Parse::kNeedMore;
    buffer_.Consume(p[0] == '\r' && n > 1 && p[1] == '\n' ? 2 : 1);
    ++line_;
    return Parse::kBlank;
  }

  size_t i = 0;
  int64_t inner_breaks = 0;  // line breaks inside quoted fields
  while (true) {             // one iteration per field
    if (i < n && p[i] == '"') {
      ++i;
      size_t start = i;
      bool unescaped = false;  // the field's text is being built in scratch_
      size_t scratch_start = scratch_.size();
      while (true) {
        const void* hit = std::memchr(p + i, '"', n - i);
        if (hit == nullptr) {
          if (!at_eof) return Parse::kNeedMore;
          record_error_ =
              "a quoted field is never closed (a '\"' inside a quoted field must be "
              "written twice: \"\")";
          inner_breaks += CountLineBreaks(p + i, p + n);
          fields_.push_back({start, n - start, false});
          i = n;
          break;
        }
        size_t q = static_cast<const char*>(hit) - p;
        if (q + 1 == n && !at_eof) return Parse::kNeedMore;  // "" or a closing quote?
        inner_breaks += CountLineBreaks(p + i, p + q);
        if (q + 1 < n && p[q + 1] == '"') {  // escaped quote
          scratch_.append(p + i, q - i + 1);
          unescaped = true;
          i = q + 2;
          continue;
        }
        if (unescaped) {
          scratch_.append(p + i, q - i);
          fields_.push_back({scratch_start, scratch_.size() - scratch_start, true});
        } else {
          fields_.push_back({start, q - start, false});
        }
        i = q + 1;
        break;
      }
      if (i < n && p[i] != ',' && p[i] != '\n' && p[i] != '\r') {
        if (record_error_.empty()) {
          record_error_ = absl::StrCat("field ", fields_.size(),
                                       ": unexpected text after the "
                                       "closing quote (quote the whole field and write a '\"' "
                                       "inside it as \"\")");
        }
        while (i < n && p[i] != ',' && p[i] != '\n' && p[i] != '\r') ++i;
        if (i == n && !at_eof) return Parse::kNeedMore;
      }
    } else {
      size_t start = i;
      while (i < n && p[i] != ',' && p[i] != '\n' && p[i] != '\r') ++i;
      if (i == n && !at_eof) return Parse::kNeedMore;
      fields_.push_back({start, i - start, false});
    }
    // i is at a delimiter, a line break or the end of the input.
    if (i < n && p[i] == ',') {
      ++i;
      continue;
    }
    break;
  }
  if (i < n) {
    if (p[i] == '\r') {
      if (i + 1 == n && !at_eof) return Parse::kNeedMore;
      i += (i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
    } else {
      ++i;  // '\n'
    }
  }
  consumed_ = i;
  record_line_ = line_;
  line_ += 1 + inner_breaks;
  return Parse::kRecord;
}

absl::StatusOr<bool> CsvReader::Next(RecordChunk* chunk) {
  chunk->line_numbers.clear();
  chunk->first_record = next_record_;
  chunk->batch = RecordBatch();
  if (names_.empty()) return false;
  const size_t width = names_.size();
  std::vector<std::vector<Value>> columns(width);
  for (auto& c : columns) c.reserve(options_.chunk_rows);
  std::vector<std::pair<size_t, std::string>> errors;
  size_t rows = 0;
  while (rows < options_.chunk_rows) {
    auto parsed = ReadRecord();
    if (!parsed.ok()) return parsed.status();
    if (*parsed == Parse::kEnd) break;
    if (*parsed == Parse::kBlank) continue;
    if (record_error_.empty() && fields_.size() != width) {
      record_error_ =
          absl::StrCat("expected ", width, " fields as in the header, found ", fields_.size());
      if (fields_.size() > width)
        absl::StrAppend(&record_error_, " (quote values that contain commas)");
    }
    if (record_error_.empty()) {
      for (size_t j = 0; j < width; ++j) columns[j].push_back(ParseCell(FieldText(fields_[j])));
    } else {
      for (auto& c : columns) c.emplace_back();
      errors.emplace_back(rows, absl::StrCat("line ", record_line_, ": ", record_error_));
    }
    chunk->line_numbers.push_back(record_line_);
    ++rows;
  }
  RecordBatch batch(rows);
  for (size_t j = 0; j < width; ++j) batch.AddColumn(names_[j], std::move(columns[j]));
  for (auto& [row, message] : errors) batch.SetError(row, std::move(message));
  chunk->batch = std::move(batch);
  next_record_ += static_cast<int64_t>(rows);
  return rows > 0;
}

}  // namespace ferry::io
