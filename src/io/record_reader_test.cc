#include "io/record_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "io/output_file.h"

namespace ferry::io {
namespace {

std::vector<std::string> ColumnNames(RecordReader& reader) {
  RecordChunk chunk;
  auto more = reader.Next(&chunk);
  EXPECT_TRUE(more.ok() && *more);
  std::vector<std::string> names;
  for (const Column& c : chunk.batch.columns()) names.push_back(c.name);
  return names;
}

TEST(RecordReaderTest, ParsesFormatNames) {
  EXPECT_EQ(*ParseRecordFormat("CSV"), RecordFormat::kCsv);
  EXPECT_EQ(*ParseRecordFormat("jsonl"), RecordFormat::kJsonl);
  EXPECT_EQ(*ParseRecordFormat("ndjson"), RecordFormat::kJsonl);
  EXPECT_EQ(*ParseRecordFormat("auto"), RecordFormat::kAuto);
  auto bad = ParseRecordFormat("xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "unknown input format 'xml'; use csv, jsonl or auto");
}

TEST(RecordReaderTest, FormatFromExtension) {
  EXPECT_EQ(FormatFromExtension("a/b.CSV"), RecordFormat::kCsv);
  EXPECT_EQ(FormatFromExtension("x.jsonl"), RecordFormat::kJsonl);
  EXPECT_EQ(FormatFromExtension("x.json"), RecordFormat::kJsonl);
  EXPECT_EQ(FormatFromExtension("x.txt"), RecordFormat::kAuto);
  EXPECT_EQ(FormatFromExtension("-"), RecordFormat::kAuto);
}

TEST(RecordReaderTest, SniffsJsonlFromTheFirstNonBlankByte) {
  auto objects = MakeRecordReader(StringByteSource("\n  {\"q\": 1}\n"), RecordFormat::kAuto, {});
  ASSERT_TRUE(objects.ok());
  EXPECT_EQ(ColumnNames(**objects), std::vector<std::string>{"q"});
  auto arrays = MakeRecordReader(StringByteSource("\xEF\xBB\xBF[1,2]\n"), RecordFormat::kAuto, {});
  ASSERT_TRUE(arrays.ok());
  EXPECT_EQ(ColumnNames(**arrays), (std::vector<std::string>{"0", "1"}));
  auto csv = MakeRecordReader(StringByteSource("q,r\n1,2\n"), RecordFormat::kAuto, {});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(ColumnNames(**csv), (std::vector<std::string>{"q", "r"}));
}

TEST(RecordReaderTest, ExplicitFormatOverridesSniffing) {
  // A CSV whose header starts with '[' is still CSV when asked for.
  auto csv = MakeRecordReader(StringByteSource("[a],b\n1,2\n"), RecordFormat::kCsv, {});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(ColumnNames(**csv), (std::vector<std::string>{"[a]", "b"}));
}

TEST(RecordReaderTest, OpensFilesByExtensionAndReportsMissingOnes) {
  auto dir = std::filesystem::temp_directory_path() / "ferry_record_reader_test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "rows.csv").string();
  {
    auto out = OutputFile::Open(path);
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_TRUE((*out)->Write("{a},b\n1,2\n").ok());
    ASSERT_TRUE((*out)->Close().ok());
  }
  auto reader = OpenRecordReader(path, RecordFormat::kAuto, {});
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(ColumnNames(**reader), (std::vector<std::string>{"{a}", "b"}));

  auto missing = OpenRecordReader((dir / "nope.csv").string(), RecordFormat::kAuto, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.csv': No such file or directory"),
            std::string::npos)
      << missing.status();
  auto unwritable = OutputFile::Open((dir / "no_dir" / "x.jsonl").string());
  EXPECT_FALSE(unwritable.ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ferry::io

namespace ferry::io {
namespace {

TEST(RecordReaderTest, DirectoryAsInputIsOneClearError) {
  std::string dir = std::filesystem::temp_directory_path().string();
  auto reader = OpenRecordReader(dir, RecordFormat::kAuto, ReaderOptions());
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(reader.status().message(),
            "input '" + dir + "' is a directory, not a file; name the file of records to read");
}

TEST(RecordReaderTest, EmptyAndHeaderOnlyInputsHaveNoRecords) {
  for (const char* text : {"", "a,b\n", "a,b", "\xEF\xBB\xBF", "\n\n"}) {
    auto reader = MakeRecordReader(StringByteSource(text), RecordFormat::kAuto, ReaderOptions());
    ASSERT_TRUE(reader.ok()) << reader.status();
    RecordChunk chunk;
    auto more = (*reader)->Next(&chunk);
    ASSERT_TRUE(more.ok()) << more.status();
    EXPECT_TRUE(!*more || chunk.batch.num_rows() == 0) << text;
  }
}

// Input without line ends (e.g. /dev/zero, a binary file) fails with a clear error once a
// record passes max_record_bytes, instead of buffering until memory runs out.
TEST(RecordReaderTest, RecordLongerThanTheLimitFailsTheRead) {
  ReaderOptions options;
  options.block_size = 64;
  options.max_record_bytes = 1000;
  for (RecordFormat format : {RecordFormat::kCsv, RecordFormat::kJsonl}) {
    std::string text = format == RecordFormat::kCsv ? "a\n1\n" : "{\"a\": 1}\n";
    text += std::string(5000, format == RecordFormat::kCsv ? 'x' : ' ') + "\n";
    auto reader = MakeRecordReader(StringByteSource(text, "big"), format, options);
    ASSERT_TRUE(reader.ok()) << reader.status();
    RecordChunk chunk;
    absl::StatusOr<bool> more = true;
    while (more.ok() && *more) more = (*reader)->Next(&chunk);
    ASSERT_FALSE(more.ok());
    EXPECT_EQ(more.status().code(), absl::StatusCode::kResourceExhausted);
    EXPECT_EQ(more.status().message(),
              "big: a record is longer than 1000 bytes (no end of line found); check that the "
              "input is CSV or JSON lines");
  }
}

}  // namespace
}  // namespace ferry::io
