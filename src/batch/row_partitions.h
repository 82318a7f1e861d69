// Partitions from row values: an output.path template that names output columns, e.g.
// "out/pickup_month={lpep_pickup_datetime:%Y-%m}/zone={PULocationID}/", splits a run's rows
// into one partition per distinct value. Each partition is staged and published atomically
// with its _SUCCESS marker (publish.h) and a _FERRY_RUN file naming the job and period that
// wrote it; a partition another period wrote is never overwritten (the run fails, exit 2).
// The run's list of partitions is kept in <prefix>/_ferry_runs/<job>-<date>.partitions, where
// <prefix> is the directory part of the template before its first row key: a re-run of the
// period replaces its partitions and removes those it wrote before and no longer has rows
// for, and touches nothing else. Row partitions are for files, not tables, and not --shard.
#ifndef FERRY_BATCH_ROW_PARTITIONS_H_
#define FERRY_BATCH_ROW_PARTITIONS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "batch/output_sink.h"
#include "batch/run_period.h"
#include "core/value.h"

namespace ferry::batch {

// The text of one partition key: null -> __HIVE_DEFAULT_PARTITION__ (what Hive, Spark and
// DuckDB read as null), '/' and '\' -> '_', "." and ".." -> "_". With a format, the value
// must be a date or time text (YYYY-MM-DD[ HH:MM[:SS]]) and is formatted with it (strftime).
absl::StatusOr<std::string> PartitionValueText(const Value& value, absl::string_view column,
                                               absl::string_view format, bool has_format);

// The file listing the partitions the run of `context.period` published.
absl::StatusOr<std::string> RunManifestPath(const std::string& path_template,
                                            const std::string& job, const TemplateContext& context);

// A sink that partitions rows by the row keys of `path_template` (see above).
std::unique_ptr<OutputSink> OpenRowPartitionedSink(std::string path_template,
                                                   TemplateContext context, std::string job,
                                                   std::string file_name, std::string manifest,
                                                   const OutputConfig& config,
                                                   std::vector<OutputColumn> columns);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_ROW_PARTITIONS_H_
