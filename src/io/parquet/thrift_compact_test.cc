// Thrift compact protocol and Parquet metadata: round trips through our writer and reader,
// hand-encoded bytes (field deltas, long ids, unknown fields), and hostile input.
#include "io/parquet/thrift_compact.h"

#include <string>

#include "gtest/gtest.h"
#include "io/parquet/metadata.h"

namespace ferry::parquet {
namespace {

TEST(CompactReader, ReadsHandEncodedStruct) {
  // field 1 i32 = -3 (zigzag 5), field 4 binary "ab", field 20 (long form) i64 = 150, STOP.
  std::string bytes = {0x15, 0x05, 0x38, 0x02, 'a', 'b', 0x06, 0x28, static_cast<char>(0xac),
                       0x02, 0x00};
  CompactReader r(bytes);
  int32_t a = 0;
  std::string b;
  int64_t c = 0;
  ASSERT_TRUE(r.ReadStruct([&](int16_t id, WireType t) -> absl::Status {
                 if (id == 1) return r.ReadI32(t, &a);
                 if (id == 4) return r.ReadBinary(t, &b);
                 if (id == 20) return r.ReadI64(t, &c);
                 return absl::InternalError("unexpected field");
               }).ok());
  EXPECT_EQ(a, -3);
  EXPECT_EQ(b, "ab");
  EXPECT_EQ(c, 150);  // varint 300, zigzag-decoded
  EXPECT_EQ(r.position(), bytes.size());
}

TEST(CompactReader, SkipsUnknownNestedValues) {
  CompactWriter w;
  w.FieldI32(1, 7);
  w.BeginListField(2, WireType::kBinary, 20);
  for (int i = 0; i < 20; ++i) w.ElementBinary("x");
  w.BeginStructField(3);
  w.FieldBool(1, true);
  w.FieldI64(2, -1);
  w.EndStruct();
  w.FieldI32(9, 42);
  w.EndStruct();
  CompactReader r(w.bytes());
  int32_t nine = 0;
  ASSERT_TRUE(r.ReadStruct([&](int16_t id, WireType t) -> absl::Status {
                 if (id == 9) return r.ReadI32(t, &nine);
                 return r.Skip(t);
               }).ok());
  EXPECT_EQ(nine, 42);
}

TEST(CompactReader, RejectsTruncatedAndOversizedInput) {
  CompactWriter w;
  w.FieldBinary(1, "hello");
  w.EndStruct();
  std::string bytes = w.bytes();
  for (size_t n = 0; n < bytes.size(); ++n) {
    CompactReader r(std::string_view(bytes).substr(0, n));
    EXPECT_FALSE(r.ReadStruct([&](int16_t, WireType t) { return r.Skip(t); }).ok()) << n;
  }
  // A list header claiming a billion elements in 6 bytes.
  std::string list = {0x19,
                      static_cast<char>(0xf5),
                      static_cast<char>(0x80),
                      static_cast<char>(0x94),
                      static_cast<char>(0xeb),
                      0x03};
  CompactReader r(list);
  absl::Status s = r.ReadStruct([&](int16_t, WireType t) { return r.Skip(t); });
  EXPECT_NE(s.message().find("overruns"), std::string::npos) << s;
}

TEST(CompactReader, CapsNesting) {
  std::string deep(10000, 0x1c);  // field 1, struct, nested again and again
  CompactReader r(deep);
  absl::Status s = r.ReadStruct([&](int16_t, WireType t) { return r.Skip(t); });
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("nested too deeply"), std::string::npos) << s;
}

TEST(Metadata, FileMetaDataRoundTrip) {
  FileMetaData m;
  m.version = 1;
  m.num_rows = 3000000000LL;
  m.created_by = "ferry test";
  SchemaElement root;
  root.name = "schema";
  root.num_children = 2;
  SchemaElement s1;
  s1.name = "city";
  s1.type = PhysicalType::kByteArray;
  s1.repetition = 1;
  s1.converted_type = converted::kUtf8;
  s1.logical_type.kind = LogicalType::Kind::kString;
  SchemaElement s2;
  s2.name = "at";
  s2.type = PhysicalType::kInt64;
  s2.repetition = 0;
  s2.logical_type.kind = LogicalType::Kind::kTimestamp;
  s2.logical_type.unit = TimeUnit::kNanos;
  s2.logical_type.adjusted_to_utc = true;
  m.schema = {root, s1, s2};
  RowGroup g;
  g.num_rows = 3000000000LL;
  g.total_byte_size = 99;
  ColumnChunk c;
  c.file_offset = 4;
  ColumnMetaData& cm = c.meta_data.emplace();
  cm.type = PhysicalType::kByteArray;
  cm.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
  cm.path_in_schema = {"city"};
  cm.codec = 6;
  cm.num_values = 17;
  cm.total_compressed_size = 1234;
  cm.total_uncompressed_size = 5678;
  cm.data_page_offset = 100;
  cm.dictionary_page_offset = 4;
  Statistics& st = cm.statistics.emplace();
  st.null_count = 2;
  st.min_value = "Berlin";
  st.max_value = "Zurich";
  g.columns = {c, c};
  m.row_groups = {g};
  m.key_value_metadata = {{"model_version", "7"}, {"empty", std::nullopt}};
  m.write_column_orders = true;

  CompactWriter w;
  SerializeFileMetaData(m, &w);
  FileMetaData back;
  ASSERT_TRUE(ParseFileMetaData(w.bytes(), &back).ok());
  EXPECT_EQ(back.num_rows, 3000000000LL);
  EXPECT_EQ(back.created_by, "ferry test");
  ASSERT_EQ(back.schema.size(), 3u);
  EXPECT_EQ(back.schema[0].num_children, 2);
  EXPECT_EQ(back.schema[1].name, "city");
  EXPECT_EQ(back.schema[1].logical_type.kind, LogicalType::Kind::kString);
  EXPECT_EQ(*back.schema[1].converted_type, converted::kUtf8);
  EXPECT_EQ(back.schema[2].logical_type.kind, LogicalType::Kind::kTimestamp);
  EXPECT_EQ(back.schema[2].logical_type.unit, TimeUnit::kNanos);
  EXPECT_TRUE(back.schema[2].logical_type.adjusted_to_utc);
  EXPECT_EQ(*back.schema[2].repetition, 0);
  ASSERT_EQ(back.row_groups.size(), 1u);
  ASSERT_EQ(back.row_groups[0].columns.size(), 2u);
  const ColumnMetaData& b = *back.row_groups[0].columns[1].meta_data;
  EXPECT_EQ(b.encodings.size(), 3u);
  EXPECT_EQ(b.encodings[2], Encoding::kRleDictionary);
  EXPECT_EQ(b.path_in_schema[0], "city");
  EXPECT_EQ(b.codec, 6);
  EXPECT_EQ(b.total_compressed_size, 1234);
  EXPECT_EQ(*b.dictionary_page_offset, 4);
  EXPECT_EQ(*b.statistics->null_count, 2);
  EXPECT_EQ(*b.statistics->min_value, "Berlin");
  EXPECT_EQ(*b.statistics->max_value, "Zurich");
  ASSERT_EQ(back.key_value_metadata.size(), 2u);
  EXPECT_EQ(*back.key_value_metadata[0].value, "7");
  EXPECT_FALSE(back.key_value_metadata[1].value.has_value());
}

TEST(Metadata, PageHeaderRoundTripAndSize) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 1000;
  h.compressed_page_size = 300;
  DataPageHeader& d = h.data_page.emplace();
  d.num_values = 250;
  d.encoding = Encoding::kRleDictionary;
  CompactWriter w;
  SerializePageHeader(h, &w);
  std::string bytes = w.bytes() + "page body follows";
  PageHeader back;
  size_t size = 0;
  ASSERT_TRUE(ParsePageHeader(bytes, &back, &size).ok());
  EXPECT_EQ(size, w.bytes().size());
  EXPECT_EQ(back.compressed_page_size, 300);
  EXPECT_EQ(back.data_page->num_values, 250);
  EXPECT_EQ(back.data_page->encoding, Encoding::kRleDictionary);
}

}  // namespace
}  // namespace ferry::parquet
