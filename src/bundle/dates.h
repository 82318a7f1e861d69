// Calendar dates and timestamps for bundle inputs and expressions. Dates are days since
// 1970-01-01; timestamps are microseconds since 1970-01-01T00:00:00 of the wall-clock time as
// written (an offset such as "+02:00" or "Z" is validated but not applied, so hour() returns
// the hour the caller wrote, like Python's datetime.fromisoformat(s).hour).
#ifndef FERRY_BUNDLE_DATES_H_
#define FERRY_BUNDLE_DATES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::bundle {

// "YYYY-MM-DD" (a real calendar date) -> days; nullopt otherwise.
std::optional<int64_t> ParseDate(std::string_view s);
// "YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][Z|+hh:mm|-hh:mm]" or a bare date (midnight).
std::optional<int64_t> ParseTimestamp(std::string_view s);

std::string FormatDate(int64_t days);            // "2016-12-25"
std::string FormatTimestamp(int64_t micros);     // "2016-12-25 14:30:00" (".ffffff" if any)

struct DateParts {
  int64_t year;
  int month;         // 1..12
  int day;           // 1..31
  int day_of_week;   // Monday=0 ... Sunday=6
  int day_of_year;   // 1..366
};
DateParts PartsOfDay(int64_t days);
int64_t DaysOfTimestamp(int64_t micros);  // floor division by one day

}  // namespace ferry::bundle

#endif  // FERRY_BUNDLE_DATES_H_
