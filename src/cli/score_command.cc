// `ferry score --config FILE [--date D | --interval-start T --interval-end T] [--shard I/N]`:
// one batch scoring run (src/batch/score_job.h). Prints the JSON run summary on stdout, a
// progress bar on stderr when it is a terminal, and exits with the batch contract:
// 0 ok, 99 nothing to do, 3 too many rejected rows, 2 bad config/input, 1 retryable failure.
#include <csignal>
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "batch/exit_codes.h"
#include "batch/job_config.h"
#include "batch/score_job.h"
#include "cli/batch_common.h"
#include "cli/commands.h"

namespace ferry::cli {

CommandRun ConfigureScoreCommand(CLI::App& app) {
  struct Options {
    std::string config, date, interval_start, interval_end, shard;
    int threads = 0;
    bool no_progress = false;
  };
  auto o = std::make_shared<Options>();
  app.add_option("--config", o->config, "Job config (YAML; see docs/batch.md).")->required();
  app.add_option("--date", o->date, "Run date YYYY-MM-DD (default: today, UTC).");
  app.add_option("--interval-start", o->interval_start, "Interval start (YYYY-MM-DD[ HH:MM:SS]).");
  app.add_option("--interval-end", o->interval_end, "Interval end, exclusive.");
  app.add_option("--shard", o->shard, "Score only shard I of N (I/N, 0-based), e.g. 2/8.");
  app.add_option("--threads", o->threads,
                 "Scorer threads (default: the config's, else all cores).");
  app.add_flag("--no-progress", o->no_progress, "Never draw the progress bar.");
  app.footer(std::string(kBatchExitStatusHelp));
  return [o] {
    absl::StatusOr<batch::ScoreJobConfig> config = batch::LoadScoreJobConfig(o->config);
    if (!config.ok()) return ReportBatchFailure("score", config.status());
    absl::StatusOr<batch::RunPeriod> period =
        ResolvePeriod(*config, o->date, o->interval_start, o->interval_end);
    if (!period.ok()) return ReportBatchFailure("score", period.status());
    batch::ScoreRunOptions options;
    options.period = *period;
    options.threads = o->threads;
    options.progress = !o->no_progress;
    if (!o->shard.empty()) {
      absl::Status s = ParseShard(o->shard, &options.shard, &options.num_shards);
      if (!s.ok()) return ReportBatchFailure("score", s);
    }
    options.stop = InstallStopHandlers();
    batch::RunSummary summary = batch::RunScoreJob(*config, options);
    std::cout << summary.ToJson() << std::endl;
    if (!summary.error.empty() && summary.exit_code != batch::kExitNothingToDo) {
      std::cerr << "ferry score: " << summary.error << "\n";
    }
    return summary.exit_code;
  };
}

}  // namespace ferry::cli
