#include "cli/predict_runner.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace ferry::cli {
namespace {

// Scores one chunk, checking that the scorer answered for every row.
absl::Status ScoreChunk(const Scorer& scorer, const io::RecordChunk& chunk,
                        model::Predictions* out) {
  *out = scorer.score(chunk.batch);
  size_t rows = chunk.batch.num_rows();
  if (out->num_rows != rows || out->errors.size() != rows ||
      out->values.size() != rows * static_cast<size_t>(out->width)) {
    return absl::InternalError(
        absl::StrCat("the scorer returned ", out->num_rows, " predictions for ", rows, " records"));
  }
  if (scorer.task == model::Task::kClassification) {
    if (out->label.size() != rows || out->width != static_cast<int32_t>(scorer.classes.size())) {
      return absl::InternalError("the scorer returned labels that do not match its classes");
    }
    for (size_t r = 0; r < rows; ++r) {
      if (out->errors[r].empty() &&
          (out->label[r] < 0 || out->label[r] >= static_cast<int32_t>(scorer.classes.size()))) {
        return absl::InternalError(absl::StrCat("the scorer returned label index ", out->label[r],
                                                " for record ", chunk.first_record + r));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PredictCounts> RunPredictions(const Scorer& scorer, const PredictionWriter& writer,
                                             io::RecordReader& reader, io::OutputFile& output,
                                             int threads) {
  if (threads < 1) threads = 1;
  std::vector<io::RecordChunk> chunks(threads);
  std::vector<model::Predictions> predictions(threads);
  std::vector<absl::Status> statuses(threads);
  std::string text;
  PredictCounts counts;
  bool done = false;
  while (!done) {
    int filled = 0;
    while (filled < threads) {
      auto more = reader.Next(&chunks[filled]);
      if (!more.ok()) return more.status();
      if (!*more) {
        done = true;
        break;
      }
      ++filled;
    }
    if (filled == 0) break;
    std::vector<std::thread> workers;
    for (int i = 1; i < filled; ++i) {
      workers.emplace_back(
          [&, i] { statuses[i] = ScoreChunk(scorer, chunks[i], &predictions[i]); });
    }
    statuses[0] = ScoreChunk(scorer, chunks[0], &predictions[0]);
    for (auto& worker : workers) worker.join();
    for (int i = 0; i < filled; ++i) {
      if (!statuses[i].ok()) return statuses[i];
      text.clear();
      const io::RecordChunk& chunk = chunks[i];
      counts.failed += writer.Append(chunk.batch, predictions[i], chunk.first_record, &text);
      counts.rows += static_cast<int64_t>(chunk.batch.num_rows());
      absl::Status written = output.Write(text);
      if (!written.ok()) return written;
    }
  }
  return counts;
}

}  // namespace ferry::cli
