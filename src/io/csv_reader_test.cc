#include "io/csv_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ferry::io {
namespace {

struct ReadResult {
  std::vector<std::string> names;
  std::vector<std::vector<Value>> rows;  // cells per row
  std::vector<std::string> errors;       // per row
  std::vector<int64_t> lines;            // per row
  std::vector<int64_t> record_numbers;   // per row
  size_t chunks = 0;
};

ReadResult ReadAll(std::string text, size_t chunk_rows = 100, size_t block_size = 1 << 16) {
  ReaderOptions options;
  options.chunk_rows = chunk_rows;
  options.block_size = block_size;
  auto reader = CsvReader::Create(StringByteSource(std::move(text)), options);
  EXPECT_TRUE(reader.ok()) << reader.status();
  ReadResult result;
  if (!reader.ok()) return result;
  result.names = (*reader)->column_names();
  RecordChunk chunk;
  while (true) {
    auto more = (*reader)->Next(&chunk);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    ++result.chunks;
    const RecordBatch& b = chunk.batch;
    EXPECT_EQ(chunk.line_numbers.size(), b.num_rows());
    for (size_t r = 0; r < b.num_rows(); ++r) {
      std::vector<Value> row;
      for (const Column& c : b.columns()) row.push_back(c.values[r]);
      result.rows.push_back(row);
      result.errors.push_back(b.error(r));
      result.lines.push_back(chunk.line_numbers[r]);
      result.record_numbers.push_back(chunk.first_record + static_cast<int64_t>(r));
    }
  }
  return result;
}

TEST(CsvReaderTest, HeaderAndTypedCells) {
  ReadResult r = ReadAll("a,b,c\n1,2.5,x\n,-3,\n");
  EXPECT_EQ(r.names, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0][0].as_int(), 1);
  EXPECT_EQ(r.rows[0][1].as_float(), 2.5);
  EXPECT_EQ(r.rows[0][2].as_string(), "x");
  EXPECT_TRUE(r.rows[1][0].is_null());
  EXPECT_EQ(r.rows[1][1].as_int(), -3);
  EXPECT_TRUE(r.rows[1][2].is_null());
  EXPECT_EQ(r.lines, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(r.record_numbers, (std::vector<int64_t>{1, 2}));
}

TEST(CsvReaderTest, QuotedFieldsWithEscapesCommasAndNewlines) {
  ReadResult r =
      ReadAll("name,text\r\n\"Smith, J\",\"say \"\"hi\"\"\"\r\n\"a\nb\",\"\"\r\nz,\"12\"\r\n");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0][0].as_string(), "Smith, J");
  EXPECT_EQ(r.rows[0][1].as_string(), "say \"hi\"");
  EXPECT_EQ(r.rows[1][0].as_string(), "a\nb");
  EXPECT_TRUE(r.rows[1][1].is_null());
  EXPECT_EQ(r.rows[2][1].as_int(), 12);  // quoted numbers are typed too
  EXPECT_EQ(r.lines, (std::vector<int64_t>{2, 3, 5}));
  for (const auto& e : r.errors) EXPECT_EQ(e, "");
}

TEST(CsvReaderTest, ByteOrderMarkBlankLinesAndMissingFinalNewline) {
  ReadResult r = ReadAll("\xEF\xBB\xBFx,y\n\n1,2\n\r\n3,4");
  EXPECT_EQ(r.names, (std::vector<std::string>{"x", "y"}));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1][1].as_int(), 4);
  EXPECT_EQ(r.lines, (std::vector<int64_t>{3, 5}));
}

TEST(CsvReaderTest, LoneCarriageReturnEndsALine) {
  ReadResult r = ReadAll("a\r1\r2\r");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1][0].as_int(), 2);
  EXPECT_EQ(r.lines, (std::vector<int64_t>{2, 3}));
}

TEST(CsvReaderTest, WrongFieldCountIsThatRowsError) {
  ReadResult r = ReadAll("a,b\n1,2\n1,2,3\n4\n5,6\n");
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.errors[0], "");
  EXPECT_EQ(r.errors[1],
            "line 3: expected 2 fields as in the header, found 3 (quote values that contain "
            "commas)");
  EXPECT_EQ(r.errors[2], "line 4: expected 2 fields as in the header, found 1");
  EXPECT_TRUE(r.rows[1][0].is_null());
  EXPECT_EQ(r.errors[3], "");
  EXPECT_EQ(r.rows[3][1].as_int(), 6);
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsThatRowsError) {
  ReadResult r = ReadAll("a,b\n\"x\"y,1\n2,3\n");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_NE(r.errors[0].find("line 2: field 1: unexpected text after the closing quote"),
            std::string::npos)
      << r.errors[0];
  EXPECT_EQ(r.errors[1], "");
  EXPECT_EQ(r.rows[1][0].as_int(), 2);
}

TEST(CsvReaderTest, UnterminatedQuoteIsTheLastRowsError) {
  ReadResult r = ReadAll("a,b\n1,2\n3,\"open\n4,5\n");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.errors[0], "");
  EXPECT_NE(r.errors[1].find("line 3: a quoted field is never closed"), std::string::npos)
      << r.errors[1];
}

TEST(CsvReaderTest, QuoteInsideAnUnquotedFieldIsKept) {
  ReadResult r = ReadAll("a\n5\" screen\n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0].as_string(), "5\" screen");
}

TEST(CsvReaderTest, ChunksAndTinyBlocksGiveTheSameRecords) {
  std::string text = "id,name,note\n";
  for (int i = 0; i < 1000; ++i) {
    text += std::to_string(i) + ",\"n,\"\"" + std::to_string(i) + "\"\"\",\"multi\r\nline\"\r\n";
  }
  ReadResult big = ReadAll(text, 1000, 1 << 20);
  ReadResult small = ReadAll(text, 7, 16);
  EXPECT_EQ(big.chunks, 1u);
  EXPECT_EQ(small.chunks, 143u);
  ASSERT_EQ(small.rows.size(), 1000u);
  ASSERT_EQ(big.rows.size(), 1000u);
  for (size_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(small.rows[i][0].as_int(), static_cast<int64_t>(i));
    EXPECT_EQ(small.rows[i][1].as_string(), "n,\"" + std::to_string(i) + "\"");
    EXPECT_EQ(small.rows[i][2].as_string(), "multi\r\nline");
    EXPECT_EQ(small.lines[i], 2 + 2 * static_cast<int64_t>(i));
    EXPECT_EQ(small.record_numbers[i], static_cast<int64_t>(i) + 1);
    EXPECT_EQ(big.lines[i], small.lines[i]);
    EXPECT_EQ(small.errors[i], "");
  }
}

TEST(CsvReaderTest, EmptyInputAndHeaderOnly) {
  EXPECT_TRUE(ReadAll("").rows.empty());
  EXPECT_TRUE(ReadAll("").names.empty());
  ReadResult header_only = ReadAll("a,b\r\n");
  EXPECT_EQ(header_only.names, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(header_only.rows.empty());
}

TEST(CsvReaderTest, TrailingCommaMeansAnEmptyLastField) {
  ReadResult r = ReadAll("a,b\n1,\n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.errors[0], "");
  EXPECT_TRUE(r.rows[0][1].is_null());
}

TEST(CsvReaderTest, DuplicateHeaderNamesFail) {
  auto reader = CsvReader::Create(StringByteSource("a,b,a\n1,2,3\n", "dup.csv"), {});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().message(),
            "dup.csv: the CSV header names column 'a' twice (columns 1 and 3); give every column "
            "a distinct name");
}

TEST(CsvReaderTest, MalformedHeaderFails) {
  auto reader = CsvReader::Create(StringByteSource("\"a,b\n1,2\n"), {});
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("the CSV header is malformed"), std::string::npos);
}

}  // namespace
}  // namespace ferry::io
