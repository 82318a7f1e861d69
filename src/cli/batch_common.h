// Pieces the batch subcommands (score, backfill, schedule) share: their exit-status help,
// run-period and shard options, SIGTERM/SIGINT handling, and failure reports with the batch
// exit codes (src/batch/exit_codes.h).
#ifndef FERRY_CLI_BATCH_COMMON_H_
#define FERRY_CLI_BATCH_COMMON_H_

#include <atomic>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "batch/job_config.h"
#include "batch/run_period.h"

namespace ferry::cli {

inline constexpr std::string_view kBatchExitStatusHelp =
    "Exit status: 0 success; 99 nothing to do (input absent and configured skippable);\n"
    "3 more rejected rows than the threshold; 2 bad configuration or input (retrying will not\n"
    "help); 1 a failure a retry may fix (I/O, database unavailable, input not there yet).";

// The run period from --date or --interval-start/--interval-end (default: today in UTC, as
// the config's period unit, day or month).
absl::StatusOr<batch::RunPeriod> ResolvePeriod(const batch::ScoreJobConfig& config,
                                               const std::string& date,
                                               const std::string& interval_start,
                                               const std::string& interval_end);

// Parses "I/N" with 0 <= I < N.
absl::Status ParseShard(const std::string& text, int* shard, int* num_shards);

// Installs SIGTERM and SIGINT handlers that set the returned flag (idempotent).
const std::atomic<bool>* InstallStopHandlers();

// Prints "ferry <command>: <message>" and returns the exit code for `status`.
int ReportBatchFailure(std::string_view command, const absl::Status& status);

}  // namespace ferry::cli

#endif  // FERRY_CLI_BATCH_COMMON_H_
