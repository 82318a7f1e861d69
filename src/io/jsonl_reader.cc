#include "io/jsonl_reader.h"

#include "io/json_value.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "simdjson.h"

namespace ferry::io {

static_assert(ReadBuffer::kPadding >= simdjson::SIMDJSON_PADDING,
              "simdjson reads up to SIMDJSON_PADDING bytes past a document");

struct JsonlReader::Parser {
  simdjson::dom::parser dom;
  std::vector<std::pair<size_t, Value>> cells;  // the current record: (column, value)
  std::vector<std::string> positions;           // "0", "1", ...: positional column names
};

namespace {

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

JsonlReader::JsonlReader(std::unique_ptr<ByteSource> source, const ReaderOptions& options)
    : buffer_(std::move(source), options.block_size, options.max_record_bytes),
      options_(options),
      parser_(std::make_unique<Parser>()) {
  if (options_.chunk_rows == 0) options_.chunk_rows = 1;
}

JsonlReader::~JsonlReader() = default;

absl::StatusOr<std::unique_ptr<JsonlReader>> JsonlReader::Create(std::unique_ptr<ByteSource> source,
                                                                 const ReaderOptions& options) {
  return std::unique_ptr<JsonlReader>(new JsonlReader(std::move(source), options));
}

absl::StatusOr<bool> JsonlReader::NextLine(std::string_view* line) {
  buffer_.Consume(pending_consume_);
  pending_consume_ = 0;
  size_t length = 0;
  while (true) {
    const void* newline =
        buffer_.size() == 0 ? nullptr : std::memchr(buffer_.data(), '\n', buffer_.size());
    if (newline != nullptr) {
      length = static_cast<const char*>(newline) - buffer_.data();
      pending_consume_ = length + 1;
      break;
    }
    if (buffer_.eof()) {
      if (buffer_.size() == 0) return false;
      length = pending_consume_ = buffer_.size();
      break;
    }
    auto more = buffer_.Refill();
    if (!more.ok()) return more.status();
  }
  ++line_;
  std::string_view text(buffer_.data(), length);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (line_ == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  *line = text;
  return true;
}

size_t JsonlReader::ColumnIndex(std::string_view name, size_t rows_so_far) {
  auto it = index_.find(Absl(name));
  if (it != index_.end()) return it->second;
  size_t index = names_.size();
  names_.emplace_back(name);
  index_.emplace(names_.back(), index);
  columns_.emplace_back(rows_so_far);
  columns_.back().reserve(options_.chunk_rows);
  return index;
}

absl::StatusOr<bool> JsonlReader::Next(RecordChunk* chunk) {
  chunk->line_numbers.clear();
  chunk->first_record = next_record_;
  chunk->batch = RecordBatch();
  columns_.assign(names_.size(), {});
  for (auto& c : columns_) c.reserve(options_.chunk_rows);
  std::vector<std::pair<size_t, std::string>> errors;
  auto& cells = parser_->cells;
  size_t rows = 0;
  while (rows < options_.chunk_rows) {
    std::string_view line;
    auto more = NextLine(&line);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (IsBlank(line)) continue;

    cells.clear();
    std::string error;
    simdjson::dom::element root;
    auto parse_error = parser_->dom.parse(line.data(), line.size(), false).get(root);
    if (parse_error) {
      error = absl::StrCat("invalid JSON: ", simdjson::error_message(parse_error));
    } else if (root.is_object()) {
      simdjson::dom::object object = root.get_object().value_unsafe();
      for (auto field : object) {
        Value value;
        if (!JsonScalarToValue(field.value, &value)) {
          error = absl::StrCat("field '", Absl(field.key), "': nested values are not supported");
          break;
        }
        cells.emplace_back(ColumnIndex(field.key, rows), std::move(value));
      }
    } else if (root.is_array()) {
      size_t position = 0;
      simdjson::dom::array array = root.get_array().value_unsafe();
      for (auto element : array) {
        Value value;
        if (!JsonScalarToValue(element, &value)) {
          error = absl::StrCat("field '", position, "': nested values are not supported");
          break;
        }
        auto& names = parser_->positions;
        while (names.size() <= position) names.push_back(std::to_string(names.size()));
        cells.emplace_back(ColumnIndex(names[position], rows), std::move(value));
        ++position;
      }
    } else {
      error = absl::StrCat("expected a JSON object or array, found ", JsonTypeWords(root.type()));
    }

    for (auto& c : columns_) c.emplace_back();
    if (error.empty()) {
      for (auto& [column, value] : cells) columns_[column][rows] = std::move(value);
    } else {
      errors.emplace_back(rows, absl::StrCat("line ", line_, ": ", error));
    }
    chunk->line_numbers.push_back(line_);
    ++rows;
  }
  RecordBatch batch(rows);
  for (size_t j = 0; j < names_.size(); ++j) batch.AddColumn(names_[j], std::move(columns_[j]));
  for (auto& [row, message] : errors) batch.SetError(row, std::move(message));
  chunk->batch = std::move(batch);
  next_record_ += static_cast<int64_t>(rows);
  return rows > 0;
}

}  // namespace ferry::io
