// OutputSink: where a run's rows go until it publishes them: a partition of files
// (OpenFileSink: staging directory, one file per run or shard, publish by rename) or a
// database table (table_sink.h: one transaction). Dropping a sink without Commit discards
// everything it received, so a failed or interrupted run publishes nothing.
#ifndef FERRY_BATCH_OUTPUT_SINK_H_
#define FERRY_BATCH_OUTPUT_SINK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "batch/job_config.h"
#include "batch/row_writer.h"
#include "core/record_batch.h"

namespace ferry::batch {

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual absl::Status Write(const RecordBatch& rows) = 0;
  // Publishes what was written; returns what readers now see (files, tables).
  virtual absl::StatusOr<std::vector<std::string>> Commit() = 0;
};

// Files under the partition directory `partition`: <file_name> in `format`.
absl::StatusOr<std::unique_ptr<OutputSink>> OpenFileSink(const std::string& partition,
                                                         const std::string& file_name,
                                                         const OutputConfig& config,
                                                         std::vector<OutputColumn> columns,
                                                         int shard, int num_shards);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_OUTPUT_SINK_H_
