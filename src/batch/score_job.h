// RunScoreJob: one batch scoring run (`ferry score`): load the bundle, read the period's
// input in chunks on a reader thread, score chunks on N threads, build and write output rows
// in input order on the calling thread, then publish atomically (publish.h) or, for tables,
// commit one transaction. Memory is bounded by the chunks in flight (about 2 per scorer),
// not by the input's size. The outcome is a RunSummary whose exit code follows the contract
// in exit_codes.h. Setting *options.stop (e.g. on SIGTERM) ends the run without publishing.
#ifndef FERRY_BATCH_SCORE_JOB_H_
#define FERRY_BATCH_SCORE_JOB_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "batch/job_config.h"
#include "batch/run_period.h"

namespace ferry::batch {

struct ScoreRunOptions {
  RunPeriod period;
  int shard = 0;
  int num_shards = 1;
  int threads = 0;        // overrides the config when > 0
  bool progress = false;  // draw a progress bar on stderr
  const std::atomic<bool>* stop = nullptr;
};

struct RunSummary {
  std::string job;
  std::string date;           // the run date, YYYY-MM-DD
  std::string status = "ok";  // ok, nothing_to_do, too_many_rejects, failed, interrupted
  int exit_code = 0;
  std::string error;  // why it failed, when it did
  int64_t rows_read = 0, rows_scored = 0, rows_rejected = 0, rows_written = 0;
  double seconds = 0;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;  // published files or partition directories, or tables
  std::string rejects_path;          // when rows were rejected

  std::string ToJson() const;  // one line
};

// The partition (directory or table scope) a run of `config` for `options` writes, expanded;
// for partitions from row values, the file listing them (row_partitions.h).
absl::StatusOr<std::string> OutputTarget(const ScoreJobConfig& config,
                                         const ScoreRunOptions& options);
// True when the run of this period has been published (what backfill skips): the partition's
// _SUCCESS, the list of a run's row partitions, or the table's run record.
bool IsPeriodPublished(const ScoreJobConfig& config, const ScoreRunOptions& options);

RunSummary RunScoreJob(const ScoreJobConfig& config, const ScoreRunOptions& options);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_SCORE_JOB_H_
