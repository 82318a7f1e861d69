// ParquetWriter -> ParquetReader: every column type with nulls, dictionary and PLAIN
// strings, row groups, batches, projection, statistics, key-value metadata, value errors,
// and damaged files (truncated, bytes flipped) that must fail cleanly.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "io/parquet/parquet_reader.h"
#include "io/parquet/parquet_writer.h"

namespace ferry::parquet {
namespace {

std::vector<ColumnSpec> Schema() {
  return {{"id", ColumnType::kInt64, false},   {"score", ColumnType::kDouble, true},
          {"city", ColumnType::kString, true}, {"note", ColumnType::kString, true},
          {"ok", ColumnType::kBool, true},     {"day", ColumnType::kDate, true},
          {"at", ColumnType::kTimestamp, true}};
}

// Row i of the test table; every third value of nullable columns is null.
std::vector<Value> Row(int64_t i) {
  auto maybe = [i](Value v) { return i % 3 == 1 ? Value::Null() : v; };
  const char* cities[] = {"Berlin", "Lyon", "Zürich", ""};
  return {Value::Int(i * 1000003 - 5000000),
          maybe(Value::Float(i * 0.25 - 3)),
          maybe(Value::String(cities[i % 4])),
          maybe(Value::String("note number " + std::to_string(i))),
          maybe(Value::Bool(i % 2 == 0)),
          maybe(Value::String(i % 5 == 0 ? "1969-12-31" : "2024-02-29")),
          maybe(Value::String(i % 7 == 0 ? "2021-01-01 00:15:56.123456" : "1999-12-31 23:59:59"))};
}

RecordBatch Batch(int64_t first, int64_t n) {
  RecordBatch b(n);
  std::vector<std::vector<Value>> cols(Schema().size());
  for (int64_t i = first; i < first + n; ++i) {
    std::vector<Value> row = Row(i);
    for (size_t c = 0; c < cols.size(); ++c) cols[c].push_back(row[c]);
  }
  for (size_t c = 0; c < cols.size(); ++c) b.AddColumn(Schema()[c].name, std::move(cols[c]));
  return b;
}

std::string WriteTable(int64_t rows, ParquetWriterOptions options) {
  std::string bytes;
  auto writer = ParquetWriter::Create(StringSink(&bytes), Schema(), options);
  EXPECT_TRUE(writer.ok()) << writer.status();
  for (int64_t at = 0; at < rows; at += 700) {
    EXPECT_TRUE((*writer)->Write(Batch(at, std::min<int64_t>(700, rows - at))).ok());
  }
  EXPECT_TRUE((*writer)->Close().ok());
  return bytes;
}

// Every batch of the reader; a read error fails the test and ends the list.
std::vector<RecordBatch> ReadAll(ParquetReader& reader) {
  std::vector<RecordBatch> batches;
  RecordBatch batch;
  while (true) {
    auto more = reader.Next(&batch);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) return batches;
    batches.push_back(std::move(batch));
  }
}

TEST(ParquetRoundTrip, EveryTypeEveryCodec) {
  for (Codec codec :
       {Codec::kSnappy, Codec::kZstd, Codec::kGzip, Codec::kLz4Raw, Codec::kUncompressed}) {
    ParquetWriterOptions options;
    options.compression = codec;
    options.row_group_rows = 1000;
    options.page_bytes = 4096;
    options.key_value_metadata = {{"model_version", "v7"}};
    std::string bytes = WriteTable(2500, options);
    ParquetReaderOptions read_options;
    read_options.batch_rows = 333;
    auto reader = ParquetReader::OpenBytes(bytes, read_options);
    ASSERT_TRUE(reader.ok()) << reader.status();
    EXPECT_EQ((*reader)->num_rows(), 2500);
    EXPECT_EQ((*reader)->num_row_groups(), 3);
    ASSERT_EQ((*reader)->schema().size(), 7u);
    EXPECT_EQ((*reader)->schema()[5].type, ColumnType::kDate);
    EXPECT_EQ((*reader)->schema()[6].type, ColumnType::kTimestamp);
    EXPECT_FALSE((*reader)->schema()[0].optional);
    EXPECT_EQ((*reader)->metadata().key_value_metadata[0].key, "model_version");
    int64_t row = 0;
    for (const RecordBatch& batch : ReadAll(**reader)) {
      EXPECT_LE(batch.num_rows(), 333u);
      for (size_t r = 0; r < batch.num_rows(); ++r, ++row) {
        std::vector<Value> want = Row(row);
        for (size_t c = 0; c < want.size(); ++c) {
          ASSERT_EQ(batch.column(c).values[r], want[c])
              << CodecName(static_cast<int32_t>(codec)) << " row " << row << " column " << c << ": "
              << batch.column(c).values[r].ToString() << " vs " << want[c].ToString();
        }
      }
    }
    EXPECT_EQ(row, 2500);
  }
}

TEST(ParquetRoundTrip, DictionaryForRepetitiveStringsPlainOtherwise) {
  ParquetWriterOptions options;
  std::string bytes = WriteTable(3000, options);
  auto reader = ParquetReader::OpenBytes(bytes);
  ASSERT_TRUE(reader.ok());
  const ColumnMetaData& city = *(*reader)->metadata().row_groups[0].columns[2].meta_data;
  const ColumnMetaData& note = *(*reader)->metadata().row_groups[0].columns[3].meta_data;
  EXPECT_TRUE(city.dictionary_page_offset.has_value());
  EXPECT_NE(std::find(city.encodings.begin(), city.encodings.end(), Encoding::kRleDictionary),
            city.encodings.end());
  EXPECT_FALSE(note.dictionary_page_offset.has_value());
  // A dictionary that outgrows its byte limit falls back to PLAIN.
  options.dictionary_max_bytes = 16;
  auto small = ParquetReader::OpenBytes(WriteTable(3000, options));
  ASSERT_TRUE(small.ok());
  EXPECT_FALSE((*small)->metadata().row_groups[0].columns[2].meta_data->dictionary_page_offset);
}

// Ids (all distinct) give up the dictionary after the probe of 8192 values; a repetitive
// column keeps it; a nullable column whose nulls come late has pages with and without nulls.
// Read back in batches that straddle pages.
TEST(ParquetRoundTrip, DistinctStringsGiveUpTheDictionaryEarly) {
  std::vector<ColumnSpec> schema = {{"ride_id", ColumnType::kString, false},
                                    {"zone", ColumnType::kString, true},
                                    {"late_nulls", ColumnType::kDouble, true}};
  auto id = [](int64_t i) { return absl::StrCat("ride-", 1000000 - i * 7); };
  auto late = [](int64_t i) { return i >= 15000 && i % 2 ? Value::Null() : Value::Float(i * 0.5); };
  ParquetWriterOptions options;
  options.page_bytes = 8192;
  std::string bytes;
  auto writer = ParquetWriter::Create(StringSink(&bytes), schema, options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  const int64_t rows = 20000;
  for (int64_t at = 0; at < rows; at += 256) {
    RecordBatch batch(std::min<int64_t>(256, rows - at));
    std::vector<Value> ids, zones, lates;
    for (int64_t i = at; i < at + static_cast<int64_t>(batch.num_rows()); ++i) {
      ids.push_back(Value::String(id(i)));
      zones.push_back(Value::String(absl::StrCat("zone ", i % 50)));
      lates.push_back(late(i));
    }
    batch.AddColumn("late_nulls", std::move(lates));  // column order differs from the schema
    batch.AddColumn("ride_id", std::move(ids));
    batch.AddColumn("zone", std::move(zones));
    ASSERT_TRUE((*writer)->Write(batch).ok());
  }
  ASSERT_TRUE((*writer)->Close().ok());
  ParquetReaderOptions read_options;
  read_options.batch_rows = 97;
  auto reader = ParquetReader::OpenBytes(bytes, read_options);
  ASSERT_TRUE(reader.ok()) << reader.status();
  const auto& columns = (*reader)->metadata().row_groups[0].columns;
  EXPECT_FALSE(columns[0].meta_data->dictionary_page_offset.has_value());
  EXPECT_TRUE(columns[1].meta_data->dictionary_page_offset.has_value());
  ASSERT_TRUE(columns[0].meta_data->statistics.has_value());
  // Byte order: "ride-1000000" < "ride-860007" < "ride-999993".
  EXPECT_EQ(columns[0].meta_data->statistics->min_value, id(0));
  EXPECT_EQ(columns[0].meta_data->statistics->max_value, id(1));
  int64_t row = 0;
  for (const RecordBatch& batch : ReadAll(**reader)) {
    for (size_t r = 0; r < batch.num_rows(); ++r, ++row) {
      ASSERT_EQ(batch.column(0).values[r], Value::String(id(row))) << row;
      ASSERT_EQ(batch.column(1).values[r], Value::String(absl::StrCat("zone ", row % 50))) << row;
      ASSERT_EQ(batch.column(2).values[r], late(row)) << row;
    }
  }
  EXPECT_EQ(row, rows);
}

TEST(ParquetRoundTrip, RowGroupsBoundedByBytes) {
  ParquetWriterOptions options;
  options.row_group_bytes = 20000;  // about 300 rows of the test table
  std::string bytes = WriteTable(3000, options);
  auto reader = ParquetReader::OpenBytes(bytes);
  ASSERT_TRUE(reader.ok());
  EXPECT_GE((*reader)->num_row_groups(), 5);
  int64_t total = 0;
  for (const RowGroup& g : (*reader)->metadata().row_groups) {
    EXPECT_LE(g.num_rows, 700);  // a group closes once the bound is reached after a batch
    total += g.num_rows;
  }
  EXPECT_EQ(total, 3000);
}

TEST(ParquetRoundTrip, StatisticsAndProjection) {
  std::string bytes = WriteTable(100, ParquetWriterOptions());
  ParquetReaderOptions options;
  options.columns = {"day", "id"};
  auto reader = ParquetReader::OpenBytes(bytes, options);
  ASSERT_TRUE(reader.ok());
  const Statistics& id = *(*reader)->metadata().row_groups[0].columns[0].meta_data->statistics;
  int64_t lo = 0, hi = 0;
  memcpy(&lo, id.min_value->data(), 8);
  memcpy(&hi, id.max_value->data(), 8);
  EXPECT_EQ(lo, -5000000);
  EXPECT_EQ(hi, 99 * 1000003 - 5000000);
  EXPECT_EQ(*id.null_count, 0);
  const Statistics& city = *(*reader)->metadata().row_groups[0].columns[2].meta_data->statistics;
  EXPECT_EQ(*city.min_value, "");
  EXPECT_EQ(*city.max_value, "Zürich");
  EXPECT_EQ(*city.null_count, 33);
  RecordBatch batch;
  ASSERT_TRUE(*(*reader)->Next(&batch));
  ASSERT_EQ(batch.num_columns(), 2u);
  EXPECT_EQ(batch.column(0).name, "day");
  EXPECT_EQ(batch.column(0).values[0].as_string(), "1969-12-31");
  EXPECT_EQ(batch.column(1).values[2].as_int(), 2 * 1000003 - 5000000);
  options.columns = {"nope"};
  auto missing = ParquetReader::OpenBytes(bytes, options);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("the file has: id, score"), std::string::npos);
}

TEST(ParquetRoundTrip, BadValuesNameColumnAndRow) {
  std::string bytes;
  auto writer = ParquetWriter::Create(StringSink(&bytes), Schema());
  ASSERT_TRUE(writer.ok());
  RecordBatch good = Batch(0, 10);
  ASSERT_TRUE((*writer)->Write(good).ok());
  RecordBatch bad = Batch(10, 5);
  bad.mutable_column(5).values[3] = Value::String("2021-02-30");
  absl::Status s = (*writer)->Write(bad);
  EXPECT_NE(s.message().find("row 3 of the batch: column 'day' (date): '2021-02-30' is not a date"),
            std::string::npos)
      << s;
  RecordBatch null_id = Batch(10, 5);
  null_id.mutable_column(0).values[1] = Value::Null();
  EXPECT_NE((*writer)->Write(null_id).message().find("'id' is not nullable"), std::string::npos);
  ASSERT_TRUE((*writer)->Close().ok());
  auto reader = ParquetReader::OpenBytes(bytes);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->num_rows(), 10);  // the failed batches left nothing behind
  RecordBatch batch;
  ASSERT_TRUE(*(*reader)->Next(&batch));
  EXPECT_EQ(batch.num_rows(), 10u);
  EXPECT_EQ(batch.column(1).values[9], Row(9)[1]);
}

TEST(ParquetRoundTrip, InferredSchemaAndZonedTimestamps) {
  RecordBatch b(3);
  b.AddColumn("n", {Value::Int(1), Value::Null(), Value::Int(3)});
  b.AddColumn("x", {Value::Int(1), Value::Float(2.5), Value::Null()});
  b.AddColumn("f", {Value::Bool(true), Value::Null(), Value::Bool(false)});
  b.AddColumn("s", {Value::String("a"), Value::Int(2), Value::Null()});
  b.AddColumn("z", {Value::Null(), Value::Null(), Value::Null()});
  std::vector<ColumnSpec> schema = InferSchema(b);
  ASSERT_EQ(schema.size(), 5u);
  EXPECT_EQ(schema[0].type, ColumnType::kInt64);
  EXPECT_EQ(schema[1].type, ColumnType::kDouble);
  EXPECT_EQ(schema[2].type, ColumnType::kBool);
  EXPECT_EQ(schema[3].type, ColumnType::kString);
  EXPECT_EQ(schema[4].type, ColumnType::kString);
  schema.push_back({"at", ColumnType::kTimestamp, true});
  b.AddColumn("at", {Value::String("2021-01-01T00:15:56Z"), Value::String("2021-01-01 10:00+02:00"),
                     Value::String("2021-01-01")});
  std::string bytes;
  auto writer = ParquetWriter::Create(StringSink(&bytes), schema);
  ASSERT_TRUE((*writer)->Write(b).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto reader = ParquetReader::OpenBytes(bytes);
  RecordBatch back;
  ASSERT_TRUE(*(*reader)->Next(&back));
  EXPECT_EQ(back.column(1).values[1], Value::Float(2.5));
  EXPECT_EQ(back.column(3).values[1], Value::String("2"));
  EXPECT_EQ(back.column(5).values[0], Value::String("2021-01-01 00:15:56"));
  EXPECT_EQ(back.column(5).values[1], Value::String("2021-01-01 10:00:00"));
  EXPECT_EQ(back.column(5).values[2], Value::String("2021-01-01 00:00:00"));
  std::string unused;
  auto strict = ParquetWriter::Create(StringSink(&unused), {{"at", ColumnType::kTimestamp}});
  for (const char* text : {"2021-01-01 10:00+25:00", "2021-01-01 10:00Q", "2021-13-01"}) {
    RecordBatch bad(1);
    bad.AddColumn("at", {Value::String(text)});
    absl::Status s = (*strict)->Write(bad);
    EXPECT_NE(s.message().find("is not a timestamp"), std::string::npos) << text << ": " << s;
  }
}

TEST(ParquetRoundTrip, EmptyFileAndMissingColumns) {
  std::string bytes;
  auto writer = ParquetWriter::Create(StringSink(&bytes), {{"a", ColumnType::kInt64, true}});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto reader = ParquetReader::OpenBytes(bytes);
  ASSERT_TRUE(reader.ok()) << reader.status();
  RecordBatch batch;
  EXPECT_FALSE(*(*reader)->Next(&batch));
  // A schema column absent from the batch is written as nulls.
  std::string more;
  auto w2 = ParquetWriter::Create(
      StringSink(&more), {{"a", ColumnType::kInt64, true}, {"b", ColumnType::kString, true}});
  RecordBatch only_a(2);
  only_a.AddColumn("a", {Value::Int(1), Value::Int(2)});
  ASSERT_TRUE((*w2)->Write(only_a).ok());
  ASSERT_TRUE((*w2)->Close().ok());
  auto r2 = ParquetReader::OpenBytes(more);
  ASSERT_TRUE(*(*r2)->Next(&batch));
  EXPECT_TRUE(batch.column(1).values[1].is_null());
}

TEST(ParquetRoundTrip, DamagedFilesFailCleanly) {
  ParquetWriterOptions options;
  options.row_group_rows = 100;
  options.page_bytes = 512;
  const std::string bytes = WriteTable(300, options);
  auto read_all = [](std::string data) -> absl::Status {
    auto reader = ParquetReader::OpenBytes(std::move(data));
    if (!reader.ok()) return reader.status();
    RecordBatch batch;
    while (true) {
      auto more = (*reader)->Next(&batch);
      if (!more.ok()) return more.status();
      if (!*more) return absl::OkStatus();
    }
  };
  ASSERT_TRUE(read_all(bytes).ok());
  for (size_t n : {0ul, 3ul, 11ul, bytes.size() / 2, bytes.size() - 5, bytes.size() - 1}) {
    absl::Status s = read_all(bytes.substr(0, n));
    EXPECT_FALSE(s.ok()) << n;
    EXPECT_FALSE(s.message().empty());
  }
  // Flipped bytes anywhere: an error or (rarely) different values, never a crash.
  std::mt19937 rng(7);
  for (int i = 0; i < 400; ++i) {
    std::string damaged = bytes;
    for (int k = 0; k < 3; ++k)
      damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
    (void)read_all(damaged);
  }
  absl::Status s = read_all(std::string("PAR1") + std::string(20, 'x') + "PAR1");
  EXPECT_NE(s.message().find("footer length"), std::string::npos) << s;
}

}  // namespace
}  // namespace ferry::parquet
