// RunBackfill: runs a scoring job once per period (day or month) of a date range, oldest
// first, up to `parallel` periods at a time, skipping periods whose partition is already
// published (_SUCCESS) unless `force`. Each period is an ordinary run (score_job.h), so a
// backfill is as atomic and re-runnable as the runs it is made of. Table outputs have no
// marker: their periods always run (the table write is idempotent).
#ifndef FERRY_BATCH_BACKFILL_H_
#define FERRY_BATCH_BACKFILL_H_

#include <atomic>
#include <string>
#include <vector>

#include "batch/job_config.h"
#include "batch/run_period.h"
#include "batch/score_job.h"

namespace ferry::batch {

struct BackfillOptions {
  absl::CivilDay from, to;
  PeriodUnit every = PeriodUnit::kDay;
  int parallel = 1;
  bool force = false;
  int threads = 0;  // scorer threads per run; 0 = cores / parallel
  const std::atomic<bool>* stop = nullptr;
};

struct BackfillOutcome {
  std::string period;  // YYYY-MM-DD (the period's first day)
  std::string status;  // a RunSummary status, or "skipped" (already published)
  int exit_code = 0;
  RunSummary summary;  // empty when skipped
};

// Outcomes in period order.
std::vector<BackfillOutcome> RunBackfill(const ScoreJobConfig& config,
                                         const BackfillOptions& options);

// A plain-text table: period, status, rows written, rejected, seconds, and the error if any.
std::string FormatOutcomes(const std::vector<BackfillOutcome>& outcomes);

// 2 if any period failed permanently, else 1 if any failed retryably, else 3 if any had
// too many rejects, else 0 (skipped and nothing-to-do periods count as success).
int BackfillExitCode(const std::vector<BackfillOutcome>& outcomes);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_BACKFILL_H_
