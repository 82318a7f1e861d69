// One scoring run from config to published output (see score_job.h).
#include "batch/score_job.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "batch/exit_codes.h"
#include "batch/input_source.h"
#include "batch/output_rows.h"
#include "batch/output_sink.h"
#include "batch/pipeline.h"
#include "batch/progress.h"
#include "batch/publish.h"
#include "batch/row_partitions.h"
#include "batch/sql_io.h"
#include "bundle/bundle.h"
#include "io/json_writer.h"
#include "registry/repository.h"

namespace ferry::batch {
namespace {

namespace fs = std::filesystem;

TemplateContext ContextFor(const ScoreJobConfig& config, const ScoreRunOptions& options) {
  TemplateContext context;
  context.period = options.period;
  context.shard = options.shard;
  context.num_shards = options.num_shards;
  context.vars = config.vars;
  return context;
}

absl::StatusOr<std::shared_ptr<const bundle::Bundle>> LoadBundle(const ScoreJobConfig& config) {
  if (!config.bundle.empty()) {
    absl::StatusOr<std::shared_ptr<const bundle::Bundle>> b = bundle::Bundle::Load(config.bundle);
    if (!b.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bundle ", config.bundle, " does not load:\n", b.status().message()));
    }
    return b;
  }
  absl::StatusOr<std::unique_ptr<registry::Repository>> repo =
      registry::Repository::OpenDirectory(config.repository, nullptr);
  if (!repo.ok()) return absl::InvalidArgumentError(repo.status().message());
  std::shared_ptr<const registry::Snapshot> snapshot = (*repo)->snapshot();
  const registry::ServedModel* model = snapshot->FindModel(config.model_name);
  if (!model) {
    return absl::InvalidArgumentError(absl::StrCat("model repository ", config.repository,
                                                   " has no loadable model '", config.model_name,
                                                   "'"));
  }
  if (config.model_alias.empty()) return model->Latest().bundle;
  std::string version = config.model_alias;
  if (auto it = model->aliases.find(version); it != model->aliases.end()) version = it->second;
  const registry::ServedVersion* served = model->FindVersion(version);
  if (!served) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model '", config.model_name, "' has no alias or version '", config.model_alias, "'"));
  }
  return served->bundle;
}

std::string DefaultFileName(const ScoreJobConfig& config, const ScoreRunOptions& options) {
  return absl::StrFormat("part-%05d.%s", options.shard, FileFormatName(config.output.format));
}

// Default reject file: beside the partition, under _rejects/ (never inside the partition,
// which readers of the data scan), or in the config's directory for table outputs.
std::string DefaultRejectsPath(const ScoreJobConfig& config, const ScoreRunOptions& options,
                               const std::string& target) {
  std::string suffix = options.num_shards > 1 ? absl::StrCat("-shard-", options.shard) : "";
  if (config.output.table_url.empty() &&
      fs::path(target).parent_path().filename() == "_ferry_runs") {
    // Row partitions: <prefix>/_rejects/<job>-<date>.jsonl beside <prefix>/_ferry_runs/.
    return (fs::path(target).parent_path().parent_path() / "_rejects" /
            absl::StrCat(config.name, "-", absl::FormatCivilTime(options.period.date), ".jsonl"))
        .string();
  }
  if (config.output.table_url.empty()) {
    fs::path p = fs::path(target).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    return (p.parent_path() / "_rejects" / absl::StrCat(p.filename().string(), suffix, ".jsonl"))
        .string();
  }
  return (fs::path(config.dir) / "rejects" /
          absl::StrCat(config.name, "-", absl::FormatCivilTime(options.period.date), suffix,
                       ".jsonl"))
      .string();
}

// The output columns named in output.path (partitions from row values, row_partitions.h);
// empty when the partition comes from the period alone. Fails for a name that is neither a
// template variable nor an output column, and for row partitions of a table or a shard.
absl::StatusOr<std::vector<std::string>> RowPartitionKeys(const ScoreJobConfig& config,
                                                          const ScoreRunOptions& options,
                                                          const OutputLayout& layout) {
  if (!config.output.table_url.empty()) return std::vector<std::string>{};
  std::vector<std::string> keys = RowKeysOf(config.output.path, ContextFor(config, options));
  std::vector<std::string> names;
  for (const OutputColumn& c : layout.columns()) names.push_back(c.name);
  for (const std::string& key : keys) {
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "output.path: unknown template variable '{", key, "}' in '", config.output.path,
          "' (known: date, year, month, day, prev_day, next_day, prev_month, next_month, start, "
          "end, shard, num_shards, your vars), and no output column has that name (columns: ",
          absl::StrJoin(names, ", "), ")"));
    }
  }
  if (!keys.empty() && options.num_shards > 1) {
    return absl::InvalidArgumentError(
        "--shard cannot be combined with partitions from row values in output.path (each "
        "shard would replace the others' rows of a partition); run unsharded");
  }
  return keys;
}

void Fail(RunSummary* summary, const absl::Status& status, const std::atomic<bool>* stop) {
  summary->exit_code = ExitCodeFor(status);
  summary->status = (stop && stop->load()) ? "interrupted" : "failed";
  summary->error = std::string(status.message());
}

bool OverThreshold(const RejectsConfig& r, int64_t rejected, int64_t read) {
  if (r.max_rows && rejected > *r.max_rows) return true;
  if (r.max_fraction && read > 0 && static_cast<double>(rejected) / read > *r.max_fraction)
    return true;
  return false;
}

}  // namespace

std::string RunSummary::ToJson() const {
  std::string out;
  io::JsonWriter w(&out);
  w.BeginObject().Key("job").String(job).Key("date").String(date).Key("status").String(status);
  w.Key("exit_code").Int(exit_code);
  if (!error.empty()) w.Key("error").String(error);
  w.Key("rows_read").Int(rows_read).Key("rows_scored").Int(rows_scored);
  w.Key("rows_rejected").Int(rows_rejected).Key("rows_written").Int(rows_written);
  w.Key("seconds").Double(seconds);
  w.Key("inputs").BeginArray();
  for (const std::string& s : inputs) w.String(s);
  w.EndArray().Key("outputs").BeginArray();
  for (const std::string& s : outputs) w.String(s);
  w.EndArray();
  if (!rejects_path.empty()) w.Key("rejects").String(rejects_path);
  w.EndObject();
  return out;
}

absl::StatusOr<std::string> OutputTarget(const ScoreJobConfig& config,
                                         const ScoreRunOptions& options) {
  if (!config.output.table_url.empty()) {
    return absl::StrCat(config.output.table_url, "#", config.output.table);
  }
  const TemplateContext context = ContextFor(config, options);
  if (!RowKeysOf(config.output.path, context).empty()) {
    return RunManifestPath(config.output.path, config.name, context);
  }
  return ExpandTemplate(config.output.path, context, "output.path");
}

bool IsPeriodPublished(const ScoreJobConfig& config, const ScoreRunOptions& options) {
  absl::StatusOr<std::string> target = OutputTarget(config, options);
  if (!target.ok()) return false;
  if (!config.output.table_url.empty()) {
    absl::StatusOr<bool> published =
        TablePeriodPublished(config.output, config.name, options.period);
    return published.ok() && *published;  // unreachable database: run, and let the run say why
  }
  std::error_code ec;
  if (!RowKeysOf(config.output.path, ContextFor(config, options)).empty()) {
    return fs::is_regular_file(*target, ec);  // the run's list of partitions
  }
  return IsPublished(*target);
}

RunSummary RunScoreJob(const ScoreJobConfig& config, const ScoreRunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  RunSummary summary;
  summary.job = config.name;
  summary.date = absl::FormatCivilTime(options.period.date);
  auto finish = [&]() -> RunSummary {
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return summary;
  };
  auto fail = [&](const absl::Status& status) -> RunSummary {
    Fail(&summary, status, nullptr);
    return finish();
  };
  const TemplateContext context = ContextFor(config, options);

  // Input.
  std::unique_ptr<InputSource> source;
  if (config.input.sql_url.empty()) {
    std::vector<std::string> patterns;
    for (const std::string& p : config.input.paths) {
      absl::StatusOr<std::string> expanded = ExpandTemplate(p, context, "input.paths");
      if (!expanded.ok()) return fail(expanded.status());
      patterns.push_back(*expanded);
    }
    absl::StatusOr<std::vector<std::string>> files = ExpandPatterns(patterns);
    if (!files.ok() && absl::IsNotFound(files.status())) {
      summary.inputs = patterns;
      if (config.input.skip_if_missing) {
        summary.status = "nothing_to_do";
        summary.exit_code = kExitNothingToDo;
        summary.error = std::string(files.status().message());
        return finish();
      }
      // The upstream job may simply be late: a retry may find the file.
      Fail(&summary, absl::UnavailableError(files.status().message()), nullptr);
      return finish();
    }
    if (!files.ok()) return fail(files.status());
    summary.inputs = *files;
    absl::StatusOr<std::unique_ptr<InputSource>> opened =
        OpenFileSource(*files, config.input.format, config.input.chunk_rows);
    if (!opened.ok()) return fail(opened.status());
    source = std::move(*opened);
  } else {
    absl::StatusOr<std::unique_ptr<InputSource>> opened =
        OpenSqlSource(config.input, options.period);
    if (!opened.ok()) return fail(opened.status());
    source = std::move(*opened);
    summary.inputs = source->sources();
  }

  // Model and output layout.
  absl::StatusOr<std::shared_ptr<const bundle::Bundle>> bundle = LoadBundle(config);
  if (!bundle.ok()) return fail(bundle.status());
  absl::StatusOr<OutputLayout> layout = OutputLayout::Make(config.columns, **bundle, config.output);
  if (!layout.ok()) return fail(layout.status());

  // Output sink and reject file (both discarded unless the run completes).
  absl::StatusOr<std::vector<std::string>> row_keys = RowPartitionKeys(config, options, *layout);
  if (!row_keys.ok()) return fail(row_keys.status());
  absl::StatusOr<std::string> target = OutputTarget(config, options);
  if (!target.ok()) return fail(target.status());
  absl::StatusOr<std::unique_ptr<OutputSink>> sink;
  if (!row_keys->empty()) {
    std::string file_name = config.output.file_name.empty() ? DefaultFileName(config, options)
                                                            : config.output.file_name;
    absl::StatusOr<std::string> name = ExpandTemplate(file_name, context, "output.file_name");
    if (!name.ok()) return fail(name.status());
    sink = OpenRowPartitionedSink(config.output.path, context, config.name, *name, *target,
                                  config.output, layout->columns());
  } else if (config.output.table_url.empty()) {
    std::string file_name = config.output.file_name.empty() ? DefaultFileName(config, options)
                                                            : config.output.file_name;
    absl::StatusOr<std::string> name = ExpandTemplate(file_name, context, "output.file_name");
    if (!name.ok()) return fail(name.status());
    sink = OpenFileSink(*target, *name, config.output, layout->columns(), options.shard,
                        options.num_shards);
  } else if (options.num_shards > 1 && config.output.key.empty()) {
    return fail(absl::InvalidArgumentError(
        "sharded runs into a table need output.table.key (without a key each shard would "
        "replace the whole date partition)"));
  } else {
    sink = OpenTableSink(config.output, layout->columns(), options.period,
                         {config.name, options.shard, options.num_shards});
  }
  if (!sink.ok()) return fail(sink.status());
  std::string rejects_path = config.rejects.path.empty()
                                 ? DefaultRejectsPath(config, options, *target)
                                 : config.rejects.path;
  absl::StatusOr<std::string> expanded_rejects =
      ExpandTemplate(rejects_path, context, "rejects.path");
  if (!expanded_rejects.ok()) return fail(expanded_rejects.status());
  rejects_path = *expanded_rejects;
  const std::string rejects_temp = absl::StrCat(rejects_path, ".ferry-tmp-", getpid());
  std::unique_ptr<SyncedFile> rejects;

  int threads = options.threads > 0 ? options.threads : config.threads;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  PipelineOptions pipeline_options{threads, options.shard, options.num_shards, options.stop};
  ProgressBar bar(options.progress);
  PipelineCounts counts;
  absl::Status status = RunPipeline(
      *source, **bundle, *layout, pipeline_options,
      [&](BuiltRows& rows) -> absl::Status {
        if (!rows.rejects.empty()) {
          if (!rejects) {
            std::error_code ec;
            fs::create_directories(fs::path(rejects_path).parent_path(), ec);
            absl::StatusOr<std::unique_ptr<SyncedFile>> f = SyncedFile::Create(rejects_temp);
            if (!f.ok()) return f.status();
            rejects = std::move(*f);
          }
          if (absl::Status s = rejects->Append(rows.rejects); !s.ok()) return s;
        }
        return (*sink)->Write(rows.rows);
      },
      [&](const PipelineCounts& c) {
        bar.Update(c.rows_written + c.rows_rejected, source->Progress());
      },
      &counts);
  bar.Finish();
  summary.rows_read = counts.rows_read;
  summary.rows_rejected = counts.rows_rejected;
  summary.rows_scored = counts.rows_written;
  auto drop_rejects = [&] {
    rejects.reset();
    std::error_code ec;
    fs::remove(rejects_temp, ec);
  };
  if (!status.ok()) {
    drop_rejects();
    Fail(&summary, status, options.stop);
    return finish();
  }
  const bool over = OverThreshold(config.rejects, counts.rows_rejected, counts.rows_read);
  if (rejects) {
    absl::Status s = rejects->Close();
    if (s.ok()) s = MoveFileAtomically(rejects_temp, rejects_path);
    if (!s.ok()) {
      drop_rejects();
      return fail(s);
    }
    summary.rejects_path = rejects_path;
  }
  if (over && !config.rejects.publish_over_threshold) {
    summary.status = "too_many_rejects";
    summary.exit_code = kExitTooManyRejects;
    summary.error = absl::StrCat(counts.rows_rejected, " of ", counts.rows_read,
                                 " rows were rejected, above the threshold; nothing was "
                                 "published (see ",
                                 rejects_path, ")");
    return finish();
  }
  absl::StatusOr<std::vector<std::string>> published = (*sink)->Commit();
  if (!published.ok()) return fail(published.status());
  if (!rejects) {
    std::error_code ec;
    fs::remove(rejects_path, ec);  // a re-run without rejects clears the previous run's
  }
  summary.outputs = *published;
  summary.rows_written = counts.rows_written;
  if (over) {
    summary.status = "too_many_rejects";
    summary.exit_code = kExitTooManyRejects;
    summary.error =
        absl::StrCat(counts.rows_rejected, " of ", counts.rows_read,
                     " rows were rejected, above the threshold (see ", rejects_path, ")");
  }
  return finish();
}

}  // namespace ferry::batch
