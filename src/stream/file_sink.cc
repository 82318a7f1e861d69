// File sink: JSONL or CSV files in a directory, rolled by size and age. The file being written is
// ".<name>.inprogress" (locked with flock while open); each batch is appended and fsynced before
// Write returns, and a rolled file is renamed to <name> (an atomic publish: readers never see a
// partial file). Files left in progress by a crashed process are published at the next start
// after cutting any torn last line, so what was acknowledged is never lost.
// Names: <prefix>-<UTC yyyymmddThhmmss>-<pid>-<seq>.<jsonl|csv>.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "io/json_writer.h"
#include "stream/adapters.h"

namespace ferry::stream {
namespace {

namespace fs = std::filesystem;

constexpr char kInProgress[] = ".inprogress";
constexpr size_t kInProgressSize = sizeof(kInProgress) - 1;

void AppendCsvCell(std::string* out, const Value& v) {
  if (v.is_null()) return;
  std::string text = v.kind() == Value::Kind::kFloat ? FormatDouble(v.as_float()) : v.ToString();
  if (text.find_first_of(",\"\n\r") == std::string::npos) {
    *out += text;
    return;
  }
  *out += '"';
  for (char c : text) {
    if (c == '"') *out += '"';
    *out += c;
  }
  *out += '"';
}

absl::Status Errno(const std::string& what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", strerror(errno)));
}

absl::Status SyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Errno("cannot open directory", dir);
  fsync(fd);
  close(fd);
  return absl::OkStatus();
}

class FileSink : public Sink {
 public:
  explicit FileSink(SinkConfig config) : config_(std::move(config)), name_("file:" + config_.dir) {}
  ~FileSink() override { (void)Close(); }

  absl::Status Start() {
    std::error_code ec;
    fs::create_directories(config_.dir, ec);
    if (ec) {
      return absl::InvalidArgumentError(
          absl::StrCat("sink file: cannot create directory ", config_.dir, ": ", ec.message()));
    }
    return RecoverLeftovers();
  }

  const std::string& name() const override { return name_; }
  bool reads_table() const override { return config_.format == "csv"; }

  absl::Status Write(const SinkBatch& batch) override {
    const bool csv = config_.format == "csv";
    std::vector<std::string> columns;
    if (csv) {
      for (const Column& c : batch.table.columns()) columns.push_back(c.name);
    }
    // Roll by age (also on idle calls with an empty batch), size, or a changed CSV header.
    if (fd_ >= 0 && (Age() >= config_.roll_seconds || bytes_ >= config_.roll_bytes ||
                     (csv && batch.size() > 0 && columns != header_))) {
      absl::Status status = Publish();
      if (!status.ok()) return status;
    }
    if (batch.size() == 0) return absl::OkStatus();
    std::string text;
    if (fd_ < 0) {
      absl::Status status = OpenNew();
      if (!status.ok()) return status;
      if (csv) {
        header_ = columns;
        for (size_t c = 0; c < columns.size(); ++c) {
          if (c > 0) text += ',';
          AppendCsvCell(&text, Value::String(columns[c]));
        }
        text += '\n';
      }
    }
    if (csv) {
      for (size_t r = 0; r < batch.table.num_rows(); ++r) {
        for (size_t c = 0; c < batch.table.num_columns(); ++c) {
          if (c > 0) text += ',';
          AppendCsvCell(&text, batch.table.column(c).values[r]);
        }
        text += '\n';
      }
    } else {
      for (const std::string& line : batch.json) absl::StrAppend(&text, line, "\n");
    }
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = write(fd_, text.data() + done, text.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        // Cut what was half written so the file holds whole lines only.
        (void)ftruncate(fd_, static_cast<off_t>(bytes_));
        return Errno("cannot write", temp_path_);
      }
      done += static_cast<size_t>(n);
    }
    if (fsync(fd_) != 0) {
      (void)ftruncate(fd_, static_cast<off_t>(bytes_));
      return Errno("cannot fsync", temp_path_);
    }
    bytes_ += static_cast<int64_t>(text.size());
    return absl::OkStatus();
  }

  absl::Status Close() override {
    if (fd_ < 0) return absl::OkStatus();
    return Publish();
  }

 private:
  double Age() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - opened_).count();
  }

  absl::Status OpenNew() {
    final_name_ = absl::StrCat(config_.prefix, "-",
                               absl::FormatTime("%Y%m%dT%H%M%S", absl::Now(), absl::UTCTimeZone()),
                               "-", getpid(), "-", sequence_++, ".", config_.format);
    temp_path_ = (fs::path(config_.dir) / absl::StrCat(".", final_name_, kInProgress)).string();
    fd_ = open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return Errno("cannot create", temp_path_);
    flock(fd_, LOCK_EX | LOCK_NB);
    bytes_ = 0;
    opened_ = std::chrono::steady_clock::now();
    return absl::OkStatus();
  }

  absl::Status Publish() {
    std::string final_path = (fs::path(config_.dir) / final_name_).string();
    if (rename(temp_path_.c_str(), final_path.c_str()) != 0)
      return Errno("cannot rename", temp_path_);
    close(fd_);
    fd_ = -1;
    header_.clear();
    return SyncDir(config_.dir);
  }

  // Publishes in-progress files of this prefix that no live process holds.
  absl::Status RecoverLeftovers() {
    std::error_code ec;
    for (const fs::directory_entry& entry : fs::directory_iterator(config_.dir, ec)) {
      std::string file = entry.path().filename().string();
      if (!file.starts_with("." + config_.prefix + "-") || !file.ends_with(kInProgress)) continue;
      int fd = open(entry.path().c_str(), O_RDWR | O_CLOEXEC);
      if (fd < 0) continue;
      if (flock(fd, LOCK_EX | LOCK_NB) != 0) {  // another process is writing it
        close(fd);
        continue;
      }
      off_t size = lseek(fd, 0, SEEK_END);
      off_t keep = size;
      char c = 0;
      while (keep > 0 && pread(fd, &c, 1, keep - 1) == 1 && c != '\n') --keep;
      if (keep != size) (void)ftruncate(fd, keep);
      fsync(fd);
      std::string published = file.substr(1, file.size() - 1 - kInProgressSize);
      if (keep == 0) {
        fs::remove(entry.path(), ec);
      } else {
        fs::rename(entry.path(), fs::path(config_.dir) / published, ec);
      }
      close(fd);
    }
    return SyncDir(config_.dir);
  }

  SinkConfig config_;
  std::string name_;
  int fd_ = -1;
  std::string temp_path_, final_name_;
  int64_t bytes_ = 0;
  int sequence_ = 0;
  std::chrono::steady_clock::time_point opened_;
  std::vector<std::string> header_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Sink>> MakeFileSink(const SinkConfig& config) {
  auto sink = std::make_unique<FileSink>(config);
  absl::Status status = sink->Start();
  if (!status.ok()) return status;
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace ferry::stream
