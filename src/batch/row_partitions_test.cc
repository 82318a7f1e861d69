// Partitions from row values: which template names are row keys, how values become path
// text, and where a run's list of partitions is kept.
#include "batch/row_partitions.h"

#include "gtest/gtest.h"

namespace ferry::batch {
namespace {

TemplateContext Context() {
  TemplateContext c;
  c.period = PeriodOf(absl::CivilDay(2021, 3, 1), PeriodUnit::kMonth);
  c.vars = {{"taxi_type", "green"}};
  return c;
}

TEST(RowPartitionsTest, RowKeysAreTheNamesThatAreNoRunVariable) {
  TemplateContext c = Context();
  EXPECT_EQ(RowKeysOf("out/{taxi_type}/year={year}/zone={PULocationID}/m={pickup:%Y-%m}/"
                      "again={PULocationID}/{{literal}}",
                      c),
            (std::vector<std::string>{"PULocationID", "pickup"}));
  EXPECT_TRUE(RowKeysOf("out/year={year}/month={month:%m}/", c).empty());
}

TEST(RowPartitionsTest, ExpandsColumnValuesOfTheRow) {
  TemplateContext c = Context();
  RecordBatch rows(3);
  rows.AddColumn("zone", {Value::Int(43), Value::Null(), Value::String("a/../b")});
  rows.AddColumn("pickup", {Value::String("2021-03-05 10:22:01"), Value::String("2021-02-28T23:00"),
                            Value::String("not a date")});
  c.row_batch = &rows;
  auto expand = [&](size_t row) {
    return ExpandTemplate("out/{year}/z={zone}/d={pickup:%Y-%m-%d}/", c, "t");
  };
  c.row = 0;
  EXPECT_EQ(expand(0).value(), "out/2021/z=43/d=2021-03-05/");
  c.row = 1;
  EXPECT_EQ(expand(1).value(), "out/2021/z=__HIVE_DEFAULT_PARTITION__/d=2021-02-28/");
  c.row = 2;
  absl::StatusOr<std::string> bad = expand(2);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'not a date' is not a date"), std::string::npos)
      << bad.status();
  EXPECT_EQ(ExpandTemplate("z={zone}", c, "t").value(), "z=a_.._b");
  EXPECT_FALSE(ExpandTemplate("z={nothing}", c, "t").ok());
}

TEST(RowPartitionsTest, PathSeparatorsAndDotsNeverEscapeThePartition) {
  EXPECT_EQ(PartitionValueText(Value::String(".."), "c", "", false).value(), "_");
  EXPECT_EQ(PartitionValueText(Value::String(""), "c", "", false).value(), "_");
  EXPECT_EQ(PartitionValueText(Value::String("x\\y/z"), "c", "", false).value(), "x_y_z");
}

TEST(RowPartitionsTest, ManifestSitsBesideTheFirstRowKeyDirectory) {
  TemplateContext c = Context();
  EXPECT_EQ(RunManifestPath("/data/out/{taxi_type}/zone={zone}/m={pickup:%m}/", "job", c).value(),
            "/data/out/green/_ferry_runs/job-2021-03-01.partitions");
  EXPECT_EQ(RunManifestPath("{zone}/", "job", c).value(),
            "./_ferry_runs/job-2021-03-01.partitions");
}

}  // namespace
}  // namespace ferry::batch
