#include "io/cell_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ferry::io {
namespace {

TEST(CellParserTest, EmptyIsNull) { EXPECT_TRUE(ParseCell("").is_null()); }

TEST(CellParserTest, Integers) {
  EXPECT_EQ(ParseCell("12").kind(), Value::Kind::kInt);
  EXPECT_EQ(ParseCell("12").as_int(), 12);
  EXPECT_EQ(ParseCell("-3").as_int(), -3);
  EXPECT_EQ(ParseCell("+7").as_int(), 7);
  EXPECT_EQ(ParseCell(" 4\t").as_int(), 4);
  EXPECT_EQ(ParseCell("007").as_int(), 7);
  EXPECT_EQ(ParseCell("-9223372036854775808").as_int(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ParseCell("9223372036854775807").as_int(), std::numeric_limits<int64_t>::max());
}

TEST(CellParserTest, IntegersBeyondInt64BecomeFloats) {
  Value v = ParseCell("99999999999999999999");
  ASSERT_EQ(v.kind(), Value::Kind::kFloat);
  EXPECT_EQ(v.as_float(), 1e20);
  EXPECT_EQ(ParseCell("-9223372036854775809").kind(), Value::Kind::kFloat);
}

TEST(CellParserTest, Floats) {
  EXPECT_EQ(ParseCell("1.5").as_float(), 1.5);
  EXPECT_EQ(ParseCell("-1.5").as_float(), -1.5);
  EXPECT_EQ(ParseCell("+2.5").as_float(), 2.5);
  EXPECT_EQ(ParseCell(".5").as_float(), 0.5);
  EXPECT_EQ(ParseCell("5.").as_float(), 5.0);
  EXPECT_EQ(ParseCell("1e-3").as_float(), 1e-3);
  EXPECT_EQ(ParseCell("1E+3").as_float(), 1000.0);
  EXPECT_EQ(ParseCell("0.1").as_float(), 0.1);
  EXPECT_EQ(ParseCell("12.0").kind(), Value::Kind::kFloat);
  EXPECT_EQ(ParseCell(" 2.25 ").as_float(), 2.25);
}

TEST(CellParserTest, OutOfRangeFloatsRoundLikePython) {
  EXPECT_EQ(ParseCell("1e400").as_float(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseCell("-1e400").as_float(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseCell("1e-400").as_float(), 0.0);
  EXPECT_EQ(ParseCell("0.001e312").as_float(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseCell("0.001e311").as_float(), 1e308);
  EXPECT_EQ(ParseCell("0.0000e999").as_float(), 0.0);
  EXPECT_EQ(ParseCell("5e-324").as_float(), 5e-324);
}

TEST(CellParserTest, NonFiniteSpellingsPythonAccepts) {
  for (const char* text : {"nan", "NaN", "NAN", "-nan", "+nan"}) {
    Value v = ParseCell(text);
    ASSERT_EQ(v.kind(), Value::Kind::kFloat) << text;
    EXPECT_TRUE(std::isnan(v.as_float())) << text;
  }
  for (const char* text : {"inf", "Inf", "+inf", "infinity", "Infinity", "INFINITY"}) {
    EXPECT_EQ(ParseCell(text).as_float(), std::numeric_limits<double>::infinity()) << text;
  }
  EXPECT_EQ(ParseCell("-inf").as_float(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseCell("-Infinity").as_float(), -std::numeric_limits<double>::infinity());
}

TEST(CellParserTest, EverythingElseIsAStringKeptByteForByte) {
  for (const char* text : {"abc", " x ", "1.2.3", "1e", "e5", "--1", "+", "-", ".", "1,5", "0x10",
                           "nan(1)", "infinit", "1_000", "12abc", "NA", "true", " "}) {
    Value v = ParseCell(text);
    ASSERT_EQ(v.kind(), Value::Kind::kString) << text;
    EXPECT_EQ(v.as_string(), text);
  }
}

}  // namespace
}  // namespace ferry::io
