// Staging directories, rename-based publication and _SUCCESS markers (see publish.h).
#include "batch/publish.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ferry::batch {
namespace {

namespace fs = std::filesystem;

absl::Status Io(const std::string& what, const std::string& path, int err) {
  std::string message = absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(err));
  if (err == EACCES || err == EROFS || err == EPERM) return absl::PermissionDeniedError(message);
  return absl::UnavailableError(message);
}

absl::Status FsyncPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Io("open", path, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? absl::OkStatus() : Io("fsync", path, err);
}

std::string StagingPrefix(const fs::path& target) {
  return absl::StrCat(".", target.filename().string(), ".ferry-tmp-");
}

// Removes staging directories of `target` left by runs that are no longer alive.
void RemoveStaleStaging(const fs::path& target) {
  std::error_code ec;
  const std::string prefix = StagingPrefix(target);
  for (const auto& entry : fs::directory_iterator(target.parent_path(), ec)) {
    std::string name = entry.path().filename().string();
    absl::string_view rest = name;
    if (!absl::ConsumePrefix(&rest, prefix)) continue;
    absl::string_view pid_text = rest.substr(0, rest.find('-'));
    int pid = 0;
    if (absl::SimpleAtoi(pid_text, &pid) && pid > 0 && pid != getpid() &&
        (::kill(pid, 0) == 0 || errno == EPERM)) {
      continue;  // a live run owns it
    }
    fs::remove_all(entry.path(), ec);
  }
}

}  // namespace

absl::StatusOr<StagedPartition> StagedPartition::Create(const std::string& target_text, int shard,
                                                        int num_shards) {
  fs::path target = fs::path(target_text).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();  // trailing slash
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return Io("create directory", target.parent_path().string(), ec.value());
  RemoveStaleStaging(target);
  static int counter = 0;
  std::string staging =
      (target.parent_path() / absl::StrCat(StagingPrefix(target), getpid(), "-", ++counter))
          .string();
  fs::remove_all(staging, ec);
  if (::mkdir(staging.c_str(), 0755) != 0) return Io("create directory", staging, errno);
  return StagedPartition(target.string(), staging, shard, num_shards);
}

StagedPartition::StagedPartition(StagedPartition&& other) noexcept
    : target_(std::move(other.target_)),
      staging_(std::move(other.staging_)),
      shard_(other.shard_),
      num_shards_(other.num_shards_),
      done_(other.done_) {
  other.done_ = true;
}

StagedPartition::~StagedPartition() { Abandon(); }

std::string StagedPartition::StagingPath(const std::string& name) const {
  return (fs::path(staging_) / name).string();
}

void StagedPartition::Abandon() {
  if (done_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  done_ = true;
}

absl::Status StagedPartition::Publish() {
  absl::Status s = num_shards_ > 1 ? PublishShard() : PublishWhole();
  if (s.ok()) done_ = true;
  return s;
}

absl::Status StagedPartition::PublishWhole() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(staging_, ec)) {
    if (absl::Status s = FsyncPath(entry.path().string()); !s.ok()) return s;
  }
  if (absl::Status s = FsyncPath(staging_); !s.ok()) return s;
  const std::string parent = fs::path(target_).parent_path().string();
  if (fs::exists(target_, ec)) {
    // Swap the new partition in; the old one ends up at the staging path.
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0) {
      if (errno != EINVAL && errno != ENOSYS) return Io("swap in", target_, errno);
      // The file system cannot exchange: move the old partition aside, then the new one in
      // (readers may briefly find no partition, never a partial one).
      const std::string old = staging_ + ".old";
      if (::rename(target_.c_str(), old.c_str()) != 0) return Io("move aside", target_, errno);
      if (::rename(staging_.c_str(), target_.c_str()) != 0) {
        int err = errno;
        (void)::rename(old.c_str(), target_.c_str());
        return Io("rename into place", target_, err);
      }
      fs::remove_all(old, ec);
    } else {
      fs::remove_all(staging_, ec);
    }
  } else if (::rename(staging_.c_str(), target_.c_str()) != 0) {
    return Io("rename into place", target_, errno);
  }
  if (absl::Status s = FsyncPath(parent); !s.ok()) return s;
  return WriteFileAtomically((fs::path(target_) / "_SUCCESS").string(), "");
}

absl::Status StagedPartition::PublishShard() {
  std::error_code ec;
  fs::create_directories(target_, ec);
  if (ec) return Io("create directory", target_, ec.value());
  for (const auto& entry : fs::directory_iterator(staging_, ec)) {
    std::string name = entry.path().filename().string();
    if (absl::Status s =
            MoveFileAtomically(entry.path().string(), (fs::path(target_) / name).string());
        !s.ok()) {
      return s;
    }
  }
  fs::remove_all(staging_, ec);
  const std::string marker = absl::StrCat("_SUCCESS.shard-", shard_, "-of-", num_shards_);
  if (absl::Status s = WriteFileAtomically((fs::path(target_) / marker).string(), ""); !s.ok()) {
    return s;
  }
  for (int i = 0; i < num_shards_; ++i) {
    if (!fs::exists(fs::path(target_) / absl::StrCat("_SUCCESS.shard-", i, "-of-", num_shards_))) {
      return absl::OkStatus();  // the last shard to finish writes _SUCCESS
    }
  }
  return WriteFileAtomically((fs::path(target_) / "_SUCCESS").string(), "");
}

bool IsPublished(const std::string& partition) {
  std::error_code ec;
  return fs::exists(fs::path(partition) / "_SUCCESS", ec);
}

absl::Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::string temp = absl::StrCat(path, ".ferry-tmp-", getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Io("create", temp, errno);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return Io("write", temp, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return Io("fsync", temp, err);
  }
  return MoveFileAtomically(temp, path);
}

absl::Status MoveFileAtomically(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::path parent = fs::path(to).parent_path();
  if (parent.empty()) parent = ".";
  fs::create_directories(parent, ec);
  if (ec) return Io("create directory", parent.string(), ec.value());
  if (::rename(from.c_str(), to.c_str()) != 0) return Io("rename into place", to, errno);
  return FsyncPath(parent.string());
}

}  // namespace ferry::batch
