// `ferry schedule --jobs FILE [--status]`: runs batch jobs on cron schedules with retries
// and a SQLite run history (src/batch/scheduler.h), or prints that history. The scheduler
// stops on SIGTERM/SIGINT (a running job is asked to stop too, publishing nothing).
// --clock-start/--clock-speed run the schedule on a sped-up clock, for tests and dry runs.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "batch/exit_codes.h"
#include "batch/run_period.h"
#include "batch/scheduler.h"
#include "cli/batch_common.h"
#include "cli/commands.h"

namespace ferry::cli {
namespace {

std::string SelfPath() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("ferry");
}

}  // namespace

CommandRun ConfigureScheduleCommand(CLI::App& app) {
  struct Options {
    std::string jobs, clock_start;
    double clock_speed = 1;
    bool status = false;
    int64_t max_runs = 0;
    int last = 10;
  };
  auto o = std::make_shared<Options>();
  app.add_option("--jobs", o->jobs, "Jobs file (YAML; see docs/batch.md).")->required();
  app.add_flag("--status", o->status, "Print each job's next run and its last runs, then exit.");
  app.add_option("--last", o->last, "Runs per job shown by --status.")->capture_default_str();
  app.add_option("--max-runs", o->max_runs, "Exit after this many finished runs (0 = never).");
  app.add_option("--clock-start", o->clock_start,
                 "Start the scheduler's clock at this UTC time (YYYY-MM-DD HH:MM[:SS]).");
  app.add_option("--clock-speed", o->clock_speed,
                 "Run the clock this many times faster than real time.")
      ->capture_default_str();
  app.footer(
      "Runs each job's `ferry score --config CONFIG --date D` when its cron expression fires.\n"
      "Exit status: 0 when stopped normally; 2 for a bad jobs file; 1 when the run history\n"
      "cannot be written.");
  return [o] {
    absl::StatusOr<batch::ScheduleFile> schedule = batch::LoadScheduleFile(o->jobs);
    if (!schedule.ok()) return ReportBatchFailure("schedule", schedule.status());
    absl::Time start = absl::InfinitePast();
    if (!o->clock_start.empty()) {
      absl::StatusOr<absl::CivilSecond> t = batch::ParseCivilTime(o->clock_start);
      if (!t.ok()) return ReportBatchFailure("schedule", t.status());
      start = absl::FromCivil(*t, absl::UTCTimeZone());
    }
    batch::Clock clock(start, o->clock_speed);
    if (o->status) {
      absl::StatusOr<std::string> text = batch::ScheduleStatus(*schedule, clock, o->last);
      if (!text.ok()) return ReportBatchFailure("schedule", text.status());
      std::cout << *text;
      return batch::kExitSuccess;
    }
    batch::SchedulerOptions options;
    options.ferry_binary = SelfPath();
    options.max_runs = o->max_runs;
    options.stop = InstallStopHandlers();
    absl::Status s = batch::RunScheduler(*schedule, clock, options);
    if (!s.ok()) return ReportBatchFailure("schedule", s);
    return batch::kExitSuccess;
  };
}

}  // namespace ferry::cli
