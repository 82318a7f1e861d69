// AppendCsvField: how each kind of value becomes one CSV field.
#include "batch/row_writer.h"

#include "gtest/gtest.h"

namespace ferry::batch {
namespace {

std::string Field(const Value& v) {
  std::string out = "[";
  AppendCsvField(&out, v);
  return out + "]";
}

TEST(AppendCsvFieldTest, PlainValuesAreWrittenAsTheyAre) {
  EXPECT_EQ(Field(Value::Null()), "[]");
  EXPECT_EQ(Field(Value::Int(-42)), "[-42]");
  EXPECT_EQ(Field(Value::Float(13.3752602316626)), "[13.3752602316626]");
  EXPECT_EQ(Field(Value::Bool(true)), "[true]");
  EXPECT_EQ(Field(Value::String("2021-01-01 00:15:56")), "[2021-01-01 00:15:56]");
  EXPECT_EQ(Field(Value::String("")), "[]");
}

TEST(AppendCsvFieldTest, SeparatorsQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(Field(Value::String("a,b")), "[\"a,b\"]");
  EXPECT_EQ(Field(Value::String("say \"hi\"")), "[\"say \"\"hi\"\"\"]");
  EXPECT_EQ(Field(Value::String("two\nlines")), "[\"two\nlines\"]");
  EXPECT_EQ(Field(Value::String("cr\r")), "[\"cr\r\"]");
  EXPECT_EQ(Field(Value::String("tab\tand;semicolon")), "[tab\tand;semicolon]");
}

}  // namespace
}  // namespace ferry::batch
