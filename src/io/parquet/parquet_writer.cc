// Row groups are flushed as soon as a bound is reached, so memory holds one row group (and
// one encoded column chunk while it is written).
#include "io/parquet/parquet_writer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "io/output_file.h"
#include "io/parquet/status_macros.h"

namespace ferry::parquet {
namespace {

class OutputFileSink : public ByteSink {
 public:
  explicit OutputFileSink(std::unique_ptr<io::OutputFile> file) : file_(std::move(file)) {}
  absl::Status Write(std::string_view bytes) override { return file_->Write(bytes); }
  absl::Status Close() override { return file_->Close(); }

 private:
  std::unique_ptr<io::OutputFile> file_;
};

class StringSinkImpl : public ByteSink {
 public:
  explicit StringSinkImpl(std::string* out) : out_(out) {}
  absl::Status Write(std::string_view bytes) override {
    out_->append(bytes);
    return absl::OkStatus();
  }
  absl::Status Close() override { return absl::OkStatus(); }

 private:
  std::string* out_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ByteSink>> FileSink(const std::string& path) {
  auto file = io::OutputFile::Open(path);
  if (!file.ok()) return file.status();
  return std::make_unique<OutputFileSink>(std::move(*file));
}

std::unique_ptr<ByteSink> StringSink(std::string* out) {
  return std::make_unique<StringSinkImpl>(out);
}

std::vector<ColumnSpec> InferSchema(const RecordBatch& batch) {
  std::vector<ColumnSpec> schema;
  for (const Column& column : batch.columns()) {
    const ValueKinds k = KindsOf(column.values);
    ColumnType type = ColumnType::kString;
    if (!k.strings && !k.bools && (k.ints || k.floats))
      type = k.floats ? ColumnType::kDouble : ColumnType::kInt64;
    if (!k.strings && k.bools && !k.ints && !k.floats) type = ColumnType::kBool;
    schema.push_back({column.name, type, true});
  }
  return schema;
}

absl::StatusOr<Codec> ParseCodec(std::string_view name) {
  std::string n = absl::AsciiStrToLower(Sv(name));
  if (n == "snappy") return Codec::kSnappy;
  if (n == "zstd") return Codec::kZstd;
  if (n == "gzip") return Codec::kGzip;
  if (n == "lz4_raw" || n == "lz4") return Codec::kLz4Raw;
  if (n == "none" || n == "uncompressed") return Codec::kUncompressed;
  return absl::InvalidArgumentError(absl::StrCat("unknown Parquet compression '", n,
                                                 "'; use snappy, zstd, gzip, lz4_raw or none"));
}

absl::StatusOr<std::unique_ptr<ParquetWriter>> ParquetWriter::Open(const std::string& path,
                                                                   std::vector<ColumnSpec> schema,
                                                                   ParquetWriterOptions options) {
  auto sink = FileSink(path);
  if (!sink.ok()) return sink.status();
  return Create(std::move(*sink), std::move(schema), std::move(options));
}

absl::StatusOr<std::unique_ptr<ParquetWriter>> ParquetWriter::Create(std::unique_ptr<ByteSink> sink,
                                                                     std::vector<ColumnSpec> schema,
                                                                     ParquetWriterOptions options) {
  if (schema.empty()) return absl::InvalidArgumentError("a Parquet schema needs a column");
  for (size_t i = 0; i < schema.size(); ++i) {
    if (schema[i].name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("column ", i, " has an empty name"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (schema[j].name == schema[i].name) {
        return absl::InvalidArgumentError(
            absl::StrCat("column '", schema[i].name, "' appears twice in the schema"));
      }
    }
  }
  if (options.compression != Codec::kUncompressed && options.compression != Codec::kSnappy &&
      options.compression != Codec::kGzip && options.compression != Codec::kZstd &&
      options.compression != Codec::kLz4Raw) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write ", CodecName(static_cast<int32_t>(options.compression)),
                     "; use SNAPPY, ZSTD, GZIP, LZ4_RAW or UNCOMPRESSED"));
  }
  std::unique_ptr<ParquetWriter> w(new ParquetWriter());
  w->sink_ = std::move(sink);
  w->options_ = std::move(options);
  if (w->options_.row_group_rows == 0) w->options_.row_group_rows = 1;
  ColumnWriteOptions column_options{w->options_.compression, w->options_.compression_level,
                                    w->options_.page_bytes, w->options_.dictionary_max_bytes,
                                    w->options_.statistics};
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema.size());
  w->meta_.schema.push_back(root);
  for (const ColumnSpec& spec : schema) {
    w->columns_.emplace_back(spec, column_options);
    w->meta_.schema.push_back(w->columns_.back().Schema());
  }
  w->schema_ = std::move(schema);
  PQ_RETURN_IF_ERROR(w->Emit("PAR1"));
  return w;
}

absl::Status ParquetWriter::Emit(std::string_view bytes) {
  absl::Status s = sink_->Write(bytes);
  if (!s.ok()) {
    failed_ = s;
    return s;
  }
  offset_ += static_cast<int64_t>(bytes.size());
  return absl::OkStatus();
}

absl::Status ParquetWriter::Write(const RecordBatch& batch) {
  if (closed_) return absl::FailedPreconditionError("the Parquet writer is closed");
  PQ_RETURN_IF_ERROR(failed_);
  std::vector<const Column*> sources;
  for (const ColumnSpec& spec : schema_) {
    int i = batch.FindColumn(spec.name);
    sources.push_back(i < 0 ? nullptr : &batch.column(i));
  }
  const Value null;
  size_t row = 0;
  bool flushed = false;  // part of this batch is already in the file
  while (row < batch.num_rows()) {
    // A slice of the batch that fits the current row group.
    size_t end = std::min(batch.num_rows(), row + (options_.row_group_rows - group_rows_));
    const size_t before = group_rows_;
    for (size_t c = 0; c < columns_.size(); ++c) {
      for (size_t r = row; r < end; ++r) {
        const Value& v = sources[c] == nullptr ? null : sources[c]->values[r];
        if (absl::Status s = columns_[c].Append(v); !s.ok()) {
          for (size_t k = 0; k <= c; ++k) columns_[k].Truncate(before);
          absl::Status error =
              absl::InvalidArgumentError(absl::StrCat("row ", r, " of the batch: ", s.message()));
          if (flushed) failed_ = error;  // earlier rows of the batch cannot be taken back
          return error;
        }
      }
    }
    // The slice is accepted: complete pages can be encoded now rather than all at the flush.
    for (ColumnWriter& c : columns_) {
      if (absl::Status s = c.EncodeFullPages(); !s.ok()) {
        failed_ = s;
        return s;
      }
    }
    group_rows_ += end - row;
    row = end;
    size_t bytes = 0;
    for (const ColumnWriter& c : columns_) bytes += c.buffered_bytes();
    if (group_rows_ >= options_.row_group_rows || bytes >= options_.row_group_bytes) {
      PQ_RETURN_IF_ERROR(FlushRowGroup());
      flushed = true;
    }
  }
  rows_ += static_cast<int64_t>(batch.num_rows());
  return absl::OkStatus();
}

absl::Status ParquetWriter::FlushRowGroup() {
  if (group_rows_ == 0) return absl::OkStatus();
  RowGroup group;
  group.num_rows = static_cast<int64_t>(group_rows_);
  // Each column chunk goes to the sink as soon as it is encoded: the encoded row group is
  // never held whole next to its buffered values.
  std::string bytes;
  for (ColumnWriter& c : columns_) {
    ColumnChunk chunk;
    bytes.clear();
    PQ_RETURN_IF_ERROR(c.Flush(offset_, &bytes, &chunk));
    PQ_RETURN_IF_ERROR(Emit(bytes));
    group.total_byte_size += chunk.meta_data->total_uncompressed_size;
    group.columns.push_back(std::move(chunk));
  }
  meta_.row_groups.push_back(std::move(group));
  meta_.num_rows += static_cast<int64_t>(group_rows_);
  group_rows_ = 0;
  return absl::OkStatus();
}

absl::Status ParquetWriter::Close() {
  if (closed_) return absl::FailedPreconditionError("the Parquet writer is already closed");
  closed_ = true;
  PQ_RETURN_IF_ERROR(failed_);
  PQ_RETURN_IF_ERROR(FlushRowGroup());
  meta_.version = 1;
  meta_.created_by = options_.created_by;
  meta_.write_column_orders = true;
  for (const auto& [key, value] : options_.key_value_metadata) {
    meta_.key_value_metadata.push_back(KeyValue{key, value});
  }
  CompactWriter w;
  SerializeFileMetaData(meta_, &w);
  std::string tail = std::move(w.bytes());
  uint32_t len = static_cast<uint32_t>(tail.size());
  tail.append(reinterpret_cast<const char*>(&len), 4);
  tail.append("PAR1");
  PQ_RETURN_IF_ERROR(Emit(tail));
  return sink_->Close();
}

}  // namespace ferry::parquet
