// The result table's layout: rows upserted on id keep a received_at they do not carry; times
// parse in the forms the batch job accepts and format as the table holds them.
#include "store/result_rows.h"

#include <gtest/gtest.h>

#include "store/table_writer.h"

namespace ferry::store {
namespace {

std::vector<Value> Texts(std::initializer_list<const char*> texts) {
  std::vector<Value> out;
  for (const char* t : texts) out.push_back(Value::String(t));
  return out;
}

TEST(ResultRowsTest, ColumnsInLayoutOrderAndReceivedAtOnlyWhenGiven) {
  ResultRowValues values{Texts({"a"}), Texts({"m"}), Texts({"1"}), {}, Texts({"t"}), Texts({"{}"})};
  RecordBatch rows = ResultRows(values);
  std::vector<std::string> names;
  for (const Column& c : rows.columns()) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "model", "version", "processed_at", "event"}));
  values.received_at = Texts({"r"});
  names.clear();
  RecordBatch keyed = ResultRows(values, "request_id");
  for (const Column& c : keyed.columns()) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"request_id", "model", "version", "received_at",
                                             "processed_at", "event"}));
}

TEST(ResultRowsTest, UpsertOnIdKeepsTheReceivedAtOfTheWaitingRow) {
  auto db = OpenDatabase("sqlite::memory:");
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(CreateResultTable(**db, "results").ok());
  ASSERT_TRUE(CreateResultTable(**db, "results").ok());  // exists: nothing to do
  ASSERT_TRUE((*db)
                  ->Execute("INSERT INTO results (id, model, received_at) VALUES ('a', 'm', "
                            "'2026-11-21T04:00:00.000Z')")
                  .ok());
  TableWriter writer(db->get());
  ResultRowValues values{Texts({"a", "b"}),
                         Texts({"m", "m"}),
                         Texts({"1", "1"}),
                         {},
                         Texts({"2026-11-21T04:00:01.000Z", "2026-11-21T04:00:02.000Z"}),
                         Texts({"{\"x\":1}", "{\"x\":2}"})};
  ASSERT_TRUE(writer.UpsertBatch("results", {"id"}, ResultRows(values)).ok());
  auto read = ReadQuery(**db, "SELECT id, received_at, event FROM results ORDER BY id", {});
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 1u);
  const RecordBatch& got = (*read)[0];
  ASSERT_EQ(got.num_rows(), 2u);
  EXPECT_EQ(got.column(1).values[0].as_string(), "2026-11-21T04:00:00.000Z");
  EXPECT_TRUE(got.column(1).values[1].is_null());
  EXPECT_EQ(got.column(2).values[0].as_string(), "{\"x\":1}");
}

TEST(ResultRowsTest, TimesParseAsUtcAndFormatWithMilliseconds) {
  const std::string expected = "2026-11-21T04:05:06.000Z";
  for (const char* text : {"2026-11-21 04:05:06", "2026-11-21T04:05:06", "2026-11-21T04:05:06Z",
                           "2026-11-21T05:05:06+01:00", "2026-11-21 04:05:06.000"}) {
    std::optional<absl::Time> t = ParseResultTime(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(FormatResultTime(*t), expected) << text;
  }
  EXPECT_EQ(FormatResultTime(*ParseResultTime("2026-11-21T04:05:06.25Z")),
            "2026-11-21T04:05:06.250Z");
  EXPECT_EQ(FormatResultTime(*ParseResultTime("2026-11-21")), "2026-11-21T00:00:00.000Z");
  EXPECT_EQ(FormatResultTime(*ParseResultTime("2026-11-21 04:05")), "2026-11-21T04:05:00.000Z");
  for (const char* text : {"yesterday", "", "2026-13-01", "21/11/2026", "2026-11-21 25:00"}) {
    EXPECT_FALSE(ParseResultTime(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace ferry::store
