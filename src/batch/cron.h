// CronSchedule: a standard 5-field cron expression (minute hour day-of-month month
// day-of-week) evaluated in a time zone (absl::TimeZone, from the system's tzdata).
// Fields take *, numbers, ranges a-b, steps */n and a-b/n, lists, and names (JAN..DEC,
// SUN..SAT; 7 is Sunday too); @hourly, @daily, @weekly, @monthly and @yearly are accepted.
// As in cron, when both day fields are restricted a day matching either one fires.
// A local time skipped by a DST change fires at the instant after the gap.
#ifndef FERRY_BATCH_CRON_H_
#define FERRY_BATCH_CRON_H_

#include <bitset>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ferry::batch {

class CronSchedule {
 public:
  // Errors name the field and what was wrong; an unknown zone names the zone.
  static absl::StatusOr<CronSchedule> Parse(absl::string_view expression,
                                            absl::string_view time_zone = "UTC");

  // The first firing time strictly after `after` (InfiniteFuture if none within 5 years).
  absl::Time Next(absl::Time after) const;

  const absl::TimeZone& zone() const { return zone_; }
  const std::string& expression() const { return expression_; }

 private:
  bool DayMatches(absl::CivilDay day) const;

  std::string expression_;
  absl::TimeZone zone_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;
  std::bitset<13> months_;
  std::bitset<7> weekdays_;
  bool any_day_ = true, any_weekday_ = true;
};

}  // namespace ferry::batch

#endif  // FERRY_BATCH_CRON_H_
