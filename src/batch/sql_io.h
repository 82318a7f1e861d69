// SQL inputs and table outputs of a scoring run, through src/store: a query whose :start and
// :end parameters are the run interval, read in chunks; and a table sink that writes every
// row of the run in one transaction (upsert on the key columns).
#ifndef FERRY_BATCH_SQL_IO_H_
#define FERRY_BATCH_SQL_IO_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "batch/input_source.h"
#include "batch/job_config.h"
#include "batch/output_sink.h"
#include "batch/run_period.h"

namespace ferry::batch {

absl::StatusOr<std::unique_ptr<InputSource>> OpenSqlSource(const InputConfig& config,
                                                           const RunPeriod& period);

absl::StatusOr<std::unique_ptr<OutputSink>> OpenTableSink(const OutputConfig& config,
                                                          std::vector<OutputColumn> columns,
                                                          const RunPeriod& period);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_SQL_IO_H_
