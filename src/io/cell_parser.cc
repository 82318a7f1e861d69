#include "io/cell_parser.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace ferry::io {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool EqualsIgnoreCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// True when `s` (sign already removed) is a decimal float in Python's grammar:
// digits [. [digits]] | . digits, then an optional exponent e[+-]digits.
bool IsDecimalFloat(std::string_view s) {
  size_t i = 0;
  size_t int_digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

// For a valid decimal float (no sign): the power of ten of its first non-zero digit, clamped
// to +-1e9. Zero when every digit is zero.
int64_t DecimalExponent(std::string_view s) {
  int64_t position = 0;  // power of ten of the digit being looked at
  size_t i = 0;
  size_t int_digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++int_digits;
  bool found = false;
  for (size_t k = 0; k < int_digits; ++k) {
    if (s[k] != '0') {
      position = static_cast<int64_t>(int_digits - k) - 1;
      found = true;
      break;
    }
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (int64_t k = 1; i < s.size() && IsDigit(s[i]); ++i, ++k) {
      if (!found && s[i] != '0') {
        position = -k;
        found = true;
      }
    }
  }
  if (!found) return 0;
  int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool minus = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (exponent < 1000000000) exponent = exponent * 10 + (s[i] - '0');
    }
    if (minus) exponent = -exponent;
  }
  return position + exponent;
}

}  // namespace

Value ParseCell(std::string_view text) {
  if (text.empty()) return Value::Null();
  std::string_view s = TrimBlanks(text);
  if (s.empty()) return Value::String(std::string(text));

  bool negative = false;
  std::string_view body = s;
  if (body.front() == '+' || body.front() == '-') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return Value::String(std::string(text));

  if (IsDigit(body.front())) {
    // Integer: only digits after the sign.
    bool all_digits = true;
    for (char c : body) {
      if (!IsDigit(c)) {
        all_digits = false;
        break;
      }
    }
    if (all_digits) {
      // Parse with the sign so that INT64_MIN fits.
      std::string_view signed_text = negative ? s : body;
      int64_t v = 0;
      auto [ptr, ec] =
          std::from_chars(signed_text.data(), signed_text.data() + signed_text.size(), v);
      if (ec == std::errc() && ptr == signed_text.data() + signed_text.size()) return Value::Int(v);
      // Out of int64 range: falls through to a float, as a huge Python int would become.
    }
  }

  if (IsDecimalFloat(body)) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
    if (ec == std::errc() && ptr == body.data() + body.size()) {
      return Value::Float(negative ? -v : v);
    }
    if (ec == std::errc::result_out_of_range) {
      // Python rounds overflow to inf and underflow to 0; from_chars reports both as range
      // errors, so tell them apart from the decimal exponent of the first significant digit.
      double magnitude = DecimalExponent(body) > 0 ? std::numeric_limits<double>::infinity() : 0.0;
      return Value::Float(negative ? -magnitude : magnitude);
    }
    return Value::String(std::string(text));
  }

  if (EqualsIgnoreCase(body, "nan")) return Value::Float(std::numeric_limits<double>::quiet_NaN());
  if (EqualsIgnoreCase(body, "inf") || EqualsIgnoreCase(body, "infinity")) {
    double inf = std::numeric_limits<double>::infinity();
    return Value::Float(negative ? -inf : inf);
  }
  return Value::String(std::string(text));
}

}  // namespace ferry::io
