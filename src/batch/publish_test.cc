// Staged partitions: publication by rename, replacement of a published partition, cleanup of
// abandoned and stale staging directories, and sharded publication.
#include "batch/publish.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "gtest/gtest.h"

namespace ferry::batch {
namespace {

namespace fs = std::filesystem;

class PublishTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("ferry-publish-test-" + std::to_string(getpid()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }
  static std::string Read(const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // Names in `dir`, hidden ones included.
  static std::set<std::string> Names(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
  }

  fs::path root_;
};

TEST_F(PublishTest, PublishesThenReplacesOnlyItsPartition) {
  const fs::path jan = root_ / "year=2021" / "month=01", feb = root_ / "year=2021" / "month=02";
  for (const fs::path& part : {jan, feb}) {
    StagedPartition staged = StagedPartition::Create(part.string() + "/", 0, 1).value();
    EXPECT_FALSE(fs::exists(part));  // nothing visible before Publish
    Write(staged.StagingPath("part-00000.csv"), "first " + part.filename().string());
    ASSERT_TRUE(staged.Publish().ok());
  }
  EXPECT_EQ(Names(jan), (std::set<std::string>{"_SUCCESS", "part-00000.csv"}));
  {
    StagedPartition again = StagedPartition::Create(feb.string(), 0, 1).value();
    Write(again.StagingPath("part-00000.csv"), "second");
    EXPECT_EQ(Read(feb / "part-00000.csv"), "first month=02");  // old copy until Publish
    ASSERT_TRUE(again.Publish().ok());
  }
  EXPECT_EQ(Read(feb / "part-00000.csv"), "second");
  EXPECT_EQ(Read(jan / "part-00000.csv"), "first month=01");
  EXPECT_EQ(Names(root_ / "year=2021"), (std::set<std::string>{"month=01", "month=02"}));
  EXPECT_TRUE(IsPublished(feb.string()));
}

TEST_F(PublishTest, AbandonedRunsLeaveNothingAndStaleStagingIsRemoved) {
  const fs::path part = root_ / "day=2021-03-01";
  {
    StagedPartition staged = StagedPartition::Create(part.string(), 0, 1).value();
    Write(staged.StagingPath("part-00000.csv"), "partial");
  }  // dropped without Publish
  EXPECT_TRUE(Names(root_).empty());
  // A staging directory left by a process that no longer exists (as after SIGKILL).
  fs::create_directories(root_ / ".day=2021-03-01.ferry-tmp-999999999-1");
  StagedPartition staged = StagedPartition::Create(part.string(), 0, 1).value();
  EXPECT_EQ(Names(root_).size(), 1u);  // only this run's staging directory
  ASSERT_TRUE(staged.Publish().ok());
  EXPECT_EQ(Names(root_), (std::set<std::string>{"day=2021-03-01"}));
  EXPECT_FALSE(IsPublished((root_ / "day=2021-03-02").string()));
}

TEST_F(PublishTest, ShardsPublishTheirFilesAndTheLastWritesSuccess) {
  const fs::path part = root_ / "month=03";
  for (int shard : {1, 0, 2}) {
    StagedPartition staged = StagedPartition::Create(part.string(), shard, 3).value();
    Write(staged.StagingPath("part-0000" + std::to_string(shard) + ".csv"), "rows");
    ASSERT_TRUE(staged.Publish().ok());
    EXPECT_EQ(IsPublished(part.string()), shard == 2);
  }
  EXPECT_EQ(Names(part),
            (std::set<std::string>{"_SUCCESS", "_SUCCESS.shard-0-of-3", "_SUCCESS.shard-1-of-3",
                                   "_SUCCESS.shard-2-of-3", "part-00000.csv", "part-00001.csv",
                                   "part-00002.csv"}));
}

TEST_F(PublishTest, AtomicFileWrites) {
  const std::string path = (root_ / "rejects" / "x.jsonl").string();
  fs::create_directories(root_ / "rejects");
  ASSERT_TRUE(WriteFileAtomically(path, "one\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "two\n").ok());
  EXPECT_EQ(Read(path), "two\n");
  EXPECT_EQ(Names(root_ / "rejects"), (std::set<std::string>{"x.jsonl"}));
  EXPECT_FALSE(WriteFileAtomically((root_ / "no" / "such" / "dir" / "f").string(), "x").ok());
}

}  // namespace
}  // namespace ferry::batch
