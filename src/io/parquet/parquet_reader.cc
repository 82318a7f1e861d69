// File layout: "PAR1" <column chunks...> <footer: FileMetaData> <u32 footer length> "PAR1".
#include "io/parquet/parquet_reader.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "io/parquet/status_macros.h"

namespace ferry::parquet {
namespace {

absl::Status Bad(const RandomAccessSource& source, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(source.name(), ": ", Sv(message)));
}

// Where a column chunk starts: its dictionary page when there is one, else its first data
// page. Some writers store a dictionary_page_offset of 0, or a data_page_offset of 0 next to
// a real dictionary offset; the earliest plausible offset wins.
uint64_t ChunkStart(const ColumnMetaData& m) {
  int64_t start = m.data_page_offset;
  if (m.dictionary_page_offset && *m.dictionary_page_offset >= 4 &&
      (start < 4 || *m.dictionary_page_offset < start)) {
    start = *m.dictionary_page_offset;
  }
  return start < 0 ? 0 : static_cast<uint64_t>(start);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ParquetReader>> ParquetReader::Open(const std::string& path,
                                                                   ParquetReaderOptions options) {
  auto source = OpenFileSource(path);
  if (!source.ok()) return source.status();
  return OpenSource(std::move(*source), std::move(options));
}

absl::StatusOr<std::unique_ptr<ParquetReader>> ParquetReader::OpenBytes(
    std::string bytes, ParquetReaderOptions options) {
  return OpenSource(MemorySource(std::move(bytes)), std::move(options));
}

absl::StatusOr<std::unique_ptr<ParquetReader>> ParquetReader::OpenSource(
    std::unique_ptr<RandomAccessSource> source, ParquetReaderOptions options) {
  std::unique_ptr<ParquetReader> reader(new ParquetReader());
  reader->source_ = std::move(source);
  reader->options_ = std::move(options);
  if (reader->options_.batch_rows == 0) reader->options_.batch_rows = 1;
  PQ_RETURN_IF_ERROR(reader->Init());
  return reader;
}

absl::Status ParquetReader::Init() {
  const RandomAccessSource& src = *source_;
  const uint64_t size = src.size();
  if (size < 12) return Bad(src, absl::StrCat("not a Parquet file (", size, " bytes)"));
  std::string tail, head;
  PQ_RETURN_IF_ERROR(source_->ReadAt(size - 8, 8, &tail));
  PQ_RETURN_IF_ERROR(source_->ReadAt(0, 4, &head));
  if (tail.substr(4) == "PARE") {
    return absl::UnimplementedError(
        absl::StrCat(src.name(), ": encrypted Parquet files are not supported"));
  }
  if (head != "PAR1" || tail.substr(4) != "PAR1") {
    return Bad(src, "not a Parquet file (the magic bytes PAR1 are missing at the start or end)");
  }
  uint32_t footer_len = 0;
  std::memcpy(&footer_len, tail.data(), 4);
  if (footer_len > size - 12 || footer_len > options_.max_footer_bytes) {
    return Bad(src,
               absl::StrCat("footer length ", footer_len, " does not fit the file of ", size,
                            " bytes (or exceeds the ", options_.max_footer_bytes, "-byte limit)"));
  }
  const uint64_t footer_at = size - 8 - footer_len;
  std::string footer;
  PQ_RETURN_IF_ERROR(source_->ReadAt(footer_at, footer_len, &footer));
  if (auto s = ParseFileMetaData(footer, &meta_); !s.ok()) {
    return Bad(
        src, absl::StrCat("corrupt footer (FileMetaData at byte ", footer_at, "): ", s.message()));
  }
  if (meta_.encrypted) {
    return absl::UnimplementedError(
        absl::StrCat(src.name(), ": encrypted Parquet files are not supported"));
  }
  auto columns = ResolveColumns(meta_.schema);
  if (!columns.ok()) {
    return absl::Status(columns.status().code(),
                        absl::StrCat(src.name(), ": ", columns.status().message()));
  }
  columns_ = std::move(*columns);
  // Validate every row group's column chunks against the schema and the file size.
  for (size_t g = 0; g < meta_.row_groups.size(); ++g) {
    const RowGroup& rg = meta_.row_groups[g];
    if (rg.columns.size() != columns_.size()) {
      return Bad(src, absl::StrCat("row group ", g, " has ", rg.columns.size(),
                                   " column chunks for ", columns_.size(), " columns"));
    }
    if (rg.num_rows < 0) return Bad(src, absl::StrCat("row group ", g, " has negative num_rows"));
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const ColumnChunk& chunk = rg.columns[c];
      std::string where = absl::StrCat("row group ", g, ", column '", columns_[c].name, "'");
      if (chunk.encrypted) {
        return absl::UnimplementedError(
            absl::StrCat(src.name(), ": ", where, " is encrypted, which is not supported"));
      }
      if (chunk.file_path) return Bad(src, where + " lives in another file, not supported");
      if (!chunk.meta_data) return Bad(src, where + " has no column metadata");
      const ColumnMetaData& m = *chunk.meta_data;
      if (m.type != columns_[c].physical) {
        return Bad(src, where + "'s physical type differs from the schema's");
      }
      if (ChunkStart(m) < 4 || m.total_compressed_size < 0 || ChunkStart(m) >= footer_at ||
          static_cast<uint64_t>(m.total_compressed_size) > footer_at) {
        return Bad(src,
                   absl::StrCat(where, ": byte range (offset ", ChunkStart(m), ", ",
                                m.total_compressed_size, " bytes) lies outside the data section"));
      }
    }
  }
  // Projection.
  if (options_.columns.empty()) {
    for (size_t i = 0; i < columns_.size(); ++i) projection_.push_back(static_cast<int>(i));
  } else {
    for (const std::string& name : options_.columns) {
      int found = -1;
      for (size_t i = 0; i < columns_.size(); ++i) {
        if (columns_[i].name == name) found = static_cast<int>(i);
      }
      if (found < 0) {
        std::vector<std::string> names;
        for (const auto& c : columns_) names.push_back(c.name);
        return absl::NotFoundError(absl::StrCat(src.name(), ": no column named '", name,
                                                "'; the file has: ", absl::StrJoin(names, ", ")));
      }
      projection_.push_back(found);
    }
  }
  for (int i : projection_) {
    for (const ColumnDescriptor& seen : projected_) {
      if (seen.name == columns_[i].name) {
        return Bad(src, absl::StrCat("column '", columns_[i].name,
                                     "' appears twice; project distinct columns"));
      }
    }
    projected_.push_back(columns_[i]);
  }
  return absl::OkStatus();
}

absl::Status ParquetReader::StartRowGroup(int index) {
  readers_.clear();
  row_group_ = index;
  const RowGroup& rg = meta_.row_groups[index];
  rows_left_ = rg.num_rows;
  const uint64_t data_end = source_->size() - 8;
  for (int c : projection_) {
    const ColumnMetaData& m = *rg.columns[c].meta_data;
    uint64_t start = ChunkStart(m);
    uint64_t length =
        std::min<uint64_t>(static_cast<uint64_t>(m.total_compressed_size), data_end - start);
    readers_.push_back(std::make_unique<ColumnChunkReader>(columns_[c], source_.get(), index,
                                                           static_cast<Codec>(m.codec), start,
                                                           length, options_.limits));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ParquetReader::Next(RecordBatch* batch) {
  while (rows_left_ == 0) {
    if (row_group_ + 1 >= num_row_groups()) {
      *batch = RecordBatch();
      return false;
    }
    PQ_RETURN_IF_ERROR(StartRowGroup(row_group_ + 1));
  }
  size_t n = static_cast<size_t>(std::min<int64_t>(rows_left_, options_.batch_rows));
  RecordBatch out(n);
  for (size_t i = 0; i < readers_.size(); ++i) {
    std::vector<Value> values;
    PQ_RETURN_IF_ERROR(readers_[i]->Read(n, &values));
    out.AddColumn(projected_[i].name, std::move(values));
  }
  rows_left_ -= static_cast<int64_t>(n);
  *batch = std::move(out);
  return true;
}

}  // namespace ferry::parquet
