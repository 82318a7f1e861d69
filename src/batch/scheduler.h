// Scheduler: `ferry schedule --jobs FILE`, a small built-in scheduler for batch jobs. Each
// job has a cron expression with a time zone (cron.h) and a score config; when it fires,
// the scheduler runs `ferry score --config CONFIG --date D` as a child process (D is the
// scheduled local date, or the day/month before it), never two runs of one job at once (a
// firing that finds the previous run still going is recorded as skipped), retries exit code
// 1 with exponential backoff, and records every attempt in a SQLite run history that
// `ferry schedule --status` prints. Time comes from a Clock so tests can run it fast.
#ifndef FERRY_BATCH_SCHEDULER_H_
#define FERRY_BATCH_SCHEDULER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "batch/cron.h"

namespace ferry::batch {

enum class DateRule { kScheduled, kPreviousDay, kPreviousMonth };

struct ScheduledJob {
  std::string name;
  CronSchedule cron;
  std::string config;  // score job config (absolute path)
  DateRule date = DateRule::kScheduled;
  int retries = 2;                             // extra attempts after a retryable failure (exit 1)
  absl::Duration backoff = absl::Seconds(30);  // before the first retry; doubles each time
  std::vector<std::string> extra_args;         // appended to the score command line
};

struct ScheduleFile {
  std::string history;  // SQLite file of the run history (absolute path)
  std::vector<ScheduledJob> jobs;
};

// Reads the jobs file (docs/batch.md); every problem with its line.
absl::StatusOr<ScheduleFile> LoadScheduleFile(const std::string& path);

// The clock the scheduler reads: real time, or real time sped up from a chosen start.
class Clock {
 public:
  // speed 1 and start InfinitePast: the real clock.
  explicit Clock(absl::Time start = absl::InfinitePast(), double speed = 1.0);
  absl::Time Now() const;
  // Real time to wait until `t` on this clock.
  absl::Duration RealUntil(absl::Time t) const;

 private:
  absl::Time real_start_, start_;
  double speed_;
};

struct SchedulerOptions {
  std::string ferry_binary;  // the ferry executable to run
  int64_t max_runs = 0;      // stop after this many finished runs (0 = never)
  const std::atomic<bool>* stop = nullptr;
};

// Runs until *stop, or max_runs runs finished. Progress lines go to stderr.
absl::Status RunScheduler(const ScheduleFile& schedule, const Clock& clock,
                          const SchedulerOptions& options);

// The last runs of each job and its next firing time, as text.
absl::StatusOr<std::string> ScheduleStatus(const ScheduleFile& schedule, const Clock& clock,
                                           int last_runs);

// The run date passed to a job scheduled at `t` (local civil date per the rule).
absl::CivilDay RunDateFor(const ScheduledJob& job, absl::Time t);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_SCHEDULER_H_
