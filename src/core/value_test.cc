#include "core/value.h"

#include <gtest/gtest.h>

#include "core/record_batch.h"

namespace ferry {
namespace {

TEST(ValueTest, EqualityFollowsPython) {
  EXPECT_EQ(Value::Int(1), Value::Float(1.0));
  EXPECT_EQ(Value::Bool(true), Value::Int(1));
  EXPECT_FALSE(Value::String("1") == Value::Int(1));
  EXPECT_EQ(Value::Null(), Value::Null());
}

TEST(ValueTest, FormatDoubleRoundTrips) {
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(12.0), "12.0");
  EXPECT_EQ(FormatDouble(1e-7), "1e-07");
  double x = 0.30000000000000004;
  EXPECT_EQ(std::stod(FormatDouble(x)), x);
}

TEST(RecordBatchTest, FirstErrorWins) {
  RecordBatch b(2);
  b.AddColumn("a", {Value::Int(1), Value::Null()});
  b.SetError(1, "first");
  b.SetError(1, "second");
  EXPECT_EQ(b.error(1), "first");
  EXPECT_TRUE(b.ok(0));
  EXPECT_EQ(b.FindColumn("a"), 0);
  EXPECT_EQ(b.FindColumn("b"), -1);
}

// Narrow batches scan their column names, wide ones (over 16 columns) hash them: both find
// every column, the first of a repeated name, and -1 for an absent one.
TEST(RecordBatchTest, FindColumnInNarrowAndWideBatches) {
  for (int width : {3, 16, 17, 40}) {
    RecordBatch b(1);
    for (int i = 0; i < width; ++i) {
      b.AddColumn("c" + std::to_string(i), {Value::Int(i)});
    }
    b.AddColumn("c1", {Value::Int(-1)});  // a repeated name: the first column keeps it
    for (int i = 0; i < width; ++i) EXPECT_EQ(b.FindColumn("c" + std::to_string(i)), i);
    EXPECT_EQ(b.FindColumn("absent"), -1);
    EXPECT_EQ(b.FindColumn(""), -1);
    Column& added = b.GetOrAddColumn("new");
    EXPECT_EQ(added.values.size(), 1u);
    EXPECT_EQ(b.FindColumn("new"), width + 1) << width;
  }
}

TEST(KindsOfTest, NamesEveryNonNullKindPresent) {
  ValueKinds none = KindsOf({Value(), Value()});
  EXPECT_FALSE(none.ints || none.floats || none.bools || none.strings);
  ValueKinds mixed = KindsOf({Value::Int(1), Value(), Value::Float(2.5), Value::String("a")});
  EXPECT_TRUE(mixed.ints);
  EXPECT_TRUE(mixed.floats);
  EXPECT_FALSE(mixed.bools);
  EXPECT_TRUE(mixed.strings);
  EXPECT_TRUE(KindsOf({Value::Bool(true)}).bools);
}

}  // namespace
}  // namespace ferry
