// ScoreJobConfig: the YAML file of a batch scoring job (`ferry score --config FILE`; every
// key is documented in docs/batch.md). Parsing checks keys and types and reports every
// problem with its line; relative paths are resolved against the config file's directory.
// Templates (paths, SQL parameters) are kept as written and expanded per run (run_period.h).
#ifndef FERRY_BATCH_JOB_CONFIG_H_
#define FERRY_BATCH_JOB_CONFIG_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "batch/run_period.h"

namespace ferry::batch {

enum class FileFormat { kAuto, kCsv, kJsonl, kParquet };

struct InputConfig {
  std::vector<std::string> paths;  // templates; globs allowed after expansion
  FileFormat format = FileFormat::kAuto;
  bool skip_if_missing = false;  // absent input -> exit 99 instead of a failure
  // SQL input instead of files: a database URL (sqlite:///path, postgresql://...) and a
  // query that may use :start and :end (the run interval, "YYYY-MM-DD HH:MM:SS").
  std::string sql_url;
  std::string sql_query;
  // Rows per chunk: the scorers walk the model once per chunk, so larger chunks amortize
  // bringing its trees into cache (1M rides: 256 rows cost 1.4x the CPU of 4096); memory
  // grows with chunk_rows x row width x chunks in flight (2 x threads + 2).
  size_t chunk_rows = 4096;
};

struct OutputConfig {
  // Files: a directory template, the partition (e.g. out/year={year}/month={month}/).
  std::string path;
  FileFormat format = FileFormat::kParquet;
  std::string file_name;               // default part-{shard}.<ext>
  std::string compression = "snappy";  // Parquet codec
  // Table instead of files: database URL, table name, key columns for the upsert.
  std::string table_url;
  std::string table;
  std::vector<std::string> key;
  // Without a key: the column holding the run date; a re-run deletes the rows of its date
  // and inserts the new ones, in one transaction.
  std::string partition_column = "run_date";
  // "columns" (one column per output) or "json": the result table of the async API
  // (store/result_rows.h), one row per row id with its output event, keyed on `id`.
  std::string shape = "columns";
  // json shape: the input column holding when each request was received ("" = none).
  std::string received_at_column;
};

struct ColumnsConfig {
  std::vector<std::string> passthrough;         // input columns copied as they are
  std::vector<std::string> outputs;             // bundle outputs to keep; empty = all of them
  std::string model_version = "model_version";  // "" = not added
  std::string row_id = "row_id";                // "" = none; kept from input when present
  std::string label;                            // input column with the true value
  std::string difference = "difference";        // name of label - prediction
};

struct RejectsConfig {
  std::string path;                 // template; default beside the partition (docs/batch.md)
  std::optional<int64_t> max_rows;  // more rejected rows than this -> exit 3
  std::optional<double> max_fraction;
  bool publish_over_threshold = false;
};

struct ScoreJobConfig {
  std::string file;        // the config file
  std::string dir;         // its directory (relative paths start there)
  std::string name;        // job name, for summaries and the scheduler
  std::string bundle;      // bundle directory
  std::string repository;  // or a model repository + model name + alias/version
  std::string model_name;
  std::string model_alias;
  PeriodUnit period = PeriodUnit::kDay;
  std::map<std::string, std::string> vars;
  InputConfig input;
  OutputConfig output;
  ColumnsConfig columns;
  RejectsConfig rejects;
  int threads = 0;  // scorer threads; 0 = one per core
};

// Reads and checks the config. InvalidArgument with every problem (one per line,
// "job.yaml:12:3: ...") when it is not usable; NotFound when the file does not exist.
absl::StatusOr<ScoreJobConfig> LoadScoreJobConfig(const std::string& path);

// "csv", "jsonl" (or "json", "ndjson"), "parquet", "auto".
absl::StatusOr<FileFormat> ParseFileFormat(absl::string_view text);
absl::string_view FileFormatName(FileFormat format);
// The format a path's extension implies, kAuto when none does.
FileFormat FileFormatFromPath(absl::string_view path);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_JOB_CONFIG_H_
