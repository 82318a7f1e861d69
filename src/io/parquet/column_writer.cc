// Values are checked and converted as they are appended (dates and timestamps parsed from
// their text), so a row group in memory is typed, compact and ready to encode.
#include "io/parquet/column_writer.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "io/parquet/calendar.h"
#include "io/parquet/plain.h"
#include "io/parquet/rle.h"
#include "io/parquet/status_macros.h"

namespace ferry::parquet {
namespace {

constexpr size_t kMaxPageRows = 1u << 20;
// After this many values of a row group, a string dictionary holding more than 3/4 as many
// entries as values is given up: such a column (ids, free text) would not reach the
// "at most half as many entries as values" that Flush requires, and hashing every value
// until the dictionary overflows costs more than the rest of the encoding.
constexpr size_t kDictionaryProbeValues = 8192;

std::string Quoted(const Value& v) {
  return v.is_string() ? absl::StrCat("'", v.as_string(), "'") : v.ToString();
}

}  // namespace

ColumnWriter::ColumnWriter(ColumnSpec spec, ColumnWriteOptions options)
    : spec_(std::move(spec)),
      options_(options),
      use_dictionary_(spec_.type == ColumnType::kString) {}

PhysicalType ColumnWriter::physical() const {
  switch (spec_.type) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      return PhysicalType::kInt64;
    case ColumnType::kDouble:
      return PhysicalType::kDouble;
    case ColumnType::kString:
      return PhysicalType::kByteArray;
    case ColumnType::kBool:
      return PhysicalType::kBoolean;
    case ColumnType::kDate:
      return PhysicalType::kInt32;
  }
  return PhysicalType::kByteArray;
}

SchemaElement ColumnWriter::Schema() const {
  SchemaElement e;
  e.type = physical();
  e.repetition = spec_.nullable ? 1 : 0;
  e.name = spec_.name;
  using K = LogicalType::Kind;
  if (spec_.type == ColumnType::kString) {
    e.converted_type = converted::kUtf8;
    e.logical_type.kind = K::kString;
  } else if (spec_.type == ColumnType::kDate) {
    e.converted_type = converted::kDate;
    e.logical_type.kind = K::kDate;
  } else if (spec_.type == ColumnType::kTimestamp) {
    e.converted_type = converted::kTimestampMicros;
    e.logical_type.kind = K::kTimestamp;
    e.logical_type.unit = TimeUnit::kMicros;
    e.logical_type.adjusted_to_utc = false;
  }
  return e;
}

absl::Status ColumnWriter::Append(const Value& v) {
  if (v.is_null()) {
    if (!spec_.nullable) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", spec_.name, "' is not nullable but the value is null"));
    }
    defs_.push_back(0);
    return absl::OkStatus();
  }
  auto wrong = [&](std::string_view expected) {
    return absl::InvalidArgumentError(absl::StrCat("column '", spec_.name, "' (",
                                                   ColumnTypeName(spec_.type), "): ", Quoted(v),
                                                   " is not ", Sv(expected)));
  };
  switch (spec_.type) {
    case ColumnType::kInt64:
      if (v.kind() == Value::Kind::kInt) {
        ints_.push_back(v.as_int());
      } else if (v.kind() == Value::Kind::kFloat && std::trunc(v.as_float()) == v.as_float() &&
                 std::fabs(v.as_float()) < 9.2e18) {
        ints_.push_back(static_cast<int64_t>(v.as_float()));
      } else {
        return wrong("an integer");
      }
      bytes_ += 8;
      break;
    case ColumnType::kDouble: {
      auto d = v.kind() == Value::Kind::kBool ? std::nullopt : v.ToDouble();
      if (!d) return wrong("a number");
      doubles_.push_back(*d);
      bytes_ += 8;
      break;
    }
    case ColumnType::kBool:
      if (v.kind() == Value::Kind::kBool) {
        ints_.push_back(v.as_bool() ? 1 : 0);
      } else if (v.kind() == Value::Kind::kInt && (v.as_int() == 0 || v.as_int() == 1)) {
        ints_.push_back(v.as_int());
      } else {
        return wrong("a boolean");
      }
      bytes_ += 1;
      break;
    case ColumnType::kDate: {
      int64_t days = 0;
      if (!v.is_string() || !ParseDate(v.as_string(), &days) || days < INT32_MIN ||
          days > INT32_MAX) {
        return wrong("a date (YYYY-MM-DD)");
      }
      ints_.push_back(days);
      bytes_ += 4;
      break;
    }
    case ColumnType::kTimestamp: {
      int64_t micros = 0;
      if (!v.is_string() || !ParseTimestampMicros(v.as_string(), &micros)) {
        return wrong("a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])");
      }
      ints_.push_back(micros);
      bytes_ += 8;
      break;
    }
    case ColumnType::kString: {
      std::string converted;
      if (!v.is_string()) converted = v.ToString();
      std::string_view text = v.is_string() ? std::string_view(v.as_string()) : converted;
      bytes_ += text.size() + 4;
      if (!use_dictionary_) {
        AddPlainString(text);
        break;
      }
      auto it = dictionary_index_.find(text);
      if (it == dictionary_index_.end()) {
        dictionary_bytes_ += text.size() + 4;
        dictionary_.emplace_back(text);
        it = dictionary_index_.emplace(dictionary_.back(), dictionary_.size() - 1).first;
      }
      indices_.push_back(it->second);
      if (dictionary_bytes_ > options_.dictionary_max_bytes ||
          (indices_.size() == kDictionaryProbeValues &&
           dictionary_.size() * 4 > indices_.size() * 3)) {
        AbandonDictionary();
      }
      break;
    }
  }
  defs_.push_back(1);
  return absl::OkStatus();
}

void ColumnWriter::AddPlainString(std::string_view text) {
  string_bytes_.append(text);
  string_ends_.push_back(string_bytes_.size());
}

std::string_view ColumnWriter::PlainString(size_t i) const {
  const size_t begin = i == 0 ? 0 : string_ends_[i - 1];
  return std::string_view(string_bytes_).substr(begin, string_ends_[i] - begin);
}

void ColumnWriter::AbandonDictionary() {
  use_dictionary_ = false;
  string_ends_.reserve(string_ends_.size() + indices_.size());
  for (uint32_t i : indices_) AddPlainString(dictionary_[i]);
  indices_.clear();
  dictionary_.clear();
  dictionary_index_.clear();
  dictionary_bytes_ = 0;
}

void ColumnWriter::Truncate(size_t rows) {
  if (rows >= defs_.size()) return;
  if (rows < paged_rows_) DropPages();  // Flush encodes them again
  if (rows < scan_rows_) {
    scan_rows_ = paged_rows_;
    scan_values_ = paged_values_;
    scan_estimate_ = 0;
  }
  size_t drop = 0;
  for (size_t i = rows; i < defs_.size(); ++i) drop += defs_[i];
  bytes_ = defs_.empty() ? 0 : bytes_ * rows / defs_.size();
  defs_.resize(rows);
  auto shrink = [drop](auto& v) { v.resize(v.size() - std::min(drop, v.size())); };
  if (spec_.type == ColumnType::kDouble)
    shrink(doubles_);
  else if (spec_.type != ColumnType::kString)
    shrink(ints_);
  else if (use_dictionary_)
    shrink(indices_);
  else {
    shrink(string_ends_);
    string_bytes_.resize(string_ends_.empty() ? 0 : string_ends_.back());
  }
}

std::string ColumnWriter::EncodeValues(size_t begin, size_t end, bool dictionary) const {
  std::string out;
  if (dictionary) {
    int width = std::max(1, BitWidthOf(dictionary_.size() - 1));
    out.push_back(static_cast<char>(width));
    std::vector<uint32_t> slice(indices_.begin() + begin, indices_.begin() + end);
    EncodeRleBitPacked(slice, width, &out);
    return out;
  }
  for (size_t i = begin; i < end; ++i) {
    switch (spec_.type) {
      case ColumnType::kInt64:
      case ColumnType::kTimestamp:
        AppendPlainInt64(ints_[i], &out);
        break;
      case ColumnType::kDate:
        AppendPlainInt32(static_cast<int32_t>(ints_[i]), &out);
        break;
      case ColumnType::kDouble:
        AppendPlainDouble(doubles_[i], &out);
        break;
      case ColumnType::kString:
        AppendPlainByteArray(PlainString(i), &out);
        break;
      case ColumnType::kBool:
        break;
    }
  }
  if (spec_.type == ColumnType::kBool) {
    std::vector<bool> bits(ints_.begin() + begin, ints_.begin() + end);
    AppendPlainBooleans(bits, &out);
  }
  return out;
}

absl::Status ColumnWriter::WritePage(PageHeader header, const std::string& body, std::string* out,
                                     int64_t* uncompressed_total) {
  auto compressed = Compress(options_.codec, body, options_.level);
  if (!compressed.ok()) return compressed.status();
  if (body.size() > INT32_MAX || compressed->size() > INT32_MAX) {
    return absl::InvalidArgumentError("page larger than 2 GiB; lower page_bytes");
  }
  header.uncompressed_page_size = static_cast<int32_t>(body.size());
  header.compressed_page_size = static_cast<int32_t>(compressed->size());
  CompactWriter w;
  SerializePageHeader(header, &w);
  out->append(w.bytes());
  out->append(*compressed);
  *uncompressed_total += static_cast<int64_t>(w.bytes().size() + body.size());
  return absl::OkStatus();
}

absl::Status ColumnWriter::EncodePage(bool dictionary, bool only_full, std::string* out,
                                      int64_t* uncompressed, bool* wrote) {
  *wrote = false;
  // The scan resumes where the last look for a full page stopped.
  size_t row = scan_rows_, value = scan_values_, estimate = scan_estimate_;
  while (row < defs_.size() && estimate < options_.page_bytes && row - paged_rows_ < kMaxPageRows) {
    if (defs_[row]) {
      if (dictionary)
        estimate += 2;
      else if (spec_.type == ColumnType::kString)
        estimate += PlainString(value).size() + 4;
      else
        estimate += 8;
      ++value;
    }
    ++row;
  }
  if (only_full && estimate < options_.page_bytes && row - paged_rows_ < kMaxPageRows) {
    scan_rows_ = row;
    scan_values_ = value;
    scan_estimate_ = estimate;
    return absl::OkStatus();
  }
  std::string body;
  if (spec_.nullable) {
    std::vector<uint32_t> levels(defs_.begin() + paged_rows_, defs_.begin() + row);
    std::string encoded;
    EncodeRleBitPacked(levels, 1, &encoded);
    AppendPlainInt32(static_cast<int32_t>(encoded.size()), &body);
    body.append(encoded);
  }
  body.append(EncodeValues(paged_values_, value, dictionary));
  PageHeader h;
  h.type = PageType::kDataPage;
  DataPageHeader& d = h.data_page.emplace();
  d.num_values = static_cast<int32_t>(row - paged_rows_);
  d.encoding = dictionary ? Encoding::kRleDictionary : Encoding::kPlain;
  PQ_RETURN_IF_ERROR(WritePage(std::move(h), body, out, uncompressed));
  paged_rows_ = scan_rows_ = row;
  paged_values_ = scan_values_ = value;
  scan_estimate_ = 0;
  *wrote = true;
  return absl::OkStatus();
}

absl::Status ColumnWriter::EncodeFullPages() {
  if (use_dictionary_) return absl::OkStatus();  // the dictionary is decided at Flush
  bool wrote = true;
  while (wrote) {
    PQ_RETURN_IF_ERROR(EncodePage(/*dictionary=*/false, /*only_full=*/true, &pages_,
                                  &pages_uncompressed_, &wrote));
  }
  return absl::OkStatus();
}

void ColumnWriter::DropPages() {
  pages_.clear();
  pages_uncompressed_ = 0;
  paged_rows_ = paged_values_ = 0;
  scan_rows_ = scan_values_ = scan_estimate_ = 0;
}

absl::Status ColumnWriter::Flush(int64_t file_offset, std::string* out, ColumnChunk* chunk) {
  const size_t start = out->size();
  ColumnMetaData m;
  m.type = physical();
  m.path_in_schema = {spec_.name};
  m.codec = static_cast<int32_t>(options_.codec);
  m.num_values = static_cast<int64_t>(defs_.size());
  int64_t uncompressed = 0;
  // Dictionary only when it pays: at most half as many entries as values.
  const bool dictionary =
      use_dictionary_ && !dictionary_.empty() && dictionary_.size() * 2 <= indices_.size();
  if (use_dictionary_ && !dictionary) AbandonDictionary();
  if (dictionary) {
    m.dictionary_page_offset = file_offset;
    std::string body;
    for (const std::string& s : dictionary_) AppendPlainByteArray(s, &body);
    PageHeader h;
    h.type = PageType::kDictionaryPage;
    h.dictionary_page.emplace().num_values = static_cast<int32_t>(dictionary_.size());
    h.dictionary_page->encoding = Encoding::kPlain;
    PQ_RETURN_IF_ERROR(WritePage(std::move(h), body, out, &uncompressed));
  }
  m.data_page_offset = file_offset + static_cast<int64_t>(out->size() - start);
  // Pages encoded ahead (PLAIN columns only), then the rest; at least one page.
  out->append(pages_);
  uncompressed += pages_uncompressed_;
  bool wrote = !pages_.empty();
  while (!wrote || paged_rows_ < defs_.size()) {
    PQ_RETURN_IF_ERROR(EncodePage(dictionary, /*only_full=*/false, out, &uncompressed, &wrote));
  }
  m.encodings = {Encoding::kRle, dictionary ? Encoding::kRleDictionary : Encoding::kPlain};
  if (dictionary) m.encodings.insert(m.encodings.begin(), Encoding::kPlain);
  m.total_uncompressed_size = uncompressed;
  m.total_compressed_size = static_cast<int64_t>(out->size() - start);
  if (options_.statistics) m.statistics = ComputeStatistics();
  chunk->file_offset = m.dictionary_page_offset.value_or(m.data_page_offset);
  chunk->meta_data = std::move(m);
  // Reset for the next row group; strings go back to trying a dictionary.
  defs_.clear();
  ints_.clear();
  doubles_.clear();
  string_bytes_.clear();
  string_ends_.clear();
  indices_.clear();
  dictionary_.clear();
  dictionary_index_.clear();
  dictionary_bytes_ = 0;
  bytes_ = 0;
  DropPages();
  use_dictionary_ = spec_.type == ColumnType::kString;
  return absl::OkStatus();
}

}  // namespace ferry::parquet
