// `ferry backfill --config FILE --from D --to D --every day|month [--parallel N] [--force]`:
// one scoring run per period (src/batch/backfill.h); prints a table of outcomes on stdout
// and exits 0, or the most serious failure's batch exit code (2, then 1, then 3).
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "batch/backfill.h"
#include "batch/job_config.h"
#include "cli/batch_common.h"
#include "cli/commands.h"

namespace ferry::cli {

CommandRun ConfigureBackfillCommand(CLI::App& app) {
  struct Options {
    std::string config, from, to, every = "day";
    int parallel = 1, threads = 0;
    bool force = false, json = false;
  };
  auto o = std::make_shared<Options>();
  app.add_option("--config", o->config, "Job config (YAML; see docs/batch.md).")->required();
  app.add_option("--from", o->from, "First period's date, YYYY-MM-DD.")->required();
  app.add_option("--to", o->to, "Last period's date, YYYY-MM-DD (inclusive).")->required();
  app.add_option("--every", o->every, "Period length: day or month.")->capture_default_str();
  app.add_option("--parallel", o->parallel, "Periods run at once.")->capture_default_str();
  app.add_option("--threads", o->threads, "Scorer threads per run (default: cores / parallel).");
  app.add_flag("--force", o->force, "Re-run periods that are already published.");
  app.add_flag("--json", o->json, "Print one JSON run summary per period instead of a table.");
  app.footer(std::string(kBatchExitStatusHelp));
  return [o] {
    absl::StatusOr<batch::ScoreJobConfig> config = batch::LoadScoreJobConfig(o->config);
    if (!config.ok()) return ReportBatchFailure("backfill", config.status());
    batch::BackfillOptions options;
    absl::StatusOr<absl::CivilDay> from = batch::ParseDay(o->from);
    if (!from.ok()) return ReportBatchFailure("backfill", from.status());
    absl::StatusOr<absl::CivilDay> to = batch::ParseDay(o->to);
    if (!to.ok()) return ReportBatchFailure("backfill", to.status());
    absl::StatusOr<batch::PeriodUnit> every = batch::ParsePeriodUnit(o->every);
    if (!every.ok()) return ReportBatchFailure("backfill", every.status());
    if (*to < *from) {
      return ReportBatchFailure("backfill", absl::InvalidArgumentError("--to is before --from"));
    }
    options.from = *from;
    options.to = *to;
    options.every = *every;
    options.parallel = o->parallel;
    options.threads = o->threads;
    options.force = o->force;
    options.stop = InstallStopHandlers();
    std::vector<batch::BackfillOutcome> outcomes = batch::RunBackfill(*config, options);
    if (o->json) {
      for (const batch::BackfillOutcome& out : outcomes) {
        if (out.status == "skipped") {
          std::cout << "{\"date\":\"" << out.period << "\",\"status\":\"skipped\"}\n";
        } else {
          std::cout << out.summary.ToJson() << "\n";
        }
      }
    } else {
      std::cout << batch::FormatOutcomes(outcomes);
    }
    std::cout.flush();
    return batch::BackfillExitCode(outcomes);
  };
}

}  // namespace ferry::cli
