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
