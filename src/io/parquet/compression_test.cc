// Every codec: round trips, the legacy Hadoop LZ4 framing, concatenated gzip members, and
// corrupt or mis-sized input reported as errors.
#include "io/parquet/compression.h"

#include <lz4.h>
#include <zlib.h>

#include <string>

#include "gtest/gtest.h"

namespace ferry::parquet {
namespace {

std::string Sample() {
  std::string s;
  for (int i = 0; i < 5000; ++i) s += "row " + std::to_string(i % 97) + ";";
  return s;
}

TEST(Compression, RoundTripsEveryWritableCodec) {
  const std::string input = Sample();
  for (Codec c :
       {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd, Codec::kLz4Raw}) {
    auto packed = Compress(c, input);
    ASSERT_TRUE(packed.ok()) << CodecName(static_cast<int32_t>(c));
    if (c != Codec::kUncompressed) {
      EXPECT_LT(packed->size(), input.size() / 4);
    }
    auto back = Decompress(c, *packed, input.size());
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, input);
    // Empty pages too.
    auto empty = Compress(c, "");
    ASSERT_TRUE(empty.ok());
    auto empty_back = Decompress(c, *empty, 0);
    ASSERT_TRUE(empty_back.ok()) << CodecName(static_cast<int32_t>(c)) << empty_back.status();
  }
}

TEST(Compression, SizeMismatchAndCorruptionAreErrors) {
  const std::string input = Sample();
  for (Codec c :
       {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd, Codec::kLz4Raw}) {
    auto packed = Compress(c, input);
    ASSERT_TRUE(packed.ok());
    EXPECT_FALSE(Decompress(c, *packed, input.size() - 1).ok())
        << CodecName(static_cast<int32_t>(c));
    EXPECT_FALSE(Decompress(c, *packed, input.size() + 1).ok())
        << CodecName(static_cast<int32_t>(c));
    std::string broken = packed->substr(0, packed->size() / 2);
    EXPECT_FALSE(Decompress(c, broken, input.size()).ok()) << CodecName(static_cast<int32_t>(c));
  }
  EXPECT_EQ(Decompress(Codec::kBrotli, "x", 1).status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_FALSE(Compress(Codec::kLz4, "x").ok());
}

TEST(Compression, ReadsHadoopFramedLz4AndRawFallback) {
  const std::string a = Sample(), b = "second block " + Sample();
  std::string framed;
  for (const std::string* part : {&a, &b}) {
    std::string block(LZ4_compressBound(static_cast<int>(part->size())), '\0');
    int n = LZ4_compress_default(part->data(), block.data(), static_cast<int>(part->size()),
                                 static_cast<int>(block.size()));
    ASSERT_GT(n, 0);
    for (uint32_t v : {static_cast<uint32_t>(part->size()), static_cast<uint32_t>(n)}) {
      for (int shift = 24; shift >= 0; shift -= 8) framed.push_back(static_cast<char>(v >> shift));
    }
    framed.append(block.data(), n);
  }
  auto back = Decompress(Codec::kLz4, framed, a.size() + b.size());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, a + b);
  // Without framing, LZ4 falls back to a raw block.
  auto raw = Compress(Codec::kLz4Raw, a);
  ASSERT_TRUE(raw.ok());
  auto fallback = Decompress(Codec::kLz4, *raw, a.size());
  ASSERT_TRUE(fallback.ok()) << fallback.status();
  EXPECT_EQ(*fallback, a);
}

TEST(Compression, ReadsConcatenatedGzipMembers) {
  auto one = Compress(Codec::kGzip, "hello ");
  auto two = Compress(Codec::kGzip, "world");
  ASSERT_TRUE(one.ok() && two.ok());
  auto back = Decompress(Codec::kGzip, *one + *two, 11);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, "hello world");
}

}  // namespace
}  // namespace ferry::parquet
