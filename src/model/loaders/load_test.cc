// Tests of LoadModelIR's handling of files that cannot be models: each gives one error that
// names the path and says what is wrong (missing, a directory, empty, garbage), never a crash.
#include "model/loaders/load.h"

#include "absl/strings/str_cat.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace ferry::model {
namespace {

namespace fs = std::filesystem;

class LoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ferry_load_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return (dir_ / name).string();
  }
  std::string Error(const std::string& path) {
    auto ir = LoadModelIR(path);
    EXPECT_FALSE(ir.ok()) << path;
    return ir.ok() ? "" : std::string(ir.status().message());
  }
  fs::path dir_;
};

TEST_F(LoadTest, MissingFile) {
  std::string path = (dir_ / "nope.joblib").string();
  auto ir = LoadModelIR(path);
  ASSERT_FALSE(ir.ok());
  EXPECT_EQ(ir.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ir.status().message(),
            "cannot open model file '" + path + "': No such file or directory");
}

TEST_F(LoadTest, DirectoryIsNamedAsSuch) {
  std::string message = Error(dir_.string());
  const std::string expected = absl::StrCat("'", dir_.string(), "' is a directory");
  EXPECT_NE(message.find(expected), std::string::npos) << message;
}

TEST_F(LoadTest, EmptyFileIsNamedAsSuch) {
  std::string message = Error(Write("empty.pkl", ""));
  EXPECT_NE(message.find("is empty (0 bytes)"), std::string::npos) << message;
}

TEST_F(LoadTest, GarbageAndTruncatedFilesAreErrorsNamingThePath) {
  const std::string inputs[] = {std::string("\x00\x01\x02garbage", 10), "{", "{\"learner\": 1}",
                                "{L", "\x80\x04\x95", "PK\x03\x04", "  \n\t"};
  int i = 0;
  for (const std::string& bytes : inputs) {
    std::string path = Write("garbage" + std::to_string(i++), bytes);
    std::string message = Error(path);
    EXPECT_EQ(message.rfind(path, 0), 0u) << message;
  }
}

}  // namespace
}  // namespace ferry::model
