// SQL inputs and table outputs of a scoring run, through src/store: a query whose :start and
// :end parameters are the run interval, read in chunks; and a table sink that writes every
// row of the run in one transaction (upsert on the key columns) together with the run's record
// in the run-record table (ferry_runs), which backfill consults. A shape: json table is the
// result table (store/result_rows.h), created with its layout and upserted on id.
#ifndef FERRY_BATCH_SQL_IO_H_
#define FERRY_BATCH_SQL_IO_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "batch/input_source.h"
#include "batch/job_config.h"
#include "batch/output_sink.h"
#include "batch/run_period.h"

namespace ferry::batch {

absl::StatusOr<std::unique_ptr<InputSource>> OpenSqlSource(const InputConfig& config,
                                                           const RunPeriod& period);

// Which run writes a table: recorded in the run-record table with the rows.
struct RunIdentity {
  std::string job;
  int shard = 0;
  int num_shards = 1;
};

// The run-record table, in the output table's database: one row per (job, period, shard,
// num_shards) with output_table, rows and published_at (UTC), upserted in the transaction
// that writes the run's rows, so it says "published" exactly when the rows are there.
inline constexpr char kRunsTable[] = "ferry_runs";

absl::StatusOr<std::unique_ptr<OutputSink>> OpenTableSink(const OutputConfig& config,
                                                          std::vector<OutputColumn> columns,
                                                          const RunPeriod& period,
                                                          const RunIdentity& run);

// True when the run-record table says `job` published `period` (every shard of some run).
absl::StatusOr<bool> TablePeriodPublished(const OutputConfig& config, const std::string& job,
                                          const RunPeriod& period);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_SQL_IO_H_
