#include "io/json_writer.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace ferry::io {
namespace {

// Length of the valid UTF-8 sequence starting at s[0] (a byte >= 0x80), or 0 if invalid:
// overlong forms, surrogates and code points above U+10FFFF are invalid.
size_t ValidUtf8Length(const unsigned char* s, size_t n) {
  unsigned char c = s[0];
  size_t len;
  uint32_t min;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, min = 0x80, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, min = 0x800, cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, min = 0x10000, cp = c & 0x07;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// True when none of the 8 bytes at `s` needs escaping or UTF-8 checking: no control byte
// (< 0x20), no '"', no '\\' and no byte >= 0x80. Exact for "none" (bit tricks on the word
// that never miss such a byte), so the byte-by-byte path handles every word where it is false.
bool PlainWord(const unsigned char* s) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  uint64_t w;
  std::memcpy(&w, s, sizeof(w));
  const uint64_t below_space = (w - kOnes * 0x20) & ~w;
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t backslash = w ^ (kOnes * '\\');
  const uint64_t has_quote = (quote - kOnes) & ~quote;
  const uint64_t has_backslash = (backslash - kOnes) & ~backslash;
  return ((below_space | has_quote | has_backslash | w) & kHigh) == 0;
}

}  // namespace

std::string JsonQuoted(std::string_view text) {
  std::string out;
  AppendJsonString(&out, text);
  return out;
}

void AppendJsonString(std::string* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t run = 0;  // start of bytes not yet copied
  for (size_t i = 0; i < n;) {
    if (i + 8 <= n && PlainWord(s + i)) {  // the common case: eight bytes that need nothing
      i += 8;
      continue;
    }
    unsigned char c = s[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t len = ValidUtf8Length(s + i, n - i);
      if (len > 0) {
        i += len;
        continue;
      }
    }
    out->append(text.data() + run, i - run);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->append("\\ufffd");  // an invalid UTF-8 byte
        }
    }
    ++i;
    run = i;
  }
  out->append(text.data() + run, n - run);
  out->push_back('"');
}

void AppendJsonDouble(std::string* out, double d) {
  if (!std::isfinite(d)) {
    out->append("null");
    return;
  }
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), d);
  std::string_view text(buf, res.ptr - buf);
  out->append(text);
  // Keep the mark of a float, as Python's json does: 12.0, not 12.
  if (text.find_first_of(".e") == std::string_view::npos) out->append(".0");
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_->push_back(',');
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_->push_back('{');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::ResumeObject(bool has_members) {
  first_.push_back(!has_members);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  assert(!first_.empty() && !after_key_);
  out_->push_back('}');
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_->push_back('[');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  assert(!first_.empty());
  out_->push_back(']');
  first_.pop_back();
  return *this;
}

void JsonWriter::BeforeKey() {
  assert(!first_.empty() && !after_key_);
  if (!first_.back()) out_->push_back(',');
  first_.back() = false;
  after_key_ = true;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  BeforeKey();
  AppendJsonString(out_, key);
  out_->push_back(':');
  return *this;
}

JsonWriter& JsonWriter::QuotedKey(std::string_view quoted_key) {
  BeforeKey();
  out_->append(quoted_key);
  out_->push_back(':');
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view s) {
  BeforeValue();
  AppendJsonString(out_, s);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t i) {
  BeforeValue();
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), i);
  out_->append(buf, res.ptr - buf);
  return *this;
}

JsonWriter& JsonWriter::Double(double d) {
  BeforeValue();
  AppendJsonDouble(out_, d);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool b) {
  BeforeValue();
  out_->append(b ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_->append("null");
  return *this;
}

JsonWriter& JsonWriter::Write(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return Null();
    case Value::Kind::kBool:
      return Bool(v.as_bool());
    case Value::Kind::kInt:
      return Int(v.as_int());
    case Value::Kind::kFloat:
      return Double(v.as_float());
    case Value::Kind::kString:
      return String(v.as_string());
  }
  return Null();
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_->append(json);
  return *this;
}

}  // namespace ferry::io
