// Backfills: one ordinary run per period (see backfill.h).
#include "batch/backfill.h"

#include <algorithm>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "batch/exit_codes.h"
#include "batch/publish.h"

namespace ferry::batch {

std::vector<BackfillOutcome> RunBackfill(const ScoreJobConfig& config,
                                         const BackfillOptions& options) {
  const std::vector<RunPeriod> periods = PeriodsBetween(options.from, options.to, options.every);
  std::vector<BackfillOutcome> outcomes(periods.size());
  const int parallel = std::max(1, options.parallel);
  int threads = options.threads;
  if (threads <= 0) {
    threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / parallel);
  }
  std::mutex mu;
  size_t next = 0;
  auto worker = [&] {
    while (true) {
      size_t i;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (next >= periods.size()) return;
        i = next++;
      }
      BackfillOutcome& out = outcomes[i];
      out.period = absl::FormatCivilTime(periods[i].date);
      if (options.stop && options.stop->load()) {
        out.status = "not_run";
        out.exit_code = kExitRetryable;
        continue;
      }
      ScoreRunOptions run;
      run.period = periods[i];
      run.threads = threads;
      run.stop = options.stop;
      if (!options.force && IsPeriodPublished(config, run)) {
        out.status = "skipped";
        continue;
      }
      out.summary = RunScoreJob(config, run);
      out.status = out.summary.status;
      out.exit_code = out.summary.exit_code;
    }
  };
  std::vector<std::thread> workers;
  for (int i = 0; i < parallel; ++i) workers.emplace_back(worker);
  for (std::thread& t : workers) t.join();
  return outcomes;
}

std::string FormatOutcomes(const std::vector<BackfillOutcome>& outcomes) {
  std::string out = absl::StrFormat("%-10s  %-16s  %4s  %10s  %8s  %8s  %s\n", "period", "status",
                                    "exit", "written", "rejected", "seconds", "detail");
  for (const BackfillOutcome& o : outcomes) {
    const RunSummary& s = o.summary;
    std::string detail =
        o.status == "skipped" ? "already published (use --force to re-run)" : s.error;
    absl::StrAppend(&out, absl::StrFormat("%-10s  %-16s  %4d  %10d  %8d  %8.2f  %s\n", o.period,
                                          o.status, o.exit_code, s.rows_written, s.rows_rejected,
                                          s.seconds, detail.substr(0, detail.find('\n'))));
  }
  return out;
}

int BackfillExitCode(const std::vector<BackfillOutcome>& outcomes) {
  bool permanent = false, retryable = false, rejects = false;
  for (const BackfillOutcome& o : outcomes) {
    permanent |= o.exit_code == kExitPermanent;
    retryable |= o.exit_code == kExitRetryable;
    rejects |= o.exit_code == kExitTooManyRejects;
  }
  if (permanent) return kExitPermanent;
  if (retryable) return kExitRetryable;
  if (rejects) return kExitTooManyRejects;
  return kExitSuccess;
}

}  // namespace ferry::batch
