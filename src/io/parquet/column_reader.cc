// Page layout (v1): [definition levels: u32 length + RLE, optional columns only][values],
// all compressed together. v2: [repetition levels][definition levels] uncompressed, then the
// values, compressed when is_compressed. Dictionary pages hold PLAIN values.
#include "io/parquet/column_reader.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "io/parquet/delta.h"
#include "io/parquet/rle.h"
#include "io/parquet/status_macros.h"

namespace ferry::parquet {
namespace {

absl::Status Bad(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

uint32_t LoadU32(std::string_view d) {
  uint32_t v = 0;
  std::memcpy(&v, d.data(), 4);
  return v;
}

}  // namespace

ColumnChunkReader::ColumnChunkReader(const ColumnDescriptor& column, RandomAccessSource* source,
                                     int row_group, Codec codec, uint64_t start, uint64_t length,
                                     ReadLimits limits)
    : column_(column),
      convert_(column),
      source_(source),
      row_group_(row_group),
      codec_(codec),
      pos_(start),
      end_(start + length),
      limits_(limits) {}

absl::Status ColumnChunkReader::Error(const absl::Status& cause) const {
  return absl::Status(cause.code(), absl::StrCat(source_->name(), ": column '", column_.name,
                                                 "', row group ", row_group_, ", page at byte ",
                                                 page_offset_, ": ", cause.message()));
}

absl::Status ColumnChunkReader::Read(size_t n, std::vector<Value>* out) {
  out->reserve(out->size() + n);
  while (n > 0) {
    if (page_pos_ == page_rows_) {
      page_rows_ = page_pos_ = page_value_ = 0;
      PQ_RETURN_IF_ERROR(LoadNextPage());
      continue;
    }
    const size_t take = std::min(n, page_rows_ - page_pos_);
    if (page_defs_.empty()) {
      for (size_t i = 0; i < take; ++i) out->push_back(PageValue(page_value_++));
    } else {
      for (size_t i = 0; i < take; ++i) {
        out->push_back(page_defs_[page_pos_ + i] ? PageValue(page_value_++) : Value::Null());
      }
    }
    page_pos_ += take;
    n -= take;
  }
  return absl::OkStatus();
}

Value ColumnChunkReader::PageValue(size_t k) const {
  if (page_dictionary_) return dictionary_[page_indices_[k]];
  switch (column_.physical) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      return convert_.FromInt(page_physical_.ints[k]);
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return convert_.FromDouble(page_physical_.doubles[k]);
    default:
      return convert_.FromBytes(page_physical_.bytes[k]);
  }
}

absl::Status ColumnChunkReader::LoadNextPage() {
  page_offset_ = pos_;
  if (pos_ >= end_) {
    return Error(Bad("the column chunk ends before the row group's rows are all read"));
  }
  // Read a window large enough for the header, growing it if the header is larger.
  std::string window;
  PageHeader header;
  size_t header_size = 0;
  uint64_t left = end_ - pos_;
  for (size_t want = 4096;; want *= 4) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(want, left));
    PQ_RETURN_IF_ERROR(source_->ReadAt(pos_, n, &window));
    header = PageHeader();
    absl::Status s = ParsePageHeader(window, &header, &header_size);
    if (s.ok()) break;
    if (n == left || want >= (16u << 20))
      return Error(Bad(absl::StrCat("bad page header: ", s.message())));
  }
  if (header.compressed_page_size < 0 || header.uncompressed_page_size < 0) {
    return Error(Bad("negative page size in the page header"));
  }
  uint64_t body_size = static_cast<uint64_t>(header.compressed_page_size);
  if (body_size > left - header_size) {
    return Error(Bad(absl::StrCat("page of ", body_size, " bytes overruns the column chunk (",
                                  left - header_size, " bytes left)")));
  }
  if (body_size > limits_.max_page_bytes ||
      static_cast<uint64_t>(header.uncompressed_page_size) > limits_.max_page_bytes) {
    return Error(Bad(absl::StrCat("page of ", header.uncompressed_page_size,
                                  " bytes is above the limit of ", limits_.max_page_bytes)));
  }
  std::string raw;
  if (header_size + body_size <= window.size()) {
    raw = window.substr(header_size, body_size);
  } else {
    PQ_RETURN_IF_ERROR(source_->ReadAt(pos_ + header_size, body_size, &raw));
  }
  pos_ += header_size + body_size;
  switch (header.type) {
    case PageType::kDictionaryPage:
      return ReadDictionary(header, raw);
    case PageType::kDataPage:
    case PageType::kDataPageV2:
      return ReadDataPage(header, std::move(raw));
    default:
      return absl::OkStatus();  // index pages and unknown pages are skipped
  }
}

absl::Status ColumnChunkReader::ReadDictionary(const PageHeader& header, std::string_view raw) {
  if (!header.dictionary_page) return Error(Bad("dictionary page without its header"));
  if (has_dictionary_) return Error(Bad("a second dictionary page in one column chunk"));
  const DictionaryPageHeader& d = *header.dictionary_page;
  if (d.encoding != Encoding::kPlain && d.encoding != Encoding::kPlainDictionary) {
    return Error(
        Bad(absl::StrCat("dictionary encoding ", static_cast<int>(d.encoding), " is not PLAIN")));
  }
  if (d.num_values < 0 || static_cast<size_t>(d.num_values) > limits_.max_page_values) {
    return Error(Bad(absl::StrCat("dictionary of ", d.num_values, " values is out of range")));
  }
  auto body = Decompress(codec_, raw, header.uncompressed_page_size);
  if (!body.ok()) return Error(body.status());
  PhysicalValues values;
  size_t consumed = 0;
  PQ_RETURN_IF_ERROR(DecodeValues(Encoding::kPlain, *body, d.num_values, &values, nullptr));
  (void)consumed;
  dictionary_.clear();
  dictionary_.reserve(d.num_values);
  for (size_t i = 0; i < static_cast<size_t>(d.num_values); ++i) {
    switch (column_.physical) {
      case PhysicalType::kBoolean:
      case PhysicalType::kInt32:
      case PhysicalType::kInt64:
        dictionary_.push_back(convert_.FromInt(values.ints[i]));
        break;
      case PhysicalType::kFloat:
      case PhysicalType::kDouble:
        dictionary_.push_back(convert_.FromDouble(values.doubles[i]));
        break;
      default:
        dictionary_.push_back(convert_.FromBytes(values.bytes[i]));
        break;
    }
  }
  has_dictionary_ = true;
  return absl::OkStatus();
}

absl::Status ColumnChunkReader::ReadDataPage(const PageHeader& header, std::string raw_bytes) {
  // The decoded values may be views into these bytes: the page keeps them.
  page_raw_ = std::move(raw_bytes);
  page_body_.clear();
  page_defs_.clear();
  page_physical_.clear();
  page_indices_.clear();
  const std::string_view raw = page_raw_;
  const bool v2 = header.type == PageType::kDataPageV2;
  if (v2 ? !header.data_page_v2 : !header.data_page) {
    return Error(Bad("data page without its data page header"));
  }
  int32_t num_values = v2 ? header.data_page_v2->num_values : header.data_page->num_values;
  Encoding encoding = v2 ? header.data_page_v2->encoding : header.data_page->encoding;
  if (num_values < 0 || static_cast<size_t>(num_values) > limits_.max_page_values) {
    return Error(Bad(absl::StrCat("page claims ", num_values, " values, outside 0..",
                                  limits_.max_page_values, " (ReadLimits::max_page_values)")));
  }
  std::string_view levels, data;
  bool decompressed = false;  // data lies in page_body_
  if (!v2) {
    auto body = Decompress(codec_, raw, header.uncompressed_page_size);
    if (!body.ok()) return Error(body.status());
    page_body_ = std::move(*body);
    data = page_body_;
    decompressed = true;
    if (column_.optional) {
      if (header.data_page->definition_level_encoding == Encoding::kBitPacked) {
        size_t n = (static_cast<size_t>(num_values) + 7) / 8;
        if (n > data.size()) return Error(Bad("BIT_PACKED definition levels are truncated"));
        levels = data.substr(0, n);
        data.remove_prefix(n);
      } else {
        if (data.size() < 4) return Error(Bad("definition levels length is truncated"));
        uint32_t len = LoadU32(data);
        if (len > data.size() - 4) {
          return Error(Bad(absl::StrCat("definition levels of ", len, " bytes overrun the page")));
        }
        levels = data.substr(4, len);
        data.remove_prefix(4 + len);
      }
    }
  } else {
    const DataPageHeaderV2& d = *header.data_page_v2;
    if (d.repetition_levels_byte_length < 0 || d.definition_levels_byte_length < 0 ||
        static_cast<uint64_t>(d.repetition_levels_byte_length) + d.definition_levels_byte_length >
            raw.size()) {
      return Error(Bad("level lengths in the v2 page header overrun the page"));
    }
    size_t rep = d.repetition_levels_byte_length, def = d.definition_levels_byte_length;
    levels = raw.substr(rep, def);
    std::string_view values_raw = raw.substr(rep + def);
    int64_t values_size = static_cast<int64_t>(header.uncompressed_page_size) - rep - def;
    if (values_size < 0) return Error(Bad("uncompressed page size smaller than its levels"));
    if (d.is_compressed && codec_ != Codec::kUncompressed &&
        !(values_raw.empty() && values_size == 0)) {
      auto body = Decompress(codec_, values_raw, values_size);
      if (!body.ok()) return Error(body.status());
      page_body_ = std::move(*body);
      data = page_body_;
      decompressed = true;
    } else {
      data = values_raw;
    }
  }
  // Definition levels: 1 = value present, 0 = null.
  std::vector<uint32_t>& defs = page_defs_;
  size_t non_null = num_values;
  if (column_.optional) {
    if (!v2 && header.data_page->definition_level_encoding == Encoding::kBitPacked) {
      for (int32_t i = 0; i < num_values; ++i) defs.push_back((levels[i / 8] >> (7 - i % 8)) & 1);
    } else {
      RleBitPackedDecoder decoder(levels, 1);
      if (auto s = decoder.Decode(num_values, &defs); !s.ok()) {
        return Error(Bad(absl::StrCat("definition levels: ", s.message())));
      }
    }
    non_null = 0;
    for (uint32_t level : defs) {
      if (level > 1) return Error(Bad("definition level above 1 in a flat column"));
      non_null += level;
    }
    // A page without nulls reads like a required column's.
    if (non_null == static_cast<size_t>(num_values)) defs.clear();
  }
  PQ_RETURN_IF_ERROR(DecodeValues(encoding, data, non_null, &page_physical_, &page_indices_));
  page_dictionary_ = encoding == Encoding::kPlainDictionary || encoding == Encoding::kRleDictionary;
  page_rows_ = static_cast<size_t>(num_values);
  // Values decoded from a decompressed body no longer need the compressed bytes.
  if (decompressed) std::string().swap(page_raw_);
  return absl::OkStatus();
}

absl::Status ColumnChunkReader::DecodeValues(Encoding encoding, std::string_view data, size_t count,
                                             PhysicalValues* values,
                                             std::vector<uint32_t>* indices) {
  const PhysicalType type = column_.physical;
  const bool is_int = type == PhysicalType::kInt32 || type == PhysicalType::kInt64;
  const bool is_bytes =
      type == PhysicalType::kByteArray || type == PhysicalType::kFixedLenByteArray;
  absl::Status s;
  size_t consumed = 0;
  switch (encoding) {
    case Encoding::kPlain:
      s = DecodePlain(type, column_.type_length, data, count, values, &consumed);
      break;
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      if (!has_dictionary_) return Error(Bad("dictionary-encoded page but no dictionary page"));
      if (count == 0) return absl::OkStatus();
      if (data.empty()) return Error(Bad("dictionary indices are missing"));
      int width = static_cast<uint8_t>(data[0]);
      if (width > 32) return Error(Bad(absl::StrCat("dictionary index bit width ", width)));
      RleBitPackedDecoder decoder(data.substr(1), width);
      s = decoder.Decode(count, indices);
      if (s.ok()) {
        for (uint32_t index : *indices) {
          if (index >= dictionary_.size()) {
            return Error(Bad(absl::StrCat("dictionary index ", index, " is out of range (",
                                          dictionary_.size(), " entries)")));
          }
        }
      }
      break;
    }
    case Encoding::kRle: {
      if (type != PhysicalType::kBoolean) return Error(Bad("RLE values on a non-boolean column"));
      if (data.size() < 4 || LoadU32(data) > data.size() - 4) {
        return Error(Bad("RLE boolean values: bad length prefix"));
      }
      std::vector<uint32_t> bits;
      RleBitPackedDecoder decoder(data.substr(4, LoadU32(data)), 1);
      s = decoder.Decode(count, &bits);
      for (uint32_t b : bits) values->ints.push_back(b);
      break;
    }
    case Encoding::kDeltaBinaryPacked:
      if (!is_int) return Error(Bad("DELTA_BINARY_PACKED on a non-integer column"));
      s = DecodeDeltaBinaryPacked(data, count, &values->ints, &consumed);
      break;
    case Encoding::kDeltaLengthByteArray:
      if (type != PhysicalType::kByteArray)
        return Error(Bad("DELTA_LENGTH_BYTE_ARRAY on a non-BYTE_ARRAY column"));
      s = DecodeDeltaLengthByteArray(data, count, &values->bytes, &consumed);
      break;
    case Encoding::kDeltaByteArray:
      if (!is_bytes) return Error(Bad("DELTA_BYTE_ARRAY on a non-byte-array column"));
      s = DecodeDeltaByteArray(data, count, limits_.max_page_bytes, &values->storage,
                               &values->bytes);
      break;
    case Encoding::kByteStreamSplit:
      s = DecodeByteStreamSplit(type, column_.type_length, data, count, values);
      break;
    default:
      return Error(absl::UnimplementedError(
          absl::StrCat("encoding ", static_cast<int>(encoding), " is not supported")));
  }
  if (!s.ok()) return Error(s);
  size_t got = indices != nullptr && !indices->empty() ? indices->size() : values->size(type);
  if (got != count) {
    return Error(Bad(absl::StrCat("page holds ", got, " values where ", count, " were expected")));
  }
  return absl::OkStatus();
}

}  // namespace ferry::parquet
