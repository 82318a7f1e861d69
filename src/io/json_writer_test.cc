#include "io/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

namespace ferry::io {
namespace {

std::string Quoted(std::string_view text) { return JsonQuoted(text); }

std::string Number(double d) {
  std::string out;
  AppendJsonDouble(&out, d);
  return out;
}

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Quoted("plain"), "\"plain\"");
  EXPECT_EQ(Quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Quoted("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(Quoted(std::string_view("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(Quoted(""), "\"\"");
}

TEST(JsonWriterTest, Utf8PassesThroughAndInvalidBytesAreReplaced) {
  EXPECT_EQ(Quoted("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  EXPECT_EQ(Quoted("a\xFFz"), "\"a\\ufffdz\"");
  EXPECT_EQ(Quoted("\xC3"), "\"\\ufffd\"");                                   // truncated sequence
  EXPECT_EQ(Quoted("\xC0\xAF"), "\"\\ufffd\\ufffd\"");                        // overlong
  EXPECT_EQ(Quoted("\xED\xA0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");             // surrogate
  EXPECT_EQ(Quoted("\xF4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
}

// Every byte value at every offset of a 17-byte string, so that it falls in each lane of the
// 8-byte fast scan and in the byte-by-byte tail: it is escaped exactly as on its own.
TEST(JsonWriterTest, EveryByteIsEscapedTheSameAtEveryOffset) {
  for (int b = 0; b < 256; ++b) {
    const std::string alone = Quoted(std::string(1, static_cast<char>(b)));
    const std::string escaped = alone.substr(1, alone.size() - 2);
    if (b == '"') {
      EXPECT_EQ(escaped, "\\\"");
    } else if (b < 0x20) {
      EXPECT_EQ(escaped.front(), '\\') << b;
    } else if (b >= 0x80) {
      EXPECT_EQ(escaped, "\\ufffd") << b;  // a lone byte >= 0x80 is invalid UTF-8
    }
    for (size_t at = 0; at < 17; ++at) {
      std::string text(17, 'a');
      text[at] = static_cast<char>(b);
      const std::string expected =
          "\"" + std::string(at, 'a') + escaped + std::string(16 - at, 'a') + "\"";
      ASSERT_EQ(Quoted(text), expected) << "byte " << b << " at " << at;
    }
  }
  // A valid multi-byte sequence straddling two words passes through.
  const std::string text = "abcdefg\xc3\xa9hijklmnop";
  EXPECT_EQ(Quoted(text), "\"" + text + "\"");
}

TEST(JsonWriterTest, ResumedObjectsContinueWithTheRightCommas) {
  std::string line = R"({"model":"m")";
  JsonWriter(&line).ResumeObject(true).Key("id").String("r1").EndObject();
  EXPECT_EQ(line, R"({"model":"m","id":"r1"})");
  line = "{";
  JsonWriter(&line).ResumeObject(false).Key("id").Int(7).Key("x").Null().EndObject();
  EXPECT_EQ(line, R"({"id":7,"x":null})");
}

TEST(JsonWriterTest, DoublesAreShortestRoundTripAndNonFiniteIsNull) {
  EXPECT_EQ(Number(12.5), "12.5");
  EXPECT_EQ(Number(12.0), "12.0");
  EXPECT_EQ(Number(0.1), "0.1");
  EXPECT_EQ(Number(-0.0), "-0.0");
  EXPECT_EQ(Number(1e-7), "1e-07");
  EXPECT_EQ(Number(1e20), "1e+20");
  EXPECT_EQ(Number(std::nan("")), "null");
  EXPECT_EQ(Number(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(Number(-std::numeric_limits<double>::infinity()), "null");
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> dist(-1e6, 1e6);
  for (int i = 0; i < 1000; ++i) {
    double d = dist(rng) * std::pow(10.0, static_cast<int>(rng() % 40) - 20);
    EXPECT_EQ(std::stod(Number(d)), d);
  }
}

TEST(JsonWriterTest, BuildsNestedObjectsAndArraysWithCommas) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Key("prediction")
      .String("yes")
      .Key("probabilities")
      .BeginObject()
      .Key("no")
      .Double(0.25)
      .Key("yes")
      .Double(0.75)
      .EndObject()
      .Key("list")
      .BeginArray()
      .Int(1)
      .Int(-2)
      .Bool(true)
      .Null()
      .BeginArray()
      .EndArray()
      .EndArray()
      .Key("raw")
      .Raw("[1]")
      .EndObject();
  EXPECT_EQ(out, R"({"prediction":"yes","probabilities":{"no":0.25,"yes":0.75},)"
                 R"("list":[1,-2,true,null,[]],"raw":[1]})");
  EXPECT_EQ(w.depth(), 0u);
}

TEST(JsonWriterTest, WritesValuesAsTheirJsonType) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray()
      .Write(Value::Null())
      .Write(Value::Bool(false))
      .Write(Value::Int(-9))
      .Write(Value::Float(1.0))
      .Write(Value::String("s\""))
      .EndArray();
  EXPECT_EQ(out, R"([null,false,-9,1.0,"s\""])");
}

TEST(JsonWriterTest, TopLevelValuesAppendWithoutSeparators) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("a").Int(1).EndObject();
  out.push_back('\n');
  JsonWriter(&out).Int(2);
  EXPECT_EQ(out, "{\"a\":1}\n2");
}

}  // namespace
}  // namespace ferry::io
