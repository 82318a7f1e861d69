// AppendCsvField: how each kind of value becomes one CSV field. SyncedFile: bytes arrive in
// order through the background writer, and its errors reach the caller.
#include "batch/row_writer.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

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

TEST(SyncedFileTest, AppendsOfEverySizeArriveInOrder) {
  const std::string path = ::testing::TempDir() + "synced_file_test_" + std::to_string(::getpid());
  auto file = SyncedFile::Create(path);
  ASSERT_TRUE(file.ok()) << file.status();
  std::string expected;
  // Small appends fill buffers handed to the writer; 3 MB ones are written directly, after
  // what is in flight.
  for (int i = 0; i < 40000; ++i) {
    std::string piece = std::to_string(i) + ",row " + std::string(i % 97, 'x') + "\n";
    if (i % 9973 == 0) piece += std::string(3 << 20, static_cast<char>('a' + i % 26));
    ASSERT_TRUE((*file)->Append(piece).ok());
    expected += piece;
  }
  ASSERT_TRUE((*file)->Close().ok());
  std::ifstream in(path, std::ios::binary);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str().size(), expected.size());
  EXPECT_TRUE(got.str() == expected);
  std::remove(path.c_str());
}

TEST(SyncedFileTest, AWriteErrorOfTheBackgroundWriterIsReturned) {
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no writable /dev/full";
  auto file = SyncedFile::Create("/dev/full");
  ASSERT_TRUE(file.ok()) << file.status();
  absl::Status status;
  const std::string piece(4096, 'x');
  for (int i = 0; i < 2000 && status.ok(); ++i) status = (*file)->Append(piece);
  if (status.ok()) status = (*file)->Close();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_NE(status.message().find("/dev/full"), std::string::npos) << status;
}

}  // namespace
}  // namespace ferry::batch
