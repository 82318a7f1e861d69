// Parquet's footer (FileMetaData) and page headers as plain structs, with the subset of
// parquet.thrift that flat tables need; unknown fields are skipped on read. Parse* functions
// check every count against the bytes available; Serialize* append the compact encoding.
#ifndef FERRY_IO_PARQUET_METADATA_H_
#define FERRY_IO_PARQUET_METADATA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "io/parquet/thrift_compact.h"

namespace ferry::parquet {

enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

// ConvertedType values used here (the deprecated annotation, still written by many tools).
namespace converted {
inline constexpr int32_t kUtf8 = 0, kMap = 1, kMapKeyValue = 2, kList = 3, kEnum = 4, kDecimal = 5,
                         kDate = 6, kTimeMillis = 7, kTimeMicros = 8, kTimestampMillis = 9,
                         kTimestampMicros = 10, kUint8 = 11, kUint16 = 12, kUint32 = 13,
                         kUint64 = 14, kInt8 = 15, kInt16 = 16, kInt32 = 17, kInt64 = 18,
                         kJson = 19, kBson = 20, kInterval = 21;
}

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3
};

enum class TimeUnit : uint8_t { kMillis, kMicros, kNanos };

// The LogicalType union, reduced to what the reader interprets.
struct LogicalType {
  enum class Kind : uint8_t {
    kNone,
    kString,
    kEnum,
    kJson,
    kBson,
    kUuid,
    kFloat16,
    kDecimal,
    kDate,
    kTime,
    kTimestamp,
    kInteger,
    kNull,
    kMap,
    kList,
    kOther
  };
  Kind kind = Kind::kNone;
  int32_t scale = 0, precision = 0;   // kDecimal
  bool adjusted_to_utc = false;       // kTime, kTimestamp
  TimeUnit unit = TimeUnit::kMillis;  // kTime, kTimestamp
  int bit_width = 0;                  // kInteger
  bool is_signed = true;              // kInteger
};

struct SchemaElement {
  std::optional<PhysicalType> type;
  int32_t type_length = 0;
  std::optional<int32_t> repetition;  // 0 required, 1 optional, 2 repeated
  std::string name;
  int32_t num_children = 0;
  std::optional<int32_t> converted_type;
  int32_t scale = 0, precision = 0;
  LogicalType logical_type;
};

struct Statistics {
  std::optional<std::string> max, min;  // deprecated, signed order
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value, min_value;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kBoolean;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  int32_t codec = 0;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
  bool encrypted = false;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::string created_by;
  bool write_column_orders = false;  // write TypeDefinedOrder for every leaf column
  bool encrypted = false;            // encryption_algorithm present
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
  std::optional<Statistics> statistics;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0, num_nulls = 0, num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page;
  std::optional<DictionaryPageHeader> dictionary_page;
  std::optional<DataPageHeaderV2> data_page_v2;
};

// Parses a footer. Errors name the byte offset within `bytes`.
absl::Status ParseFileMetaData(std::string_view bytes, FileMetaData* out);
// Parses a page header at the start of `bytes`; `*header_size` gets its encoded length.
absl::Status ParsePageHeader(std::string_view bytes, PageHeader* out, size_t* header_size);

void SerializeFileMetaData(const FileMetaData& meta, CompactWriter* w);
void SerializePageHeader(const PageHeader& header, CompactWriter* w);

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_METADATA_H_
