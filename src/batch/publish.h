// Atomic publication of a run's files. A run writes into a hidden staging directory beside
// its target partition (".<leaf>.ferry-tmp-<pid>"), then Publish() fsyncs it, swaps it into
// place in one rename (renameat2 RENAME_EXCHANGE when the partition already exists, so
// readers see the old partition or the new one, never a mix), deletes the old copy, and
// finally writes the _SUCCESS marker. A crashed run leaves only a hidden staging directory,
// which the next run for that partition removes. Sharded runs (shard i of n) publish their
// own file into the partition instead, and _SUCCESS appears once every shard's marker is there.
#ifndef FERRY_BATCH_PUBLISH_H_
#define FERRY_BATCH_PUBLISH_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ferry::batch {

class StagedPartition {
 public:
  // Creates the staging directory for `target` (a directory path; parents are made).
  static absl::StatusOr<StagedPartition> Create(const std::string& target, int shard,
                                                int num_shards);
  StagedPartition(StagedPartition&& other) noexcept;
  StagedPartition& operator=(StagedPartition&&) = delete;
  ~StagedPartition();  // abandons the staging directory unless published

  // Where to write a file named `name` before publication.
  std::string StagingPath(const std::string& name) const;
  const std::string& target() const { return target_; }

  // Publishes the staged files (see above). After success the staging directory is gone.
  absl::Status Publish();
  // Removes the staging directory and everything in it.
  void Abandon();

 private:
  StagedPartition(std::string target, std::string staging, int shard, int num_shards)
      : target_(std::move(target)),
        staging_(std::move(staging)),
        shard_(shard),
        num_shards_(num_shards) {}
  absl::Status PublishWhole();
  absl::Status PublishShard();

  std::string target_, staging_;
  int shard_ = 0, num_shards_ = 1;
  bool done_ = false;
};

// True when `partition` holds a _SUCCESS marker (a published run).
bool IsPublished(const std::string& partition);

// Writes `bytes` to `path` atomically (temporary file beside it, fsync, rename, fsync dir).
absl::Status WriteFileAtomically(const std::string& path, std::string_view bytes);
// Moves the finished file `from` to `to` atomically, making `to`'s parents first.
absl::Status MoveFileAtomically(const std::string& from, const std::string& to);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_PUBLISH_H_
