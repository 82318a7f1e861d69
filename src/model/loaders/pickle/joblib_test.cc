// joblib files written by Debian's python3-joblib: uncompressed (arrays follow their
// NumpyArrayWrapper in the stream) and each compression joblib offers.
#include <gtest/gtest.h>

#include "model/loaders/pickle/joblib_container.h"
#include "model/loaders/pickle/object.h"
#include "model/loaders/pickle/test_fixtures.h"
#include "model/loaders/pickle/test_support.h"

namespace ferry::pickle {
namespace {

using testing::ReadFile;

const char* const kCompressions[] = {"none", "zlib", "gzip", "bz2", "xz", "lzma", "lz4"};

class JoblibTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    dir_ = &tmp_->path();
    ASSERT_TRUE(testing::RunPython(*dir_, testing::kArraysScript));
  }
  static std::string Path(const std::string& c) { return *dir_ + "/arrays_joblib_" + c + ".pkl"; }
  static void TearDownTestSuite() { delete tmp_; }
  static testing::TempDir* tmp_;
  static const std::string* dir_;
};
testing::TempDir* JoblibTest::tmp_ = nullptr;
const std::string* JoblibTest::dir_ = nullptr;

TEST_F(JoblibTest, EveryCompressionDecodesEveryArrayExactly) {
  const std::string json = ReadFile(*dir_ + "/arrays.json");
  for (const std::string c : kCompressions) {
    SCOPED_TRACE(c);
    std::string format;
    auto root = UnpickleFile(Path(c), &format);
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(format, c == "none" ? "joblib" : "joblib (" + c + ")");
    testing::ExpectArraysMatch(**root, json, c);
  }
}

TEST_F(JoblibTest, DetectsEachCompressionByMagic) {
  EXPECT_EQ(DetectCompression(ReadFile(Path("none"))), Compression::kNone);
  EXPECT_EQ(DetectCompression(ReadFile(Path("zlib"))), Compression::kZlib);
  EXPECT_EQ(DetectCompression(ReadFile(Path("gzip"))), Compression::kGzip);
  EXPECT_EQ(DetectCompression(ReadFile(Path("bz2"))), Compression::kBz2);
  EXPECT_EQ(DetectCompression(ReadFile(Path("xz"))), Compression::kXz);
  EXPECT_EQ(DetectCompression(ReadFile(Path("lzma"))), Compression::kLzma);
  EXPECT_EQ(DetectCompression(ReadFile(Path("lz4"))), Compression::kLz4);
}

TEST_F(JoblibTest, TruncatedCompressedFilesFailCleanly) {
  for (const std::string c : kCompressions) {
    const std::string bytes = ReadFile(Path(c));
    for (size_t cut : {bytes.size() / 2, bytes.size() - 1, size_t{3}}) {
      auto root = Unpickle(std::string_view(bytes).substr(0, cut));
      EXPECT_FALSE(root.ok()) << c << " cut at " << cut;
    }
  }
}

TEST_F(JoblibTest, CorruptCompressedStreamIsAnError) {
  std::string bytes = ReadFile(Path("zlib"));
  for (size_t i = 10; i < bytes.size(); i += 7) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  auto root = Unpickle(bytes);
  ASSERT_FALSE(root.ok());
}

TEST_F(JoblibTest, LzmaHeaderAskingForAHugeDictionaryIsRefused) {
  // .lzma header: properties 0x5d, dictionary size 0x80af0000 (~2.2 GB), unknown length.
  std::string bytes("\x5d\x00\x00\xaf\x80\xff\xff\xff\xff\xff\xff\xff\xff", 13);
  bytes += std::string(64, '\x80');
  auto root = Unpickle(bytes);
  ASSERT_FALSE(root.ok());
  EXPECT_NE(std::string(root.status().message()).find("decoder memory"), std::string::npos)
      << root.status();
}

TEST_F(JoblibTest, DecompressionIsBoundedByTheBudget) {
  UnpickleOptions small;
  small.max_total_bytes = 1000;
  for (const std::string c : {"zlib", "xz", "lz4"}) {
    auto root = Unpickle(ReadFile(Path(c)), small);
    ASSERT_FALSE(root.ok()) << c;
    EXPECT_EQ(root.status().code(), absl::StatusCode::kResourceExhausted) << root.status();
  }
}

TEST_F(JoblibTest, ArrayLargerThanTheRemainingBytesIsRefusedBeforeAllocating) {
  // Rewrite the 'f8' wrapper's shape to (2**40,) by patching joblib's own output is brittle,
  // so build the stream with Python: a NumpyArrayWrapper announcing 2**40 doubles.
  const testing::TempDir tmp;
  const std::string& dir = tmp.path();
  ASSERT_TRUE(testing::RunPython(dir, R"PY(
import io, pickle, sys
import numpy as np
from joblib.numpy_pickle import NumpyArrayWrapper
w = NumpyArrayWrapper(np.ndarray, (2**40,), 'C', np.dtype('f8'))
with open(sys.argv[1] + '/huge.pkl', 'wb') as f:
  f.write(pickle.dumps(w, protocol=4) + b'\x00' + b'\x00' * 64)
)PY"));
  auto root = UnpickleFile(dir + "/huge.pkl", nullptr);
  ASSERT_FALSE(root.ok());
  EXPECT_NE(root.status().message().find("truncated"), std::string::npos) << root.status();
}

}  // namespace
}  // namespace ferry::pickle
