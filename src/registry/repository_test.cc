#include "registry/repository.h"

#include <filesystem>
#include <vector>

#include "gtest/gtest.h"
#include "registry/test_bundles.h"

namespace ferry::registry {
namespace {

namespace fs = std::filesystem;
using testing::CopyTinyBundle;
using testing::MakeTempDir;
using testing::WriteFile;

// The label the served version answers for x1 = x2 = 1 ("yes" unless flipped).
std::string Answer(const ServedVersion& v) {
  RecordBatch batch(1);
  batch.AddColumn("x1", {Value::Float(1)});
  batch.AddColumn("x2", {Value::Float(1)});
  bundle::ScoredBatch out = v.bundle->Score(batch);
  EXPECT_TRUE(out.ok(0)) << out.errors[0];
  return out.field(0, 0).as_string();
}

const VersionState* Row(const Snapshot& s, const std::string& model, const std::string& version) {
  for (const VersionState& row : s.index) {
    if (row.model == model && row.version == version) return &row;
  }
  return nullptr;
}

class RepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = MakeTempDir("ferry-repo-"); }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<Repository> Open() {
    auto repo =
        Repository::OpenDirectory(root_, [this](const LoadEvent& e) { events_.push_back(e); });
    EXPECT_TRUE(repo.ok()) << repo.status();
    return std::move(*repo);
  }

  std::string root_;
  std::vector<LoadEvent> events_;
};

TEST_F(RepositoryTest, ServesLatestVersionAndSwapsInNewOnes) {
  CopyTinyBundle(false, root_ + "/tiny/1", "tiny", "1");
  auto repo = Open();
  auto first = repo->snapshot();
  const ServedModel* model = first->FindModel("tiny");
  ASSERT_NE(model, nullptr);
  ASSERT_EQ(model->versions.size(), 1u);
  EXPECT_EQ(model->Latest().version, "1");
  EXPECT_EQ(Answer(model->Latest()), "yes");

  CopyTinyBundle(true, root_ + "/tiny/2", "tiny", "2");
  repo->Refresh();
  auto second = repo->snapshot();
  EXPECT_EQ(second->FindModel("tiny")->Latest().version, "2");
  EXPECT_EQ(Answer(second->FindModel("tiny")->Latest()), "no");
  // The snapshot taken before the swap is untouched and still scores.
  EXPECT_EQ(first->FindModel("tiny")->Latest().version, "1");
  EXPECT_EQ(Answer(first->FindModel("tiny")->Latest()), "yes");
  EXPECT_EQ(events_.size(), 2u);
}

TEST_F(RepositoryTest, CorruptVersionNeverReplacesTheServingOne) {
  CopyTinyBundle(false, root_ + "/tiny/1", "tiny", "1");
  auto repo = Open();
  fs::create_directories(root_ + "/tiny/2");
  WriteFile(root_ + "/tiny/2/ferry.yaml", "name: tiny\nversion: \"2\"\nmodel: model.joblib\n");
  WriteFile(root_ + "/tiny/2/model.joblib", "this is not a pickle");
  repo->Refresh();
  auto snap = repo->snapshot();
  EXPECT_EQ(snap->FindModel("tiny")->Latest().version, "1");
  const VersionState* row = Row(*snap, "tiny", "2");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->state, "UNAVAILABLE");
  EXPECT_FALSE(row->reason.empty());
  ASSERT_FALSE(events_.empty());
  EXPECT_FALSE(events_.back().ok);

  // Rewriting a serving version with broken files keeps the last good copy.
  WriteFile(root_ + "/tiny/1/model.joblib", "broken");
  repo->Refresh();
  snap = repo->snapshot();
  ASSERT_NE(snap->FindModel("tiny"), nullptr);
  EXPECT_EQ(Answer(snap->FindModel("tiny")->Latest()), "yes");
  EXPECT_EQ(Row(*snap, "tiny", "1")->state, "READY");
  EXPECT_NE(Row(*snap, "tiny", "1")->reason.find("last good copy"), std::string::npos);
}

TEST_F(RepositoryTest, PolicyAliasesAndAuthFromConfig) {
  CopyTinyBundle(false, root_ + "/tiny/1", "tiny", "1");
  CopyTinyBundle(true, root_ + "/tiny/2", "tiny", "2");
  CopyTinyBundle(false, root_ + "/tiny/3", "tiny", "3");
  WriteFile(root_ + "/tiny/config.yaml", "version_policy: {latest: 1}\nauth: required\n");
  WriteFile(root_ + "/tiny/aliases.yaml", "production: \"1\"\n");
  auto repo = Open();
  auto snap = repo->snapshot();
  const ServedModel* model = snap->FindModel("tiny");
  ASSERT_NE(model, nullptr);
  EXPECT_TRUE(model->auth_required);
  ASSERT_EQ(model->versions.size(), 2u);  // latest + the alias target
  EXPECT_EQ(model->aliases.at("production"), "1");
  EXPECT_NE(model->FindVersion("1"), nullptr);
  EXPECT_EQ(model->FindVersion("2"), nullptr);
  EXPECT_EQ(Row(*snap, "tiny", "2")->state, "UNLOADED");

  WriteFile(root_ + "/tiny/config.yaml", "version_policy: all\n");
  repo->Refresh();
  EXPECT_EQ(repo->snapshot()->FindModel("tiny")->versions.size(), 3u);

  WriteFile(root_ + "/tiny/config.yaml", "version_policy: {newest: 2}\n");
  repo->Refresh();  // a broken config keeps what served
  EXPECT_EQ(repo->snapshot()->FindModel("tiny")->versions.size(), 3u);
  EXPECT_EQ(Row(*repo->snapshot(), "tiny", "")->state, "UNAVAILABLE");
}

TEST_F(RepositoryTest, UnloadAndLoad) {
  CopyTinyBundle(false, root_ + "/tiny/1", "tiny", "1");
  auto repo = Open();
  EXPECT_TRUE(repo->UnloadModel("tiny").ok());
  EXPECT_EQ(repo->snapshot()->FindModel("tiny"), nullptr);
  repo->Refresh();  // stays unloaded
  EXPECT_EQ(repo->snapshot()->FindModel("tiny"), nullptr);
  EXPECT_TRUE(repo->LoadModel("tiny").ok());
  EXPECT_NE(repo->snapshot()->FindModel("tiny"), nullptr);
  EXPECT_EQ(repo->UnloadModel("nope").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(repo->LoadModel("nope").code(), absl::StatusCode::kNotFound);
}

TEST_F(RepositoryTest, PollingPicksUpNewVersions) {
  CopyTinyBundle(false, root_ + "/tiny/1", "tiny", "1");
  auto repo = Open();
  repo->StartPolling(std::chrono::milliseconds(50));
  // Copy elsewhere, then rename into place: the version appears complete.
  CopyTinyBundle(true, root_ + "/staging", "tiny", "2");
  fs::rename(root_ + "/staging", root_ + "/tiny/2");
  for (int i = 0; i < 100 && repo->snapshot()->FindModel("tiny")->Latest().version != "2"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(repo->snapshot()->FindModel("tiny")->Latest().version, "2");
  repo->StopPolling();
}

TEST(RepositoryBundles, ServesBundlesByTheirOwnNames) {
  std::string dir = MakeTempDir("ferry-bundles-");
  CopyTinyBundle(false, dir + "/a", "alpha", "7");
  auto repo = Repository::OpenBundles({dir + "/a"}, nullptr);
  ASSERT_TRUE(repo.ok()) << repo.status();
  const ServedModel* model = (*repo)->snapshot()->FindModel("alpha");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->Latest().version, "7");

  auto missing = Repository::OpenBundles({dir + "/nope"}, nullptr);
  EXPECT_FALSE(missing.ok());
  CopyTinyBundle(false, dir + "/b", "alpha", "7");
  auto twice = Repository::OpenBundles({dir + "/a", dir + "/b"}, nullptr);
  EXPECT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("already served"), std::string::npos);
  fs::remove_all(dir);
}

TEST(RepositoryDirectory, MissingDirectoryFails) {
  EXPECT_EQ(Repository::OpenDirectory("/nonexistent/ferry", nullptr).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ferry::registry
