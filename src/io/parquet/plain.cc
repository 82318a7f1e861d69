// PLAIN: fixed-width values little-endian back to back, BYTE_ARRAY as <u32 length><bytes>,
// BOOLEAN bit-packed. BYTE_STREAM_SPLIT: byte k of every value, then byte k+1...; it is
// un-split into PLAIN layout and decoded as PLAIN.
#include "io/parquet/plain.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "io/parquet/status_macros.h"

namespace ferry::parquet {
namespace {

absl::Status Truncated(std::string_view what, size_t need, size_t have) {
  return absl::InvalidArgumentError(
      absl::StrCat("PLAIN ", Sv(what), ": ", need, " bytes needed, only ", have, " in the page"));
}

template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace

size_t PhysicalValues::size(PhysicalType type) const {
  switch (type) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      return ints.size();
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return doubles.size();
    default:
      return bytes.size();
  }
}

void PhysicalValues::clear() {
  ints.clear();
  doubles.clear();
  bytes.clear();
  storage.clear();
}

size_t FixedWidth(PhysicalType type, int32_t type_length) {
  switch (type) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      return 8;
    case PhysicalType::kInt96:
      return 12;
    case PhysicalType::kFixedLenByteArray:
      return type_length > 0 ? static_cast<size_t>(type_length) : 0;
    default:
      return 0;
  }
}

absl::Status DecodePlain(PhysicalType type, int32_t type_length, std::string_view data,
                         size_t count, PhysicalValues* out, size_t* consumed) {
  const char* p = data.data();
  switch (type) {
    case PhysicalType::kBoolean: {
      size_t need = (count + 7) / 8;
      if (need > data.size()) return Truncated("BOOLEAN", need, data.size());
      out->ints.reserve(out->ints.size() + count);
      for (size_t i = 0; i < count; ++i) out->ints.push_back((p[i / 8] >> (i % 8)) & 1);
      *consumed = need;
      return absl::OkStatus();
    }
    case PhysicalType::kByteArray: {
      size_t pos = 0;
      out->bytes.reserve(out->bytes.size() + std::min(count, data.size() / 4));
      for (size_t i = 0; i < count; ++i) {
        if (data.size() - pos < 4) return Truncated("BYTE_ARRAY length", pos + 4, data.size());
        uint32_t len = Load<uint32_t>(p + pos);
        pos += 4;
        if (len > data.size() - pos) return Truncated("BYTE_ARRAY value", pos + len, data.size());
        out->bytes.push_back(data.substr(pos, len));
        pos += len;
      }
      *consumed = pos;
      return absl::OkStatus();
    }
    default:
      break;
  }
  size_t width = FixedWidth(type, type_length);
  if (width == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("FIXED_LEN_BYTE_ARRAY with invalid type_length ", type_length));
  }
  if (count > data.size() / width) {
    return Truncated(absl::StrCat(count, " values of ", width, " bytes"), count * width,
                     data.size());
  }
  for (size_t i = 0; i < count; ++i) {
    const char* v = p + i * width;
    switch (type) {
      case PhysicalType::kInt32:
        out->ints.push_back(Load<int32_t>(v));
        break;
      case PhysicalType::kInt64:
        out->ints.push_back(Load<int64_t>(v));
        break;
      case PhysicalType::kFloat:
        out->doubles.push_back(Load<float>(v));
        break;
      case PhysicalType::kDouble:
        out->doubles.push_back(Load<double>(v));
        break;
      default:
        out->bytes.push_back(std::string_view(v, width));
        break;
    }
  }
  *consumed = count * width;
  return absl::OkStatus();
}

absl::Status DecodeByteStreamSplit(PhysicalType type, int32_t type_length, std::string_view data,
                                   size_t count, PhysicalValues* out) {
  size_t width = FixedWidth(type, type_length);
  if (width == 0 || type == PhysicalType::kInt96) {
    return absl::InvalidArgumentError("BYTE_STREAM_SPLIT used on a type it does not apply to");
  }
  if (count > data.size() / width) {
    return absl::InvalidArgumentError(absl::StrCat("BYTE_STREAM_SPLIT: ", count, " values of ",
                                                   width, " bytes need more than the ", data.size(),
                                                   " in the page"));
  }
  // Each stream is data.size() / width bytes long (the page may hold more values than count
  // when nulls were counted; the stream stride is what the page holds).
  size_t stride = data.size() / width;
  std::string& plain = out->storage.emplace_back(count * width, '\0');
  for (size_t i = 0; i < count; ++i) {
    for (size_t k = 0; k < width; ++k) plain[i * width + k] = data[k * stride + i];
  }
  size_t consumed = 0;
  return DecodePlain(type, type_length, plain, count, out, &consumed);
}

void AppendPlainInt32(int32_t v, std::string* out) {
  out->append(reinterpret_cast<const char*>(&v), 4);
}
void AppendPlainInt64(int64_t v, std::string* out) {
  out->append(reinterpret_cast<const char*>(&v), 8);
}
void AppendPlainDouble(double v, std::string* out) {
  out->append(reinterpret_cast<const char*>(&v), 8);
}
void AppendPlainByteArray(std::string_view v, std::string* out) {
  AppendPlainInt32(static_cast<int32_t>(v.size()), out);
  out->append(v);
}
void AppendPlainBooleans(const std::vector<bool>& values, std::string* out) {
  size_t start = out->size();
  out->append((values.size() + 7) / 8, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i]) (*out)[start + i / 8] |= static_cast<char>(1 << (i % 8));
  }
}

}  // namespace ferry::parquet
