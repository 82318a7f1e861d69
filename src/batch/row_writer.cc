// CSV, JSONL and Parquet row writers (see row_writer.h).
#include "batch/row_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "io/json_writer.h"
#include "io/parquet/parquet_writer.h"

namespace ferry::batch {
namespace {

absl::Status ErrnoStatus(const std::string& what, const std::string& path) {
  int err = errno;
  std::string message = absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(err));
  if (err == EACCES || err == EROFS) return absl::PermissionDeniedError(message);
  return absl::UnavailableError(message);  // disk full, I/O error: a retry may succeed
}

// Writes all of `bytes` to `fd` (the file at `path`, for messages).
absl::Status WriteAll(int fd, const std::string& path, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path);
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

class CsvWriter : public RowWriter {
 public:
  CsvWriter(std::unique_ptr<SyncedFile> file, std::vector<OutputColumn> columns)
      : file_(std::move(file)), columns_(std::move(columns)) {}

  absl::Status Write(const RecordBatch& rows) override {
    std::string text;
    if (!header_written_) {
      for (size_t c = 0; c < columns_.size(); ++c) {
        if (c) text.push_back(',');
        AppendCsvField(&text, Value::String(columns_[c].name));
      }
      text.push_back('\n');
      header_written_ = true;
    }
    std::vector<const Column*> cols = Match(rows);
    for (size_t r = 0; r < rows.num_rows(); ++r) {
      for (size_t c = 0; c < cols.size(); ++c) {
        if (c) text.push_back(',');
        if (cols[c]) AppendCsvField(&text, cols[c]->values[r]);
      }
      text.push_back('\n');
    }
    return file_->Append(text);
  }

  absl::Status Close() override {
    if (!header_written_) {
      if (absl::Status s = Write(RecordBatch(0)); !s.ok()) return s;
    }
    return file_->Close();
  }

 private:
  std::vector<const Column*> Match(const RecordBatch& rows) const {
    std::vector<const Column*> cols;
    for (const OutputColumn& c : columns_) {
      int i = rows.FindColumn(c.name);
      cols.push_back(i < 0 ? nullptr : &rows.column(i));
    }
    return cols;
  }

  std::unique_ptr<SyncedFile> file_;
  std::vector<OutputColumn> columns_;
  bool header_written_ = false;
};

class JsonlWriter : public RowWriter {
 public:
  JsonlWriter(std::unique_ptr<SyncedFile> file, std::vector<OutputColumn> columns)
      : file_(std::move(file)), columns_(std::move(columns)) {}

  absl::Status Write(const RecordBatch& rows) override {
    std::vector<const Column*> cols;
    for (const OutputColumn& c : columns_) {
      int i = rows.FindColumn(c.name);
      cols.push_back(i < 0 ? nullptr : &rows.column(i));
    }
    std::string text;
    for (size_t r = 0; r < rows.num_rows(); ++r) {
      io::JsonWriter w(&text);
      w.BeginObject();
      for (size_t c = 0; c < cols.size(); ++c) {
        w.Key(columns_[c].name);
        if (cols[c]) {
          w.Write(cols[c]->values[r]);
        } else {
          w.Null();
        }
      }
      w.EndObject();
      text.push_back('\n');
    }
    return file_->Append(text);
  }
  absl::Status Close() override { return file_->Close(); }

 private:
  std::unique_ptr<SyncedFile> file_;
  std::vector<OutputColumn> columns_;
};

// ByteSink over a SyncedFile, so Parquet files are fsynced too.
class SyncedSink : public parquet::ByteSink {
 public:
  explicit SyncedSink(std::unique_ptr<SyncedFile> file) : file_(std::move(file)) {}
  absl::Status Write(std::string_view bytes) override { return file_->Append(bytes); }
  absl::Status Close() override { return file_->Close(); }

 private:
  std::unique_ptr<SyncedFile> file_;
};

std::optional<parquet::ColumnType> TypeOf(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInt:
      return parquet::ColumnType::kInt64;
    case Value::Kind::kFloat:
      return parquet::ColumnType::kDouble;
    case Value::Kind::kBool:
      return parquet::ColumnType::kBool;
    case Value::Kind::kString:
      return parquet::ColumnType::kString;
    case Value::Kind::kNull:
      break;
  }
  return std::nullopt;
}

// Creates the Parquet writer on the first batch, once every column's type is known.
class ParquetRowWriter : public RowWriter {
 public:
  ParquetRowWriter(std::unique_ptr<SyncedFile> file, std::vector<OutputColumn> columns,
                   parquet::Codec codec)
      : file_(std::move(file)), columns_(std::move(columns)), codec_(codec) {}

  absl::Status Write(const RecordBatch& rows) override {
    if (!writer_) {
      if (absl::Status s = Start(&rows); !s.ok()) return s;
    }
    // The writer matches columns by name and coerces values to their column's type (Int in a
    // double column, integral Float in an int64 one, anything in a string column as text),
    // so the rows go through without a copy.
    return writer_->Write(rows);
  }

  absl::Status Close() override {
    if (!writer_) {
      if (absl::Status s = Start(nullptr); !s.ok()) return s;
    }
    return writer_->Close();
  }

 private:
  absl::Status Start(const RecordBatch* rows) {
    std::vector<parquet::ColumnSpec> schema;
    for (OutputColumn& c : columns_) {
      if (!c.type && rows) {
        int i = rows->FindColumn(c.name);
        if (i >= 0) {
          bool has_float = false;
          for (const Value& v : rows->column(i).values) {
            if (!c.type) c.type = TypeOf(v);
            has_float |= v.kind() == Value::Kind::kFloat;
          }
          if (c.type == parquet::ColumnType::kInt64 && has_float)
            c.type = parquet::ColumnType::kDouble;
        }
      }
      if (!c.type) c.type = parquet::ColumnType::kString;
      schema.push_back({c.name, *c.type, true});
    }
    parquet::ParquetWriterOptions options;
    options.compression = codec_;
    // Row groups of 64k rows keep the writer's buffer small (a run's memory stays bounded);
    // readers still get large enough groups to skip and parallelize.
    options.row_group_rows = 65536;
    absl::StatusOr<std::unique_ptr<parquet::ParquetWriter>> writer = parquet::ParquetWriter::Create(
        std::make_unique<SyncedSink>(std::move(file_)), std::move(schema), options);
    if (!writer.ok()) return writer.status();
    writer_ = std::move(*writer);
    return absl::OkStatus();
  }

  std::unique_ptr<SyncedFile> file_;
  std::vector<OutputColumn> columns_;
  parquet::Codec codec_;
  std::unique_ptr<parquet::ParquetWriter> writer_;
};

}  // namespace

namespace {

// Appends `text` as one CSV field, quoted (with doubled quotes) when it holds a separator, a
// quote or a line break. One pass over the text: this runs for every cell of every row.
void AppendCsvText(std::string* out, std::string_view text) {
  bool quote = false;
  for (char c : text) quote |= c == ',' || c == '"' || c == '\r' || c == '\n';
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

void AppendCsvField(std::string* out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return;
    case Value::Kind::kFloat:
      out->append(FormatDouble(v.as_float()));
      return;
    case Value::Kind::kInt:
      absl::StrAppend(out, v.as_int());
      return;
    case Value::Kind::kString:
      AppendCsvText(out, v.as_string());
      return;
    default:
      AppendCsvText(out, v.ToString());
  }
}

absl::StatusOr<std::unique_ptr<SyncedFile>> SyncedFile::Create(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("create", path);
  return std::unique_ptr<SyncedFile>(new SyncedFile(fd, path));
}

SyncedFile::~SyncedFile() {
  StopWriter();
  if (fd_ >= 0) ::close(fd_);
}

absl::Status SyncedFile::Append(std::string_view bytes) {
  constexpr size_t kBufferBytes = 1u << 20;
  if (buffer_.size() + bytes.size() < kBufferBytes) {
    buffer_.append(bytes);
    return absl::OkStatus();
  }
  if (absl::Status s = HandOff(); !s.ok()) return s;
  if (bytes.size() < kBufferBytes) {
    buffer_.append(bytes);
    return absl::OkStatus();
  }
  // Large appends (a Parquet column chunk) are written as they are, not copied, after what
  // is in flight.
  if (absl::Status s = WaitForWriter(); !s.ok()) return s;
  return WriteAll(fd_, path_, bytes);
}

absl::Status SyncedFile::HandOff() {
  if (buffer_.empty()) return WaitForWriter();
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !has_in_flight_; });
  if (!write_error_.ok()) return write_error_;
  in_flight_.swap(buffer_);  // buffer_ takes the last written buffer's storage
  buffer_.clear();
  has_in_flight_ = true;
  if (!writer_.joinable()) writer_ = std::thread([this] { WriterLoop(); });
  cv_.notify_all();
  return absl::OkStatus();
}

void SyncedFile::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return has_in_flight_ || stopping_; });
    if (!has_in_flight_) return;
    lock.unlock();
    absl::Status s = WriteAll(fd_, path_, in_flight_);
    lock.lock();
    if (!s.ok() && write_error_.ok()) write_error_ = s;
    in_flight_.clear();
    has_in_flight_ = false;
    cv_.notify_all();
  }
}

absl::Status SyncedFile::WaitForWriter() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !has_in_flight_; });
  return write_error_;
}

void SyncedFile::StopWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();  // after the buffer in flight, if any
}

absl::Status SyncedFile::Close() {
  if (fd_ < 0) return absl::OkStatus();
  absl::Status s = WaitForWriter();
  StopWriter();
  if (s.ok()) s = WriteAll(fd_, path_, buffer_);
  buffer_.clear();
  if (s.ok() && ::fsync(fd_) != 0) s = ErrnoStatus("fsync", path_);
  if (::close(fd_) != 0 && s.ok()) s = ErrnoStatus("close", path_);
  fd_ = -1;
  return s;
}

absl::StatusOr<std::unique_ptr<RowWriter>> OpenRowWriter(const std::string& path, FileFormat format,
                                                         std::vector<OutputColumn> columns,
                                                         const std::string& compression) {
  absl::StatusOr<std::unique_ptr<SyncedFile>> file = SyncedFile::Create(path);
  if (!file.ok()) return file.status();
  switch (format) {
    case FileFormat::kCsv:
      return std::make_unique<CsvWriter>(std::move(*file), std::move(columns));
    case FileFormat::kJsonl:
      return std::make_unique<JsonlWriter>(std::move(*file), std::move(columns));
    case FileFormat::kParquet: {
      absl::StatusOr<parquet::Codec> codec = parquet::ParseCodec(compression);
      if (!codec.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("output.compression: ", codec.status().message()));
      }
      return std::make_unique<ParquetRowWriter>(std::move(*file), std::move(columns), *codec);
    }
    case FileFormat::kAuto:
      break;
  }
  return absl::InvalidArgumentError("output.format must be csv, jsonl or parquet");
}

}  // namespace ferry::batch
