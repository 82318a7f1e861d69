// Run periods and path templates.
#include "batch/run_period.h"

#include "gtest/gtest.h"

namespace ferry::batch {
namespace {

TemplateContext Context(absl::CivilDay day, PeriodUnit unit) {
  TemplateContext c;
  c.period = PeriodOf(day, unit);
  c.vars = {{"taxi_type", "green"}};
  return c;
}

TEST(RunPeriodTest, MonthPeriodStartsOnTheFirst) {
  RunPeriod p = PeriodOf(absl::CivilDay(2021, 3, 17), PeriodUnit::kMonth);
  EXPECT_EQ(p.date, absl::CivilDay(2021, 3, 1));
  EXPECT_EQ(FormatCivil(p.start), "2021-03-01 00:00:00");
  EXPECT_EQ(FormatCivil(p.end), "2021-04-01 00:00:00");
  RunPeriod d = PeriodOf(absl::CivilDay(2020, 12, 31), PeriodUnit::kDay);
  EXPECT_EQ(FormatCivil(d.end), "2021-01-01 00:00:00");
}

TEST(RunPeriodTest, ExpandsDateVariablesFormatsAndVars) {
  TemplateContext c = Context(absl::CivilDay(2021, 1, 15), PeriodUnit::kDay);
  auto t = [&](const char* text) { return ExpandTemplate(text, c, "test").value(); };
  EXPECT_EQ(t("green_tripdata_{prev_month:%Y-%m}.parquet"), "green_tripdata_2020-12.parquet");
  EXPECT_EQ(t("taxi_type={taxi_type}/year={year}/month={month}/"),
            "taxi_type=green/year=2021/month=01/");
  EXPECT_EQ(t("{date}|{prev_day}|{next_day}|{next_month}"),
            "2021-01-15|2021-01-14|2021-01-16|2021-02");
  EXPECT_EQ(t("{date:%Y%m%d}_{start:%H}"), "20210115_00");
  EXPECT_EQ(t("{{literal}} {end}"), "{literal} 2021-01-16 00:00:00");
  EXPECT_EQ(t("part-{shard}-of-{num_shards}"), "part-0-of-1");
}

TEST(RunPeriodTest, TemplateErrorsNameTheProblem) {
  TemplateContext c = Context(absl::CivilDay(2021, 1, 15), PeriodUnit::kDay);
  absl::StatusOr<std::string> unknown = ExpandTemplate("x/{mnth}/", c, "output.path");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("output.path: unknown template variable '{mnth}'"),
            std::string::npos);
  EXPECT_NE(unknown.status().message().find("taxi_type"), std::string::npos);
  EXPECT_FALSE(ExpandTemplate("x/{date", c, "p").ok());
  EXPECT_FALSE(ExpandTemplate("x}", c, "p").ok());
}

TEST(RunPeriodTest, ParsesDaysAndTimes) {
  EXPECT_EQ(ParseDay("2024-02-29").value(), absl::CivilDay(2024, 2, 29));
  EXPECT_FALSE(ParseDay("2023-02-29").ok());
  EXPECT_FALSE(ParseDay("2023-2-1").ok());
  EXPECT_EQ(ParseCivilTime("2021-01-02T03:04").value(), absl::CivilSecond(2021, 1, 2, 3, 4, 0));
  EXPECT_EQ(ParseCivilTime("2021-01-02 03:04:05").value(), absl::CivilSecond(2021, 1, 2, 3, 4, 5));
  EXPECT_FALSE(ParseCivilTime("2021-01-02 25:00").ok());
}

TEST(RunPeriodTest, PeriodsBetweenStepsByMonthOrDay) {
  auto months =
      PeriodsBetween(absl::CivilDay(2021, 1, 10), absl::CivilDay(2021, 6, 1), PeriodUnit::kMonth);
  ASSERT_EQ(months.size(), 6u);
  EXPECT_EQ(months[0].date, absl::CivilDay(2021, 1, 1));
  EXPECT_EQ(months[5].date, absl::CivilDay(2021, 6, 1));
  EXPECT_EQ(
      PeriodsBetween(absl::CivilDay(2021, 2, 27), absl::CivilDay(2021, 3, 2), PeriodUnit::kDay)
          .size(),
      4u);
}

}  // namespace
}  // namespace ferry::batch
