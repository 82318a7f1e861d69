// File inputs: globs, then CSV/JSONL through io::RecordReader and Parquet through
// parquet::ParquetReader, one file at a time (see input_source.h).
#include "batch/input_source.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "io/byte_source.h"
#include "io/parquet/parquet_reader.h"
#include "io/record_reader.h"

namespace ferry::batch {
namespace {

// Counts the bytes pulled through it, for progress.
class CountingSource : public io::ByteSource {
 public:
  CountingSource(std::unique_ptr<io::ByteSource> inner, std::atomic<int64_t>* count)
      : inner_(std::move(inner)), count_(count) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    absl::StatusOr<size_t> got = inner_->Read(buf, n);
    if (got.ok()) count_->fetch_add(static_cast<int64_t>(*got), std::memory_order_relaxed);
    return got;
  }
  const std::string& name() const override { return inner_->name(); }

 private:
  std::unique_ptr<io::ByteSource> inner_;
  std::atomic<int64_t>* count_;
};

int64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

class FileSource : public InputSource {
 public:
  FileSource(std::vector<std::string> paths, FileFormat format, size_t chunk_rows)
      : paths_(std::move(paths)), format_(format), chunk_rows_(chunk_rows) {
    for (const std::string& p : paths_) total_bytes_ += FileSize(p);
  }

  absl::StatusOr<bool> Next(SourceChunk* chunk) override {
    while (current_ < paths_.size()) {
      if (!text_ && !parquet_) {
        if (absl::Status s = OpenCurrent(); !s.ok()) return s;
      }
      absl::StatusOr<bool> more = text_ ? NextText(chunk) : NextParquet(chunk);
      if (!more.ok()) return more.status();
      if (*more) return true;
      done_bytes_ += FileSize(paths_[current_]);
      text_.reset();
      parquet_.reset();
      ++current_;
    }
    return false;
  }

  const std::vector<std::string>& sources() const override { return paths_; }

  double Progress() const override {
    if (total_bytes_ <= 0) return -1;
    double current = 0;
    if (current_ < paths_.size()) {
      if (parquet_rows_ > 0) {
        current = static_cast<double>(FileSize(paths_[current_])) * parquet_done_ / parquet_rows_;
      } else {
        current = static_cast<double>(bytes_read_.load(std::memory_order_relaxed));
      }
    }
    return std::min(1.0, (static_cast<double>(done_bytes_) + current) / total_bytes_);
  }

 private:
  absl::Status OpenCurrent() {
    const std::string& path = paths_[current_];
    FileFormat format = format_ == FileFormat::kAuto ? FileFormatFromPath(path) : format_;
    bytes_read_ = 0;
    parquet_rows_ = 0;
    parquet_done_ = 0;
    if (format == FileFormat::kParquet) {
      parquet::ParquetReaderOptions options;
      options.batch_rows = chunk_rows_;
      absl::StatusOr<std::unique_ptr<parquet::ParquetReader>> reader =
          parquet::ParquetReader::Open(path, options);
      if (!reader.ok()) return reader.status();
      parquet_ = std::move(*reader);
      parquet_rows_ = parquet_->num_rows();
      return absl::OkStatus();
    }
    absl::StatusOr<std::unique_ptr<io::ByteSource>> bytes = io::OpenByteSource(path);
    if (!bytes.ok()) return bytes.status();
    io::RecordFormat record_format = format == FileFormat::kCsv     ? io::RecordFormat::kCsv
                                     : format == FileFormat::kJsonl ? io::RecordFormat::kJsonl
                                                                    : io::RecordFormat::kAuto;
    io::ReaderOptions options;
    options.chunk_rows = chunk_rows_;
    absl::StatusOr<std::unique_ptr<io::RecordReader>> reader = io::MakeRecordReader(
        std::make_unique<CountingSource>(std::move(*bytes), &bytes_read_), record_format, options);
    if (!reader.ok()) return reader.status();
    text_ = std::move(*reader);
    return absl::OkStatus();
  }

  absl::StatusOr<bool> NextText(SourceChunk* chunk) {
    io::RecordChunk records;
    absl::StatusOr<bool> more = text_->Next(&records);
    if (!more.ok() || !*more) return more;
    chunk->batch = std::move(records.batch);
    chunk->positions = std::move(records.line_numbers);
    chunk->source = static_cast<int>(current_);
    chunk->position_kind = "line";
    return true;
  }

  absl::StatusOr<bool> NextParquet(SourceChunk* chunk) {
    RecordBatch batch;
    absl::StatusOr<bool> more = parquet_->Next(&batch);
    if (!more.ok() || !*more) return more;
    chunk->positions.resize(batch.num_rows());
    for (size_t i = 0; i < batch.num_rows(); ++i) chunk->positions[i] = parquet_done_ + 1 + i;
    parquet_done_ += static_cast<int64_t>(batch.num_rows());
    chunk->batch = std::move(batch);
    chunk->source = static_cast<int>(current_);
    chunk->position_kind = "row";
    return true;
  }

  std::vector<std::string> paths_;
  FileFormat format_;
  size_t chunk_rows_;
  size_t current_ = 0;
  std::unique_ptr<io::RecordReader> text_;
  std::unique_ptr<parquet::ParquetReader> parquet_;
  int64_t total_bytes_ = 0, done_bytes_ = 0;
  std::atomic<int64_t> bytes_read_{0};
  int64_t parquet_rows_ = 0, parquet_done_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<std::string>> ExpandPatterns(const std::vector<std::string>& patterns) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  std::vector<std::string> missing;
  for (const std::string& pattern : patterns) {
    glob_t g{};
    int rc = glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g);
    std::vector<std::string> matched;
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) matched.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (rc == GLOB_ABORTED) {
      return absl::UnavailableError(absl::StrCat("cannot list the files of '", pattern, "'"));
    }
    std::sort(matched.begin(), matched.end());
    std::erase_if(matched, [](const std::string& p) {
      struct stat st;
      return stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode);
    });
    if (matched.empty()) missing.push_back(pattern);
    for (std::string& m : matched) {
      if (seen.insert(m).second) files.push_back(std::move(m));
    }
  }
  if (!missing.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no input file matches ", absl::StrJoin(missing, ", ")));
  }
  return files;
}

absl::StatusOr<std::unique_ptr<InputSource>> OpenFileSource(std::vector<std::string> paths,
                                                            FileFormat format, size_t chunk_rows) {
  return std::make_unique<FileSource>(std::move(paths), format, chunk_rows);
}

}  // namespace ferry::batch
