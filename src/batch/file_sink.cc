// OutputSink over a staged partition directory (see output_sink.h, publish.h).
#include <filesystem>

#include "batch/output_sink.h"
#include "batch/publish.h"

namespace ferry::batch {
namespace {

class FileSink : public OutputSink {
 public:
  FileSink(StagedPartition staged, std::unique_ptr<RowWriter> writer, std::string file_name)
      : staged_(std::move(staged)), writer_(std::move(writer)), file_name_(std::move(file_name)) {}

  absl::Status Write(const RecordBatch& rows) override { return writer_->Write(rows); }

  absl::StatusOr<std::vector<std::string>> Commit() override {
    if (absl::Status s = writer_->Close(); !s.ok()) return s;
    if (absl::Status s = staged_.Publish(); !s.ok()) return s;
    return std::vector<std::string>{
        (std::filesystem::path(staged_.target()) / file_name_).string()};
  }

 private:
  StagedPartition staged_;
  std::unique_ptr<RowWriter> writer_;
  std::string file_name_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<OutputSink>> OpenFileSink(const std::string& partition,
                                                         const std::string& file_name,
                                                         const OutputConfig& config,
                                                         std::vector<OutputColumn> columns,
                                                         int shard, int num_shards) {
  absl::StatusOr<StagedPartition> staged = StagedPartition::Create(partition, shard, num_shards);
  if (!staged.ok()) return staged.status();
  absl::StatusOr<std::unique_ptr<RowWriter>> writer = OpenRowWriter(
      staged->StagingPath(file_name), config.format, std::move(columns), config.compression);
  if (!writer.ok()) return writer.status();
  return std::make_unique<FileSink>(std::move(*staged), std::move(*writer), file_name);
}

}  // namespace ferry::batch
