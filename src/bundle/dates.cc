#include "bundle/dates.h"

#include <cstdio>

#include "absl/time/civil_time.h"

namespace ferry::bundle {
namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;
const absl::CivilDay kEpoch(1970, 1, 1);

// Reads exactly `n` digits at s[*pos].
bool Digits(std::string_view s, size_t* pos, int n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Char(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

std::optional<int64_t> DatePrefix(std::string_view s, size_t* pos) {
  int y, m, d;
  if (!Digits(s, pos, 4, &y) || !Char(s, pos, '-') || !Digits(s, pos, 2, &m) ||
      !Char(s, pos, '-') || !Digits(s, pos, 2, &d)) {
    return std::nullopt;
  }
  absl::CivilDay day(y, m, d);  // normalizes out-of-range fields; reject when it did
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;
  return day - kEpoch;
}

}  // namespace

std::optional<int64_t> ParseDate(std::string_view s) {
  size_t pos = 0;
  auto days = DatePrefix(s, &pos);
  if (!days || pos != s.size()) return std::nullopt;
  return days;
}

std::optional<int64_t> ParseTimestamp(std::string_view s) {
  size_t pos = 0;
  auto days = DatePrefix(s, &pos);
  if (!days) return std::nullopt;
  int64_t micros = *days * kMicrosPerDay;
  if (pos == s.size()) return micros;
  if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
  ++pos;
  int h, mi, sec = 0;
  if (!Digits(s, &pos, 2, &h) || !Char(s, &pos, ':') || !Digits(s, &pos, 2, &mi)) {
    return std::nullopt;
  }
  int64_t frac = 0;
  if (Char(s, &pos, ':')) {
    if (!Digits(s, &pos, 2, &sec)) return std::nullopt;
    if (Char(s, &pos, '.')) {
      int n = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (n < 6) frac = frac * 10 + (s[pos] - '0');
        ++n;
        ++pos;
      }
      if (n == 0) return std::nullopt;
      for (; n < 6; ++n) frac *= 10;
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  if (pos < s.size()) {
    if (s[pos] == 'Z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      ++pos;
      int oh, om;
      if (!Digits(s, &pos, 2, &oh) || !Char(s, &pos, ':') || !Digits(s, &pos, 2, &om) ||
          oh > 23 || om > 59) {
        return std::nullopt;
      }
    }
    if (pos != s.size()) return std::nullopt;
  }
  return micros + ((h * 60LL + mi) * 60 + sec) * 1'000'000 + frac;
}

std::string FormatDate(int64_t days) {
  absl::CivilDay d = kEpoch + days;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(d.year()), d.month(),
                d.day());
  return buf;
}

std::string FormatTimestamp(int64_t micros) {
  int64_t days = DaysOfTimestamp(micros);
  int64_t rest = micros - days * kMicrosPerDay;
  int64_t secs = rest / 1'000'000, frac = rest % 1'000'000;
  char buf[48];
  std::snprintf(buf, sizeof(buf), " %02lld:%02lld:%02lld", static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::string out = FormatDate(days) + buf;
  if (frac != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(frac));
    out += buf;
  }
  return out;
}

DateParts PartsOfDay(int64_t days) {
  absl::CivilDay d = kEpoch + days;
  DateParts p;
  p.year = d.year();
  p.month = d.month();
  p.day = d.day();
  // absl::Weekday: monday=0 ... sunday=6, the same convention as Python's date.weekday().
  p.day_of_week = static_cast<int>(absl::GetWeekday(d));
  p.day_of_year = absl::GetYearDay(d);
  return p;
}

int64_t DaysOfTimestamp(int64_t micros) {
  int64_t d = micros / kMicrosPerDay;
  if (micros % kMicrosPerDay < 0) --d;
  return d;
}

}  // namespace ferry::bundle
