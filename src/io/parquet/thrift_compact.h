// Thrift compact protocol, the encoding of Parquet's footer and page headers, by hand.
// CompactReader walks bytes held by the caller (it never allocates more than a string it
// returns, and every length is checked against the bytes left); nesting is capped so hostile
// input cannot exhaust the stack. CompactWriter appends to a std::string. Neither is
// thread-safe.
#ifndef FERRY_IO_PARQUET_THRIFT_COMPACT_H_
#define FERRY_IO_PARQUET_THRIFT_COMPACT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ferry::parquet {

// Wire types of the compact protocol.
enum class WireType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class CompactReader {
 public:
  explicit CompactReader(std::string_view bytes) : bytes_(bytes) {}

  // Bytes consumed so far (the size of a struct once it has been read).
  size_t position() const { return pos_; }

  // Reads one struct: calls `on_field(id, type)` for each field, which must consume the field's
  // value (a typed read or Skip). Stops at the STOP marker.
  absl::Status ReadStruct(const std::function<absl::Status(int16_t, WireType)>& on_field);

  // Typed reads of a field value of wire type `type`; a wrong wire type is an error.
  absl::Status ReadBool(WireType type, bool* out);
  absl::Status ReadI32(WireType type, int32_t* out);
  absl::Status ReadI64(WireType type, int64_t* out);
  absl::Status ReadDouble(WireType type, double* out);
  absl::Status ReadBinary(WireType type, std::string* out);
  // Reads a list header; `*size` is checked against the bytes left (each element needs at
  // least one byte), so callers may reserve it.
  absl::Status ReadListHeader(WireType type, WireType* element_type, size_t* size);
  // Skips a value of any type.
  absl::Status Skip(WireType type);

 private:
  absl::Status ReadVarint(uint64_t* out);
  absl::Status ReadZigzag(int64_t* out);
  absl::Status Error(std::string_view what) const;
  absl::Status SkipDepth(WireType type, int depth);

  std::string_view bytes_;
  size_t pos_ = 0;
  int depth_ = 0;
};

class CompactWriter {
 public:
  std::string& bytes() { return out_; }

  // Fields of the current struct; ids must increase within a struct.
  void FieldBool(int16_t id, bool value);
  void FieldI32(int16_t id, int32_t value);
  void FieldI64(int16_t id, int64_t value);
  void FieldBinary(int16_t id, std::string_view value);
  // Starts a struct-valued field; close it with EndStruct().
  void BeginStructField(int16_t id);
  // Starts a list-valued field of `size` elements; then write the elements with the
  // element writers below (no EndList needed).
  void BeginListField(int16_t id, WireType element_type, size_t size);
  // Ends the current struct (writes STOP). Also ends the top-level struct.
  void EndStruct();

  // List elements.
  void ElementI32(int32_t value);
  void ElementBinary(std::string_view value);
  void BeginStructElement();  // close with EndStruct()

 private:
  void FieldHeader(int16_t id, WireType type);
  void Varint(uint64_t value);
  void Zigzag(int64_t value);

  std::string out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> saved_ids_;
};

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_THRIFT_COMPACT_H_
