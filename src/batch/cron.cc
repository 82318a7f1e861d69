// Cron expressions (see cron.h).
#include "batch/cron.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"

namespace ferry::batch {
namespace {

struct FieldSpec {
  const char* name;
  int min, max;
  std::vector<std::string> names;  // names[i] stands for min + i
};

bool ParseValue(absl::string_view text, const FieldSpec& f, int* out) {
  if (absl::SimpleAtoi(text, out)) return true;
  std::string upper = absl::AsciiStrToUpper(text);
  for (size_t i = 0; i < f.names.size(); ++i) {
    if (upper == f.names[i]) {
      *out = f.min + static_cast<int>(i);
      return true;
    }
  }
  return false;
}

// Parses one field into `bits` (index = value). Sets *star for a bare "*".
absl::Status ParseField(absl::string_view text, const FieldSpec& f, std::vector<bool>* bits,
                        bool* star) {
  bits->assign(f.max + 2, false);
  *star = text == "*" || text == "?";
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    auto error = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("cron ", f.name, " field '", text, "': ", why,
                                                     " (allowed ", f.min, "-", f.max, ")"));
    };
    int step = 1;
    absl::string_view range = part;
    if (size_t slash = part.find('/'); slash != absl::string_view::npos) {
      if (!absl::SimpleAtoi(part.substr(slash + 1), &step) || step < 1) return error("bad step");
      range = part.substr(0, slash);
    }
    int lo = f.min, hi = f.max;
    if (range != "*" && range != "?") {
      size_t dash = range.find('-');
      if (!ParseValue(range.substr(0, dash), f, &lo)) return error("bad value");
      hi = lo;
      if (dash != absl::string_view::npos) {
        if (!ParseValue(range.substr(dash + 1), f, &hi)) return error("bad range end");
      } else if (part.find('/') != absl::string_view::npos) {
        hi = f.max;  // "5/15" means 5-max/15
      }
    }
    int top = f.max + (f.name == std::string("day-of-week") ? 1 : 0);  // 7 = Sunday
    if (lo < f.min || hi > top || lo > hi) return error("value out of range");
    for (int v = lo; v <= hi; v += step) (*bits)[v] = true;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CronSchedule> CronSchedule::Parse(absl::string_view expression,
                                                 absl::string_view time_zone) {
  CronSchedule s;
  s.expression_ = std::string(expression);
  if (!absl::LoadTimeZone(std::string(time_zone), &s.zone_)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown time zone '", time_zone, "' (use an IANA name such as Europe/Berlin or UTC)"));
  }
  std::string text = std::string(absl::StripAsciiWhitespace(expression));
  if (text == "@hourly") text = "0 * * * *";
  if (text == "@daily" || text == "@midnight") text = "0 0 * * *";
  if (text == "@weekly") text = "0 0 * * 0";
  if (text == "@monthly") text = "0 0 1 * *";
  if (text == "@yearly" || text == "@annually") text = "0 0 1 1 *";
  std::vector<absl::string_view> fields = absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (fields.size() != 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cron expression '", expression,
        "' needs 5 fields: minute hour day-of-month month day-of-week (e.g. '0 3 * * *')"));
  }
  static const FieldSpec kFields[5] = {
      {"minute", 0, 59, {}},
      {"hour", 0, 23, {}},
      {"day-of-month", 1, 31, {}},
      {"month",
       1,
       12,
       {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
      {"day-of-week", 0, 6, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
  };
  std::vector<bool> bits[5];
  bool star[5];
  for (int i = 0; i < 5; ++i) {
    if (absl::Status st = ParseField(fields[i], kFields[i], &bits[i], &star[i]); !st.ok())
      return st;
  }
  for (int v = 0; v < 60; ++v) s.minutes_[v] = bits[0][v];
  for (int v = 0; v < 24; ++v) s.hours_[v] = bits[1][v];
  for (int v = 1; v <= 31; ++v) s.days_[v] = bits[2][v];
  for (int v = 1; v <= 12; ++v) s.months_[v] = bits[3][v];
  for (int v = 0; v < 7; ++v) s.weekdays_[v] = bits[4][v];
  if (bits[4][7]) s.weekdays_[0] = true;
  s.any_day_ = star[2];
  s.any_weekday_ = star[4];
  return s;
}

bool CronSchedule::DayMatches(absl::CivilDay day) const {
  if (!months_[day.month()]) return false;
  int weekday = (static_cast<int>(absl::GetWeekday(day)) + 1) % 7;  // absl: Monday = 0
  bool dom = days_[day.day()], dow = weekdays_[weekday];
  if (any_day_ && any_weekday_) return true;
  if (any_day_) return dow;
  if (any_weekday_) return dom;
  return dom || dow;
}

absl::Time CronSchedule::Next(absl::Time after) const {
  const absl::CivilMinute start = absl::ToCivilMinute(after, zone_);
  for (absl::CivilDay day(start); day < absl::CivilDay(start) + 366 * 5 + 2; ++day) {
    if (!DayMatches(day)) continue;
    for (int h = 0; h < 24; ++h) {
      if (!hours_[h]) continue;
      for (int m = 0; m < 60; ++m) {
        if (!minutes_[m]) continue;
        absl::CivilMinute local(day.year(), day.month(), day.day(), h, m);
        if (local < start) continue;
        absl::TimeZone::TimeInfo info = zone_.At(local);
        absl::Time t = info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
        if (t > after) return t;
      }
    }
  }
  return absl::InfiniteFuture();
}

}  // namespace ferry::batch
