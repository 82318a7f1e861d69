// Days <-> civil dates with era arithmetic (400-year cycles of 146097 days), so every int32
// day count and every int64 second count formats without overflow.
#include "io/parquet/calendar.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ferry::parquet {
namespace {

int64_t FloorDivImpl(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Days since 1970-01-01 <-> proleptic Gregorian calendar (era arithmetic).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = FloorDivImpl(z, 146097);
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = FloorDivImpl(y, 400);
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Writes `value` as exactly `width` decimal digits at `out`. REQUIRES: 0 <= value < 10^width.
char* PutDigits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

std::string FractionImpl(int64_t nanos, int digits) {
  if (nanos == 0) return "";
  char buf[10];
  buf[0] = '.';
  if (digits == 6 || nanos % 1000 == 0)
    return std::string(buf, PutDigits(buf + 1, nanos / 1000, 6));
  return std::string(buf, PutDigits(buf + 1, nanos, 9));
}

// "YYYY-MM-DD" into `out` (years 0..9999 take the fast path).
void AppendDate(int64_t days, std::string* out) {
  int64_t y = 0;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y < 0 || y > 9999) {
    absl::StrAppendFormat(out, "%04d-%02d-%02d", y, m, d);
    return;
  }
  char buf[10];
  char* p = PutDigits(buf, y, 4);
  *p++ = '-';
  p = PutDigits(p, m, 2);
  *p++ = '-';
  PutDigits(p, d, 2);
  out->append(buf, 10);
}

bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

int64_t FloorDiv(int64_t a, int64_t b) { return FloorDivImpl(a, b); }

std::string FormatFraction(int64_t nanos, int digits) { return FractionImpl(nanos, digits); }

std::string FormatDate(int64_t days) {
  std::string out;
  AppendDate(days, &out);
  return out;
}

std::string FormatTimestampNanos(int64_t seconds, int64_t nanos, int digits) {
  int64_t days = FloorDivImpl(seconds, 86400);
  int64_t sod = seconds - days * 86400;
  std::string out;
  out.reserve(26);
  AppendDate(days, &out);
  char buf[9];
  buf[0] = ' ';
  char* p = PutDigits(buf + 1, sod / 3600, 2);
  *p++ = ':';
  p = PutDigits(p, sod / 60 % 60, 2);
  *p++ = ':';
  PutDigits(p, sod % 60, 2);
  out.append(buf, 9);
  if (nanos != 0) out += FractionImpl(nanos, digits);
  return out;
}

bool ParseDate(std::string_view s, int64_t* days) {
  int64_t y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !Digits(s, 0, 4, &y) ||
      !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > 31) {
    return false;
  }
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  int64_t y2;
  unsigned m2, d2;
  CivilFromDays(*days, &y2, &m2, &d2);
  return y2 == y && m2 == m && d2 == d;  // rejects 2021-02-30
}

bool ParseTimestampMicros(std::string_view s, int64_t* micros) {
  int64_t days = 0;
  if (s.size() < 10 || !ParseDate(s.substr(0, 10), &days)) return false;
  int64_t h = 0, mi = 0, sec = 0, frac = 0;
  if (s.size() > 10) {
    if ((s[10] != ' ' && s[10] != 'T') || !Digits(s, 11, 2, &h) || s.size() < 16 || s[13] != ':' ||
        !Digits(s, 14, 2, &mi) || h > 23 || mi > 59) {
      return false;
    }
    size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
      if (!Digits(s, pos + 1, 2, &sec) || sec > 59) return false;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        int n = 0;
        for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n) {
          if (n < 6) frac = frac * 10 + (s[pos] - '0');
        }
        if (n == 0) return false;
        for (; n < 6; ++n) frac *= 10;
      }
    }
    // A zone suffix ("Z", "+02:00", "-0530") is checked but not applied: the wall time as
    // written is kept, as bundle inputs do.
    if (pos < s.size() && s[pos] == 'Z') {
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      int64_t oh = 0, om = 0;
      size_t colon = pos + 3 < s.size() && s[pos + 3] == ':' ? 1 : 0;
      if (!Digits(s, pos + 1, 2, &oh) || !Digits(s, pos + 3 + colon, 2, &om) || oh > 23 ||
          om > 59) {
        return false;
      }
      pos += 5 + colon;
    }
    if (pos != s.size()) return false;
  }
  *micros = ((days * 24 + h) * 60 + mi) * 60000000 + sec * 1000000 + frac;
  return true;
}

}  // namespace ferry::parquet
