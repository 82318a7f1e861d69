// Shared pieces of the batch subcommands (see batch_common.h).
#include "cli/batch_common.h"

#include <csignal>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "batch/exit_codes.h"

namespace ferry::cli {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void OnStopSignal(int) { stop_requested.store(true); }

}  // namespace

absl::StatusOr<batch::RunPeriod> ResolvePeriod(const batch::ScoreJobConfig& config,
                                               const std::string& date,
                                               const std::string& interval_start,
                                               const std::string& interval_end) {
  if (!interval_start.empty() || !interval_end.empty()) {
    if (interval_start.empty() || interval_end.empty() || !date.empty()) {
      return absl::InvalidArgumentError(
          "give --interval-start and --interval-end together, without --date");
    }
    absl::StatusOr<absl::CivilSecond> start = batch::ParseCivilTime(interval_start);
    if (!start.ok()) return start.status();
    absl::StatusOr<absl::CivilSecond> end = batch::ParseCivilTime(interval_end);
    if (!end.ok()) return end.status();
    if (*end <= *start) {
      return absl::InvalidArgumentError("--interval-end must come after --interval-start");
    }
    return batch::RunPeriod{absl::CivilDay(*start), *start, *end};
  }
  absl::CivilDay day = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  if (!date.empty()) {
    absl::StatusOr<absl::CivilDay> parsed = batch::ParseDay(date);
    if (!parsed.ok())
      return absl::InvalidArgumentError(absl::StrCat("--date: ", parsed.status().message()));
    day = *parsed;
  }
  return batch::PeriodOf(day, config.period);
}

absl::Status ParseShard(const std::string& text, int* shard, int* num_shards) {
  size_t slash = text.find('/');
  int i = -1, n = 0;
  if (slash == std::string::npos || !absl::SimpleAtoi(text.substr(0, slash), &i) ||
      !absl::SimpleAtoi(text.substr(slash + 1), &n) || n < 1 || i < 0 || i >= n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--shard '", text, "' is not I/N with 0 <= I < N (e.g. 0/4; in a Kubernetes Indexed ",
        "Job: $(JOB_COMPLETION_INDEX)/N)"));
  }
  *shard = i;
  *num_shards = n;
  return absl::OkStatus();
}

const std::atomic<bool>* InstallStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  return &stop_requested;
}

int ReportBatchFailure(std::string_view command, const absl::Status& status) {
  std::cerr << "ferry " << command << ": " << status.message() << "\n";
  return batch::ExitCodeFor(status);
}

}  // namespace ferry::cli
