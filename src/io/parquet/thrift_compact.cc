// Compact protocol: field headers carry an id delta (high nibble) and a wire type (low
// nibble); integers are zigzag varints; binaries and lists are length-prefixed.
#include "io/parquet/thrift_compact.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "io/parquet/status_macros.h"

namespace ferry::parquet {
namespace {

constexpr int kMaxDepth = 32;

bool IsInteger(WireType t) {
  return t == WireType::kByte || t == WireType::kI16 || t == WireType::kI32 || t == WireType::kI64;
}

}  // namespace

absl::Status CompactReader::Error(std::string_view what) const {
  return absl::InvalidArgumentError(
      absl::StrCat("thrift: ", Sv(what), " at byte ", pos_, " of ", bytes_.size()));
}

absl::Status CompactReader::ReadVarint(uint64_t* out) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= bytes_.size()) return Error("truncated varint");
    uint8_t b = static_cast<uint8_t>(bytes_[pos_++]);
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = result;
      return absl::OkStatus();
    }
  }
  return Error("varint longer than 10 bytes");
}

absl::Status CompactReader::ReadZigzag(int64_t* out) {
  uint64_t v = 0;
  if (auto s = ReadVarint(&v); !s.ok()) return s;
  *out = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  return absl::OkStatus();
}

absl::Status CompactReader::ReadStruct(
    const std::function<absl::Status(int16_t, WireType)>& on_field) {
  if (++depth_ > kMaxDepth) return Error("structs nested too deeply");
  int16_t last_id = 0;
  while (true) {
    if (pos_ >= bytes_.size()) return Error("truncated struct (no STOP)");
    uint8_t header = static_cast<uint8_t>(bytes_[pos_++]);
    if (header == 0) break;
    WireType type = static_cast<WireType>(header & 0x0f);
    if (static_cast<uint8_t>(type) > 12) return Error("unknown wire type");
    int delta = header >> 4;
    int16_t id;
    if (delta != 0) {
      id = static_cast<int16_t>(last_id + delta);
    } else {
      int64_t v = 0;
      if (auto s = ReadZigzag(&v); !s.ok()) return s;
      if (v < INT16_MIN || v > INT16_MAX) return Error("field id out of range");
      id = static_cast<int16_t>(v);
    }
    last_id = id;
    if (auto s = on_field(id, type); !s.ok()) return s;
  }
  --depth_;
  return absl::OkStatus();
}

absl::Status CompactReader::ReadBool(WireType type, bool* out) {
  if (type == WireType::kBoolTrue || type == WireType::kBoolFalse) {
    *out = type == WireType::kBoolTrue;
    return absl::OkStatus();
  }
  return Error("expected a bool field");
}

absl::Status CompactReader::ReadI64(WireType type, int64_t* out) {
  if (!IsInteger(type)) return Error("expected an integer field");
  if (type == WireType::kByte) {
    if (pos_ >= bytes_.size()) return Error("truncated byte");
    *out = static_cast<int8_t>(bytes_[pos_++]);
    return absl::OkStatus();
  }
  return ReadZigzag(out);
}

absl::Status CompactReader::ReadI32(WireType type, int32_t* out) {
  int64_t v = 0;
  if (auto s = ReadI64(type, &v); !s.ok()) return s;
  if (v < INT32_MIN || v > INT32_MAX) return Error("i32 value out of range");
  *out = static_cast<int32_t>(v);
  return absl::OkStatus();
}

absl::Status CompactReader::ReadDouble(WireType type, double* out) {
  if (type != WireType::kDouble) return Error("expected a double field");
  if (bytes_.size() - pos_ < 8) return Error("truncated double");
  std::memcpy(out, bytes_.data() + pos_, 8);
  pos_ += 8;
  return absl::OkStatus();
}

absl::Status CompactReader::ReadBinary(WireType type, std::string* out) {
  if (type != WireType::kBinary) return Error("expected a binary field");
  uint64_t len = 0;
  if (auto s = ReadVarint(&len); !s.ok()) return s;
  if (len > bytes_.size() - pos_) return Error(absl::StrCat("binary of ", len, " bytes overruns"));
  out->assign(bytes_.data() + pos_, len);
  pos_ += len;
  return absl::OkStatus();
}

absl::Status CompactReader::ReadListHeader(WireType type, WireType* element_type, size_t* size) {
  if (type != WireType::kList && type != WireType::kSet) return Error("expected a list field");
  if (pos_ >= bytes_.size()) return Error("truncated list header");
  uint8_t header = static_cast<uint8_t>(bytes_[pos_++]);
  *element_type = static_cast<WireType>(header & 0x0f);
  uint64_t n = header >> 4;
  if (n == 15) {
    if (auto s = ReadVarint(&n); !s.ok()) return s;
  }
  if (n > bytes_.size() - pos_) return Error(absl::StrCat("list of ", n, " elements overruns"));
  *size = n;
  return absl::OkStatus();
}

absl::Status CompactReader::Skip(WireType type) { return SkipDepth(type, 0); }

absl::Status CompactReader::SkipDepth(WireType type, int depth) {
  if (depth > kMaxDepth) return Error("values nested too deeply");
  switch (type) {
    case WireType::kBoolTrue:
    case WireType::kBoolFalse:
      return absl::OkStatus();
    case WireType::kByte:
    case WireType::kI16:
    case WireType::kI32:
    case WireType::kI64: {
      int64_t v = 0;
      return ReadI64(type, &v);
    }
    case WireType::kDouble: {
      double d = 0;
      return ReadDouble(type, &d);
    }
    case WireType::kBinary: {
      uint64_t len = 0;
      if (auto s = ReadVarint(&len); !s.ok()) return s;
      if (len > bytes_.size() - pos_) return Error("binary overruns");
      pos_ += len;
      return absl::OkStatus();
    }
    case WireType::kList:
    case WireType::kSet: {
      WireType element;
      size_t n = 0;
      if (auto s = ReadListHeader(type, &element, &n); !s.ok()) return s;
      for (size_t i = 0; i < n; ++i) {
        if (element == WireType::kBoolTrue || element == WireType::kBoolFalse) {
          if (pos_ >= bytes_.size()) return Error("truncated bool element");
          ++pos_;  // bools in lists take one byte each
          continue;
        }
        if (auto s = SkipDepth(element, depth + 1); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    case WireType::kMap: {
      uint64_t n = 0;
      if (auto s = ReadVarint(&n); !s.ok()) return s;
      if (n == 0) return absl::OkStatus();
      if (n > bytes_.size() - pos_) return Error("map overruns");
      uint8_t kv = static_cast<uint8_t>(bytes_[pos_++]);
      for (uint64_t i = 0; i < n; ++i) {
        for (WireType t : {static_cast<WireType>(kv >> 4), static_cast<WireType>(kv & 0x0f)}) {
          if (t == WireType::kBoolTrue || t == WireType::kBoolFalse) {
            if (pos_ >= bytes_.size()) return Error("truncated bool in map");
            ++pos_;
          } else if (auto s = SkipDepth(t, depth + 1); !s.ok()) {
            return s;
          }
        }
      }
      return absl::OkStatus();
    }
    case WireType::kStruct: {
      if (depth_ + depth > kMaxDepth) return Error("structs nested too deeply");
      return ReadStruct([&](int16_t, WireType t) { return SkipDepth(t, depth + 1); });
    }
    case WireType::kStop:
      break;
  }
  return Error("unexpected wire type");
}

void CompactWriter::Varint(uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void CompactWriter::Zigzag(int64_t value) {
  Varint((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
}

void CompactWriter::FieldHeader(int16_t id, WireType type) {
  int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<uint8_t>(type)));
  } else {
    out_.push_back(static_cast<char>(type));
    Zigzag(id);
  }
  last_id_ = id;
}

void CompactWriter::FieldBool(int16_t id, bool value) {
  FieldHeader(id, value ? WireType::kBoolTrue : WireType::kBoolFalse);
}
void CompactWriter::FieldI32(int16_t id, int32_t value) {
  FieldHeader(id, WireType::kI32);
  Zigzag(value);
}
void CompactWriter::FieldI64(int16_t id, int64_t value) {
  FieldHeader(id, WireType::kI64);
  Zigzag(value);
}
void CompactWriter::FieldBinary(int16_t id, std::string_view value) {
  FieldHeader(id, WireType::kBinary);
  ElementBinary(value);
}
void CompactWriter::BeginStructField(int16_t id) {
  FieldHeader(id, WireType::kStruct);
  BeginStructElement();
}
void CompactWriter::BeginListField(int16_t id, WireType element_type, size_t size) {
  FieldHeader(id, WireType::kList);
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | static_cast<uint8_t>(element_type)));
  } else {
    out_.push_back(static_cast<char>(0xf0 | static_cast<uint8_t>(element_type)));
    Varint(size);
  }
}
void CompactWriter::EndStruct() {
  out_.push_back(0);
  if (!saved_ids_.empty()) {
    last_id_ = saved_ids_.back();
    saved_ids_.pop_back();
  } else {
    last_id_ = 0;
  }
}
void CompactWriter::ElementI32(int32_t value) { Zigzag(value); }
void CompactWriter::ElementBinary(std::string_view value) {
  Varint(value.size());
  out_.append(value);
}
void CompactWriter::BeginStructElement() {
  saved_ids_.push_back(last_id_);
  last_id_ = 0;
}

}  // namespace ferry::parquet
