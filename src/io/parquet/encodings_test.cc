// Encodings against hand-made byte vectors: RLE/bit-packed hybrid, DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, PLAIN and BYTE_STREAM_SPLIT.
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "io/parquet/delta.h"
#include "io/parquet/plain.h"
#include "io/parquet/rle.h"

namespace ferry::parquet {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

TEST(Rle, DecodesBitPackedRunFromTheSpec) {
  // Values 0..7 at bit width 3: one group, header (1 << 1) | 1, bytes 10001000 11000110 11111010.
  const std::string data = Bytes({0x03, 0x88, 0xc6, 0xfa});
  RleBitPackedDecoder d(data, 3);
  std::vector<uint32_t> out;
  ASSERT_TRUE(d.Decode(8, &out).ok());
  EXPECT_EQ(out, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(Rle, DecodesRleRunsAndMixes) {
  // 300 copies of 5 (width 3: one value byte), then a bit-packed group of 1,0,1,0,1,0,1,0.
  std::string data = Bytes({0xd8, 0x04, 0x05, 0x03, 0x55});
  RleBitPackedDecoder d(data, 3);  // one byte holds the run value
  std::vector<uint32_t> out;
  ASSERT_TRUE(d.Decode(300, &out).ok());
  EXPECT_EQ(out, std::vector<uint32_t>(300, 5));
  // Width-1 hybrid of a run then literals.
  const std::string level_bytes = Bytes({0x10, 0x01, 0x03, 0x55});
  RleBitPackedDecoder levels(level_bytes, 1);
  std::vector<uint32_t> l;
  ASSERT_TRUE(levels.Decode(16, &l).ok());
  EXPECT_EQ(l, (std::vector<uint32_t>{1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0}));
}

TEST(Rle, ErrorsWhenDataEnds) {
  const std::string run = Bytes({0x04, 0x01});  // a run of 2
  RleBitPackedDecoder d(run, 1);
  std::vector<uint32_t> out;
  EXPECT_FALSE(d.Decode(3, &out).ok());
  RleBitPackedDecoder wide(run, 40);
  EXPECT_FALSE(wide.Decode(1, &out).ok());
}

TEST(Rle, EncoderRoundTrips) {
  for (int width : {1, 2, 5, 13, 32}) {
    std::vector<uint32_t> values;
    uint64_t mask = (uint64_t{1} << width) - 1;
    for (uint32_t i = 0; i < 1000; ++i)
      values.push_back(static_cast<uint32_t>((i * 2654435761u) & mask));
    values.insert(values.end(), 100, static_cast<uint32_t>(mask));  // a long run
    for (uint32_t i = 0; i < 13; ++i) values.push_back(i & mask);
    std::string encoded;
    EncodeRleBitPacked(values, width, &encoded);
    RleBitPackedDecoder d(encoded, width);
    std::vector<uint32_t> back;
    ASSERT_TRUE(d.Decode(values.size(), &back).ok()) << width;
    EXPECT_EQ(back, values) << width;
  }
}

TEST(DeltaBinaryPacked, DecodesSpecExample) {
  // 7, 5, 3, 1, 2, 3, 4, 5: deltas -2 -2 -2 1 1 1 1, min delta -2, packed 0 0 0 3 3 3 3 (2 bits).
  // Header: block 128, 4 miniblocks, 8 values, first 7 (zigzag 14).
  std::string data = Bytes({0x80, 0x01, 0x04, 0x08, 0x0e,
                            0x03,                    // min delta -2 (zigzag 3)
                            0x02, 0x00, 0x00, 0x00,  // bit widths
                            0xc0, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});  // 32 x 2 bits
  std::vector<int64_t> out;
  size_t consumed = 0;
  ASSERT_TRUE(DecodeDeltaBinaryPacked(data, 100, &out, &consumed).ok());
  EXPECT_EQ(out, (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));
  EXPECT_EQ(consumed, data.size());
}

TEST(DeltaBinaryPacked, SingleValueAndLimits) {
  std::vector<int64_t> out;
  size_t consumed = 0;
  ASSERT_TRUE(
      DecodeDeltaBinaryPacked(Bytes({0x80, 0x01, 0x04, 0x01, 0x01}), 1, &out, &consumed).ok());
  EXPECT_EQ(out, (std::vector<int64_t>{-1}));
  EXPECT_EQ(consumed, 5u);
  out.clear();
  // Claims 1000 values where 10 are expected.
  EXPECT_FALSE(
      DecodeDeltaBinaryPacked(Bytes({0x80, 0x01, 0x04, 0xe8, 0x07, 0x00}), 10, &out, &consumed)
          .ok());
  // Block size not a multiple of 128.
  EXPECT_FALSE(DecodeDeltaBinaryPacked(Bytes({0x40, 0x04, 0x01, 0x00}), 10, &out, &consumed).ok());
  // Truncated miniblock.
  EXPECT_FALSE(
      DecodeDeltaBinaryPacked(Bytes({0x80, 0x01, 0x04, 0x03, 0x00, 0x00, 0x08, 0, 0, 0, 1}), 10,
                              &out, &consumed)
          .ok());
}

TEST(DeltaLengthByteArray, DecodesLengthsThenBytes) {
  // Lengths 5, 3 (first 5 = zigzag 10; delta -2 -> min delta -2, width 0), then "helloabc".
  std::string data =
      Bytes({0x80, 0x01, 0x04, 0x02, 0x0a, 0x03, 0x00, 0x00, 0x00, 0x00}) + "helloabc";
  std::vector<std::string_view> out;
  size_t consumed = 0;
  ASSERT_TRUE(DecodeDeltaLengthByteArray(data, 2, &out, &consumed).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "hello");
  EXPECT_EQ(out[1], "abc");
  EXPECT_EQ(consumed, data.size());
  EXPECT_FALSE(
      DecodeDeltaLengthByteArray(data.substr(0, data.size() - 1), 2, &out, &consumed).ok());
}

TEST(DeltaByteArray, RebuildsSharedPrefixes) {
  // "apple", "applesauce", "apply": prefixes 0 5 4, suffixes "apple" "sauce" "y".
  std::string prefixes = Bytes({0x80, 0x01, 0x04, 0x03, 0x00,  // first 0
                                0x07,                          // min delta -4
                                0x04, 0, 0, 0})                // width 4: deltas 5,-1 -> 9,3
                         + Bytes({0x39, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  std::string lengths = Bytes({0x80, 0x01, 0x04, 0x03, 0x0a,  // first 5
                               0x07,                          // min delta -4
                               0x03, 0, 0, 0})                // width 3: deltas 0,-4 -> 4,0
                        + Bytes({0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  std::string data = prefixes + lengths + "applesaucey";
  std::deque<std::string> storage;
  std::vector<std::string_view> out;
  ASSERT_TRUE(DecodeDeltaByteArray(data, 3, 1 << 20, &storage, &out).ok());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], "apple");
  EXPECT_EQ(out[1], "applesauce");
  EXPECT_EQ(out[2], "apply");
  // The same data may not expand past a small limit.
  storage.clear();
  out.clear();
  EXPECT_FALSE(DecodeDeltaByteArray(data, 3, 10, &storage, &out).ok());
}

TEST(Plain, DecodesEveryPhysicalType) {
  PhysicalValues v;
  size_t consumed = 0;
  ASSERT_TRUE(DecodePlain(PhysicalType::kBoolean, 0, Bytes({0x05, 0x01}), 9, &v, &consumed).ok());
  EXPECT_EQ(v.ints, (std::vector<int64_t>{1, 0, 1, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(consumed, 2u);
  v.clear();
  std::string i32;
  AppendPlainInt32(-7, &i32);
  AppendPlainInt32(1 << 30, &i32);
  ASSERT_TRUE(DecodePlain(PhysicalType::kInt32, 0, i32, 2, &v, &consumed).ok());
  EXPECT_EQ(v.ints, (std::vector<int64_t>{-7, 1 << 30}));
  v.clear();
  std::string f;
  float x = 1.5f;
  f.append(reinterpret_cast<const char*>(&x), 4);
  ASSERT_TRUE(DecodePlain(PhysicalType::kFloat, 0, f, 1, &v, &consumed).ok());
  EXPECT_EQ(v.doubles[0], 1.5);
  v.clear();
  std::string ba;
  AppendPlainByteArray("hi", &ba);
  AppendPlainByteArray("", &ba);
  ASSERT_TRUE(DecodePlain(PhysicalType::kByteArray, 0, ba, 2, &v, &consumed).ok());
  EXPECT_EQ(v.bytes[0], "hi");
  EXPECT_EQ(v.bytes[1], "");
  v.clear();
  ASSERT_TRUE(DecodePlain(PhysicalType::kFixedLenByteArray, 3, "abcdef", 2, &v, &consumed).ok());
  EXPECT_EQ(v.bytes[1], "def");
  v.clear();
  // Lengths that overrun.
  EXPECT_FALSE(DecodePlain(PhysicalType::kByteArray, 0, Bytes({0xff, 0xff, 0xff, 0x7f, 'a'}), 1, &v,
                           &consumed)
                   .ok());
  EXPECT_FALSE(DecodePlain(PhysicalType::kInt64, 0, "1234567", 1, &v, &consumed).ok());
  EXPECT_FALSE(DecodePlain(PhysicalType::kFixedLenByteArray, 0, "abc", 1, &v, &consumed).ok());
}

TEST(ByteStreamSplit, UnsplitsFloatsAndDoubles) {
  std::vector<float> floats = {1.25f, -3.5f, 1e30f};
  std::string split(12, '\0');
  for (size_t i = 0; i < 3; ++i) {
    char b[4];
    std::memcpy(b, &floats[i], 4);
    for (size_t k = 0; k < 4; ++k) split[k * 3 + i] = b[k];
  }
  PhysicalValues v;
  ASSERT_TRUE(DecodeByteStreamSplit(PhysicalType::kFloat, 0, split, 3, &v).ok());
  EXPECT_EQ(v.doubles, (std::vector<double>{1.25, -3.5, static_cast<double>(1e30f)}));
  v.clear();
  ASSERT_TRUE(DecodeByteStreamSplit(PhysicalType::kFixedLenByteArray, 2, "acbd", 2, &v).ok());
  EXPECT_EQ(v.bytes[0], "ab");
  EXPECT_EQ(v.bytes[1], "cd");
  EXPECT_FALSE(DecodeByteStreamSplit(PhysicalType::kDouble, 0, "short", 1, &v).ok());
  EXPECT_FALSE(DecodeByteStreamSplit(PhysicalType::kByteArray, 0, "abcd", 1, &v).ok());
}

}  // namespace
}  // namespace ferry::parquet
