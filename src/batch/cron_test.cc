// Cron expressions: parsing and next firing times, with time zones and DST.
#include "batch/cron.h"

#include "gtest/gtest.h"

namespace ferry::batch {
namespace {

absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), absl::UTCTimeZone());
}

std::string NextText(const CronSchedule& c, absl::Time after) {
  return absl::FormatTime("%Y-%m-%d %H:%M %a", c.Next(after), c.zone());
}

TEST(CronTest, EveryMinuteAndSteps) {
  CronSchedule every = CronSchedule::Parse("* * * * *").value();
  EXPECT_EQ(every.Next(Utc(2021, 1, 1, 10, 0)), Utc(2021, 1, 1, 10, 1));
  CronSchedule quarter = CronSchedule::Parse("*/15 9-17 * * MON-FRI").value();
  EXPECT_EQ(NextText(quarter, Utc(2021, 1, 1, 17, 50)), "2021-01-04 09:00 Mon");  // Fri -> Mon
  EXPECT_EQ(NextText(quarter, Utc(2021, 1, 4, 9, 0)), "2021-01-04 09:15 Mon");
}

TEST(CronTest, MonthlyYearlyAndNames) {
  CronSchedule monthly = CronSchedule::Parse("0 3 1 * *").value();
  EXPECT_EQ(NextText(monthly, Utc(2021, 1, 31, 12, 0)), "2021-02-01 03:00 Mon");
  EXPECT_EQ(NextText(CronSchedule::Parse("@yearly").value(), Utc(2021, 6, 1, 0, 0)),
            "2022-01-01 00:00 Sat");
  EXPECT_EQ(NextText(CronSchedule::Parse("30 6 * jan,feb sun").value(), Utc(2021, 2, 28, 7, 0)),
            "2022-01-02 06:30 Sun");
  EXPECT_EQ(NextText(CronSchedule::Parse("0 0 * * 7").value(), Utc(2021, 1, 1, 0, 0)),
            "2021-01-03 00:00 Sun");
  EXPECT_EQ(CronSchedule::Parse("0 0 31 2 *").value().Next(Utc(2021, 1, 1, 0, 0)),
            absl::InfiniteFuture());  // February 31st never comes
}

TEST(CronTest, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  CronSchedule c = CronSchedule::Parse("0 12 13 * FRI").value();
  EXPECT_EQ(NextText(c, Utc(2021, 1, 1, 13, 0)), "2021-01-08 12:00 Fri");
  EXPECT_EQ(NextText(c, Utc(2021, 1, 9, 0, 0)), "2021-01-13 12:00 Wed");
}

TEST(CronTest, TimeZonesAndDaylightSaving) {
  CronSchedule berlin = CronSchedule::Parse("0 3 * * *", "Europe/Berlin").value();
  EXPECT_EQ(berlin.Next(Utc(2021, 1, 10, 0, 0)), Utc(2021, 1, 10, 2, 0));  // CET = UTC+1
  EXPECT_EQ(berlin.Next(Utc(2021, 7, 10, 0, 0)), Utc(2021, 7, 10, 1, 0));  // CEST = UTC+2
  // 02:30 does not exist on 2021-03-28 in Berlin: it fires at the end of the gap (03:00 CEST).
  CronSchedule gap = CronSchedule::Parse("30 2 * * *", "Europe/Berlin").value();
  EXPECT_EQ(gap.Next(Utc(2021, 3, 27, 12, 0)), Utc(2021, 3, 28, 1, 0));
}

TEST(CronTest, ErrorsNameTheField) {
  auto message = [](const char* e, const char* tz = "UTC") {
    return std::string(CronSchedule::Parse(e, tz).status().message());
  };
  EXPECT_NE(message("* * *").find("needs 5 fields"), std::string::npos);
  EXPECT_NE(message("61 * * * *").find("minute"), std::string::npos);
  EXPECT_NE(message("* * * 13 *").find("month"), std::string::npos);
  EXPECT_NE(message("* * * * FUNDAY").find("day-of-week"), std::string::npos);
  EXPECT_NE(message("*/0 * * * *").find("bad step"), std::string::npos);
  EXPECT_NE(message("* * * * *", "Mars/Olympus").find("unknown time zone"), std::string::npos);
}

}  // namespace
}  // namespace ferry::batch
