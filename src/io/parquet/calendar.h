// Calendar arithmetic and text for Parquet dates and timestamps: days since 1970-01-01 in
// the proleptic Gregorian calendar, "YYYY-MM-DD" and "YYYY-MM-DD HH:MM:SS[.ffffff]".
#ifndef FERRY_IO_PARQUET_CALENDAR_H_
#define FERRY_IO_PARQUET_CALENDAR_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::parquet {

// Division rounding toward negative infinity. REQUIRES: b > 0.
int64_t FloorDiv(int64_t a, int64_t b);

std::string FormatDate(int64_t days_since_epoch);
// `seconds` since 1970-01-01 00:00:00 plus `nanos_of_second`; the fraction is shown when
// nonzero, with 6 digits, or 9 when `digits` is 9 and the nanoseconds need them.
std::string FormatTimestampNanos(int64_t seconds, int64_t nanos_of_second, int digits);
// ".ffffff" / ".fffffffff" as above, or "" for zero.
std::string FormatFraction(int64_t nanos, int digits);

// Parses "YYYY-MM-DD" (a real calendar date) -> days; false when malformed.
bool ParseDate(std::string_view text, int64_t* days);
// Parses "YYYY-MM-DD[ T]HH:MM[:SS[.f...]][Z|+hh:mm|-hh:mm]" or a bare date -> microseconds of
// the wall time as written (a zone suffix is validated, not applied); false if malformed.
bool ParseTimestampMicros(std::string_view text, int64_t* micros);

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_CALENDAR_H_
