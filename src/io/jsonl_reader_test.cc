#include "io/jsonl_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace ferry::io {
namespace {

struct Chunks {
  std::vector<RecordChunk> chunks;
  size_t rows() const {
    size_t n = 0;
    for (const auto& c : chunks) n += c.batch.num_rows();
    return n;
  }
};

Chunks ReadAll(std::string text, size_t chunk_rows = 100, size_t block_size = 1 << 16) {
  ReaderOptions options;
  options.chunk_rows = chunk_rows;
  options.block_size = block_size;
  auto reader = JsonlReader::Create(StringByteSource(std::move(text)), options);
  EXPECT_TRUE(reader.ok()) << reader.status();
  Chunks result;
  if (!reader.ok()) return result;
  while (true) {
    RecordChunk chunk;
    auto more = (*reader)->Next(&chunk);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    result.chunks.push_back(std::move(chunk));
  }
  return result;
}

const Value& Cell(const RecordBatch& b, std::string_view name, size_t row) {
  int i = b.FindColumn(name);
  EXPECT_GE(i, 0) << name;
  return b.column(i).values[row];
}

TEST(JsonlReaderTest, ObjectsBecomeColumnsByKeyWithTypes) {
  Chunks r = ReadAll(R"({"a": 1, "b": 2.5, "c": "x", "d": true, "e": null}
{"b": 1e3, "f": -7}
)");
  ASSERT_EQ(r.chunks.size(), 1u);
  const RecordBatch& b = r.chunks[0].batch;
  ASSERT_EQ(b.num_rows(), 2u);
  EXPECT_EQ(b.num_columns(), 6u);
  EXPECT_EQ(Cell(b, "a", 0).kind(), Value::Kind::kInt);
  EXPECT_EQ(Cell(b, "b", 0).as_float(), 2.5);
  EXPECT_EQ(Cell(b, "c", 0).as_string(), "x");
  EXPECT_EQ(Cell(b, "d", 0).as_bool(), true);
  EXPECT_TRUE(Cell(b, "e", 0).is_null());
  EXPECT_TRUE(Cell(b, "f", 0).is_null());  // absent -> null
  EXPECT_TRUE(Cell(b, "a", 1).is_null());
  EXPECT_EQ(Cell(b, "b", 1).kind(), Value::Kind::kFloat);
  EXPECT_EQ(Cell(b, "f", 1).as_int(), -7);
  EXPECT_TRUE(b.ok(0) && b.ok(1));
}

TEST(JsonlReaderTest, ArraysArePositional) {
  Chunks r = ReadAll("[1, \"a\", 2.0]\n[3]\n");
  const RecordBatch& b = r.chunks[0].batch;
  ASSERT_EQ(b.num_columns(), 3u);
  EXPECT_EQ(b.column(0).name, "0");
  EXPECT_EQ(b.column(2).name, "2");
  EXPECT_EQ(Cell(b, "1", 0).as_string(), "a");
  EXPECT_EQ(Cell(b, "2", 0).as_float(), 2.0);
  EXPECT_EQ(Cell(b, "0", 1).as_int(), 3);
  EXPECT_TRUE(Cell(b, "2", 1).is_null());
}

TEST(JsonlReaderTest, BadLinesAreRowErrorsAndReadingGoesOn) {
  Chunks r = ReadAll("{\"a\": 1}\n{\"a\": \n\n{\"a\": {\"x\": 1}}\n{\"a\": [1]}\n42\n{\"a\": 2}\n");
  ASSERT_EQ(r.chunks.size(), 1u);
  const RecordChunk& c = r.chunks[0];
  const RecordBatch& b = c.batch;
  ASSERT_EQ(b.num_rows(), 6u);
  EXPECT_TRUE(b.ok(0));
  EXPECT_EQ(b.error(1).rfind("line 2: invalid JSON: ", 0), 0u) << b.error(1);
  EXPECT_EQ(b.error(2), "line 4: field 'a': nested values are not supported");
  EXPECT_EQ(b.error(3), "line 5: field 'a': nested values are not supported");
  EXPECT_EQ(b.error(4), "line 6: expected a JSON object or array, found a number");
  EXPECT_TRUE(b.ok(5));
  EXPECT_EQ(Cell(b, "a", 5).as_int(), 2);
  EXPECT_TRUE(Cell(b, "a", 2).is_null());
  EXPECT_EQ(c.line_numbers, (std::vector<int64_t>{1, 2, 4, 5, 6, 7}));
}

TEST(JsonlReaderTest, CrlfBomBlankLinesAndNoFinalNewline) {
  Chunks r = ReadAll("\xEF\xBB\xBF{\"a\": \"x\"}\r\n  \r\n\t\n{\"a\": \"y\"}");
  ASSERT_EQ(r.rows(), 2u);
  const RecordChunk& c = r.chunks[0];
  EXPECT_TRUE(c.batch.ok(0)) << c.batch.error(0);
  EXPECT_EQ(Cell(c.batch, "a", 1).as_string(), "y");
  EXPECT_EQ(c.line_numbers, (std::vector<int64_t>{1, 4}));
}

TEST(JsonlReaderTest, NumbersBeyondInt64AndEscapes) {
  Chunks r =
      ReadAll(R"({"u": 18446744073709551615, "s": "tab\there \u00e9 \ud83d\ude00", "k": -0.0})");
  const RecordBatch& b = r.chunks[0].batch;
  EXPECT_EQ(Cell(b, "u", 0).as_float(), 18446744073709551615.0);
  EXPECT_EQ(Cell(b, "s", 0).as_string(), "tab\there \xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_TRUE(std::signbit(Cell(b, "k", 0).as_float()));
}

TEST(JsonlReaderTest, RepeatedKeyKeepsTheLastValue) {
  Chunks r = ReadAll(R"({"a": 1, "a": 2})");
  EXPECT_EQ(Cell(r.chunks[0].batch, "a", 0).as_int(), 2);
}

TEST(JsonlReaderTest, LaterChunksKeepEarlierColumnsInOrder) {
  Chunks r = ReadAll("{\"b\": 1}\n{\"a\": 2}\n{\"c\": 3}\n", 2, 8);
  ASSERT_EQ(r.chunks.size(), 2u);
  const RecordBatch& second = r.chunks[1].batch;
  ASSERT_EQ(second.num_columns(), 3u);
  EXPECT_EQ(second.column(0).name, "b");
  EXPECT_EQ(second.column(1).name, "a");
  EXPECT_EQ(second.column(2).name, "c");
  EXPECT_TRUE(second.column(0).values[0].is_null());
  EXPECT_EQ(r.chunks[1].first_record, 3);
  EXPECT_EQ(r.chunks[1].line_numbers, (std::vector<int64_t>{3}));
}

TEST(JsonlReaderTest, LongLinesAcrossTinyBlocks) {
  std::string text;
  std::string long_text(5000, 'q');
  for (int i = 0; i < 50; ++i) {
    text += "{\"i\": " + std::to_string(i) + ", \"t\": \"" + long_text + "\"}\n";
  }
  Chunks r = ReadAll(text, 8, 16);
  ASSERT_EQ(r.rows(), 50u);
  EXPECT_EQ(r.chunks.size(), 7u);
  EXPECT_EQ(Cell(r.chunks[6].batch, "i", 1).as_int(), 49);
  EXPECT_EQ(Cell(r.chunks[6].batch, "t", 1).as_string(), long_text);
}

TEST(JsonlReaderTest, EmptyInputHasNoRecords) {
  EXPECT_EQ(ReadAll("").rows(), 0u);
  EXPECT_EQ(ReadAll("\n\n  \n").rows(), 0u);
}

}  // namespace
}  // namespace ferry::io
