#include "batch/row_partitions.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "batch/publish.h"

namespace ferry::batch {
namespace {

namespace fs = std::filesystem;

constexpr char kRunFile[] = "_FERRY_RUN";
constexpr size_t kMaxPartitions = 10000;

std::string ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The rows of `batch` at `rows`, same columns.
RecordBatch Subset(const RecordBatch& batch, const std::vector<size_t>& rows) {
  RecordBatch out(rows.size());
  for (const Column& column : batch.columns()) {
    std::vector<Value> values;
    values.reserve(rows.size());
    for (size_t r : rows) values.push_back(column.values[r]);
    out.AddColumn(column.name, std::move(values));
  }
  return out;
}

class RowPartitionedSink : public OutputSink {
 public:
  RowPartitionedSink(std::string path_template, TemplateContext context, std::string job,
                     std::string file_name, std::string manifest, const OutputConfig& config,
                     std::vector<OutputColumn> columns)
      : path_template_(std::move(path_template)),
        context_(std::move(context)),
        owner_(absl::StrCat(job, " ", absl::FormatCivilTime(context_.period.date), "\n")),
        file_name_(std::move(file_name)),
        manifest_(std::move(manifest)),
        config_(config),
        columns_(std::move(columns)) {}

  absl::Status Write(const RecordBatch& rows) override {
    std::map<std::string, std::vector<size_t>> groups;
    TemplateContext context = context_;
    context.row_batch = &rows;
    for (size_t r = 0; r < rows.num_rows(); ++r) {
      context.row = r;
      absl::StatusOr<std::string> target = ExpandTemplate(path_template_, context, "output.path");
      if (!target.ok()) return target.status();
      fs::path partition = fs::path(*target).lexically_normal();
      if (partition.filename().empty()) partition = partition.parent_path();  // "a/b/" -> "a/b"
      groups[partition.string()].push_back(r);
    }
    for (auto& [target, indices] : groups) {
      absl::StatusOr<Part*> part = PartFor(target);
      if (!part.ok()) return part.status();
      if (absl::Status s = (*part)->writer->Write(Subset(rows, indices)); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> Commit() override {
    for (auto& [target, part] : parts_) {  // refuse before publishing anything
      if (absl::Status s = CheckOwner(target); !s.ok()) return s;
    }
    std::vector<std::string> files;
    for (auto& [target, part] : parts_) {
      if (absl::Status s = part->writer->Close(); !s.ok()) return s;
      if (absl::Status s = part->staged.Publish(); !s.ok()) return s;
      files.push_back((fs::path(target) / file_name_).string());
    }
    // Partitions this period published before and has no rows for now.
    for (absl::string_view old : absl::StrSplit(ReadWhole(manifest_), '\n', absl::SkipEmpty())) {
      std::string target(old);
      if (parts_.count(target) || ReadWhole(fs::path(target) / kRunFile) != owner_) continue;
      std::error_code ec;
      fs::path doomed = fs::path(target).parent_path() /
                        absl::StrCat(".", fs::path(target).filename().string(), ".ferry-old");
      fs::remove_all(doomed, ec);
      fs::rename(target, doomed, ec);
      if (!ec) fs::remove_all(doomed, ec);
    }
    std::string listing;
    for (auto& [target, part] : parts_) absl::StrAppend(&listing, target, "\n");
    std::error_code ec;
    fs::create_directories(fs::path(manifest_).parent_path(), ec);
    if (absl::Status s = WriteFileAtomically(manifest_, listing); !s.ok()) return s;
    return files;
  }

 private:
  struct Part {
    StagedPartition staged;
    std::unique_ptr<RowWriter> writer;
  };

  absl::StatusOr<Part*> PartFor(const std::string& target) {
    auto it = parts_.find(target);
    if (it != parts_.end()) return it->second.get();
    if (parts_.size() >= kMaxPartitions) {
      return absl::InvalidArgumentError(absl::StrCat(
          "output.path '", path_template_, "' splits the run into more than ", kMaxPartitions,
          " partitions; partition by a column with fewer distinct values"));
    }
    absl::StatusOr<StagedPartition> staged = StagedPartition::Create(target, 0, 1);
    if (!staged.ok()) return staged.status();
    if (absl::Status s = WriteFileAtomically(staged->StagingPath(kRunFile), owner_); !s.ok()) {
      return s;
    }
    absl::StatusOr<std::unique_ptr<RowWriter>> writer = OpenRowWriter(
        staged->StagingPath(file_name_), config_.format, columns_, config_.compression);
    if (!writer.ok()) return writer.status();
    auto part = std::make_unique<Part>(Part{std::move(*staged), std::move(*writer)});
    Part* raw = part.get();
    parts_.emplace(target, std::move(part));
    return raw;
  }

  absl::Status CheckOwner(const std::string& target) const {
    std::error_code ec;
    if (!fs::exists(fs::path(target) / kRunFile, ec)) return absl::OkStatus();
    std::string owner = ReadWhole(fs::path(target) / kRunFile);
    if (owner == owner_) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "partition ", target, " was written by the run '",
        absl::StripTrailingAsciiWhitespace(owner),
        "', not by this period's; a partition from row values must belong to one period: add a "
        "period variable ({date}, {month}) to output.path, or partition by values at least as "
        "fine as the period (nothing was published)"));
  }

  const std::string path_template_;
  const TemplateContext context_;
  const std::string owner_;  // the _FERRY_RUN text: "<job> <date>\n"
  const std::string file_name_;
  const std::string manifest_;
  const OutputConfig config_;
  const std::vector<OutputColumn> columns_;
  std::map<std::string, std::unique_ptr<Part>> parts_;
};

}  // namespace

absl::StatusOr<std::string> PartitionValueText(const Value& value, absl::string_view column,
                                               absl::string_view format, bool has_format) {
  if (value.is_null()) return std::string("__HIVE_DEFAULT_PARTITION__");
  std::string text = value.ToString();
  if (has_format) {
    std::string civil = text.substr(0, 19);
    for (char& c : civil) c = c == 'T' ? ' ' : c;
    absl::StatusOr<absl::CivilSecond> t = ParseCivilTime(civil);
    if (!t.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "output.path: {", column, ":", format, "}: the value '", text.substr(0, 60),
          "' is not a date or time (YYYY-MM-DD[ HH:MM[:SS]]); drop the format to use the value "
          "as it is"));
    }
    text = absl::FormatTime(std::string(format), absl::FromCivil(*t, absl::UTCTimeZone()),
                            absl::UTCTimeZone());
  }
  for (char& c : text) {
    if (c == '/' || c == '\\' || c == '\0') c = '_';
  }
  if (text.empty() || text == "." || text == "..") text = "_";
  return text;
}

absl::StatusOr<std::string> RunManifestPath(const std::string& path_template,
                                            const std::string& job,
                                            const TemplateContext& context) {
  std::vector<std::string> keys = RowKeysOf(path_template, context);
  size_t first = path_template.size();
  for (const std::string& key : keys) {
    for (const char* close : {"}", ":"}) {
      size_t at = path_template.find(absl::StrCat("{", key, close));
      if (at != std::string::npos) first = std::min(first, at);
    }
  }
  size_t slash = path_template.rfind('/', first);
  std::string prefix = slash == std::string::npos ? "." : path_template.substr(0, slash);
  absl::StatusOr<std::string> expanded = ExpandTemplate(prefix, context, "output.path");
  if (!expanded.ok()) return expanded.status();
  return (fs::path(*expanded) / "_ferry_runs" /
          absl::StrCat(job, "-", absl::FormatCivilTime(context.period.date), ".partitions"))
      .string();
}

std::unique_ptr<OutputSink> OpenRowPartitionedSink(std::string path_template,
                                                   TemplateContext context, std::string job,
                                                   std::string file_name, std::string manifest,
                                                   const OutputConfig& config,
                                                   std::vector<OutputColumn> columns) {
  return std::make_unique<RowPartitionedSink>(std::move(path_template), std::move(context),
                                              std::move(job), std::move(file_name),
                                              std::move(manifest), config, std::move(columns));
}

}  // namespace ferry::batch
