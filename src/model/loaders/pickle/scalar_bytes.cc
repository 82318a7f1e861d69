#include "model/loaders/pickle/scalar_bytes.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ferry::pickle {
namespace {

template <typename T>
T Load(const char* p, bool swap) {
  char buf[sizeof(T)];
  std::memcpy(buf, p, sizeof(T));
  if (swap) std::reverse(buf, buf + sizeof(T));
  T v;
  std::memcpy(&v, buf, sizeof(T));
  return v;
}

double HalfToDouble(uint16_t h) {
  const int sign = (h >> 15) & 1;
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  double v;
  if (exponent == 0) {
    v = std::ldexp(static_cast<double>(mantissa), -24);
  } else if (exponent == 31) {
    v = mantissa ? std::nan("") : INFINITY;
  } else {
    v = std::ldexp(static_cast<double>(mantissa | 0x400), exponent - 25);
  }
  return sign ? -v : v;
}

}  // namespace

bool IsIntegerScalar(const Dtype& d) {
  if (d.kind == 'b') return d.itemsize == 1;
  if (d.kind != 'i' && d.kind != 'u') return false;
  return d.itemsize == 1 || d.itemsize == 2 || d.itemsize == 4 || d.itemsize == 8;
}

bool IsNumericScalar(const Dtype& d) {
  if (d.kind == 'f') return d.itemsize == 2 || d.itemsize == 4 || d.itemsize == 8;
  return IsIntegerScalar(d);
}

int64_t ScalarAsInt(const char* p, const Dtype& d) {
  const bool swap = d.big_endian;
  if (d.kind == 'b') return *p != 0;
  if (d.kind == 'i') {
    switch (d.itemsize) {
      case 1:
        return Load<int8_t>(p, false);
      case 2:
        return Load<int16_t>(p, swap);
      case 4:
        return Load<int32_t>(p, swap);
      default:
        return Load<int64_t>(p, swap);
    }
  }
  switch (d.itemsize) {
    case 1:
      return Load<uint8_t>(p, false);
    case 2:
      return Load<uint16_t>(p, swap);
    case 4:
      return Load<uint32_t>(p, swap);
    default:
      return static_cast<int64_t>(Load<uint64_t>(p, swap));
  }
}

double ScalarAsDouble(const char* p, const Dtype& d) {
  if (d.kind == 'f') {
    switch (d.itemsize) {
      case 2:
        return HalfToDouble(Load<uint16_t>(p, d.big_endian));
      case 4:
        return Load<float>(p, d.big_endian);
      default:
        return Load<double>(p, d.big_endian);
    }
  }
  if (d.kind == 'u' && d.itemsize == 8) {
    return static_cast<double>(Load<uint64_t>(p, d.big_endian));
  }
  return static_cast<double>(ScalarAsInt(p, d));
}

void SwapEachElement(char* bytes, size_t count, int width) {
  if (width <= 1) return;
  for (size_t i = 0; i < count; ++i) std::reverse(bytes + i * width, bytes + (i + 1) * width);
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

absl::StatusOr<std::string> Ucs4ToUtf8(absl::string_view raw, bool big_endian) {
  std::string out;
  size_t n = raw.size() / 4;
  while (n > 0 && Load<uint32_t>(raw.data() + (n - 1) * 4, big_endian) == 0) --n;
  for (size_t i = 0; i < n; ++i) {
    uint32_t cp = Load<uint32_t>(raw.data() + i * 4, big_endian);
    if (cp > 0x10FFFF) {
      return absl::InvalidArgumentError(
          absl::StrCat("unicode array element holds an invalid code point 0x", absl::Hex(cp)));
    }
    AppendUtf8(cp, &out);
  }
  return out;
}

absl::StatusOr<std::string> Utf8ToLatin1(absl::string_view s) {
  std::string out(s.size(), '\0');  // never longer than the UTF-8 input
  const auto* in = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t o = 0;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = in[i];
    if (c < 0x80) {
      out[o++] = static_cast<char>(c);
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < n && (in[i + 1] & 0xC0) == 0x80) {
      out[o++] = static_cast<char>(((c & 0x1F) << 6) | (in[i + 1] & 0x3F));
      ++i;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "latin-1 encoded bytes hold a character above U+00FF or invalid UTF-8 at index ", i));
    }
  }
  out.resize(o);
  return out;
}

}  // namespace ferry::pickle
