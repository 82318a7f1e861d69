// ScoreInParallel: slice, score on std::async threads, concatenate.
#include "stream/parallel_score.h"

#include <algorithm>
#include <future>
#include <vector>

namespace ferry::stream {
namespace {

RecordBatch Slice(const RecordBatch& input, size_t begin, size_t end) {
  RecordBatch part(end - begin);
  for (const Column& column : input.columns()) {
    part.AddColumn(column.name,
                   std::vector<Value>(column.values.begin() + begin, column.values.begin() + end));
  }
  for (size_t r = begin; r < end; ++r) {
    if (!input.ok(r)) part.SetError(r - begin, input.error(r));
  }
  return part;
}

}  // namespace

bundle::ScoredBatch ScoreInParallel(const bundle::Bundle& bundle, const RecordBatch& input,
                                    int threads, size_t min_rows_per_thread) {
  const size_t rows = input.num_rows();
  size_t parts =
      std::min<size_t>(std::max(threads, 1), rows / std::max<size_t>(min_rows_per_thread, 1));
  if (parts <= 1) return bundle.Score(input);
  std::vector<RecordBatch> slices;
  for (size_t p = 0; p < parts; ++p) {
    slices.push_back(Slice(input, rows * p / parts, rows * (p + 1) / parts));
  }
  std::vector<std::future<bundle::ScoredBatch>> others;
  for (size_t p = 1; p < parts; ++p) {
    others.push_back(
        std::async(std::launch::async, [&bundle, &slices, p] { return bundle.Score(slices[p]); }));
  }
  bundle::ScoredBatch out = bundle.Score(slices[0]);
  for (auto& other : others) {
    bundle::ScoredBatch part = other.get();
    out.num_rows += part.num_rows;
    out.fields.insert(out.fields.end(), part.fields.begin(), part.fields.end());
    out.probabilities.insert(out.probabilities.end(), part.probabilities.begin(),
                             part.probabilities.end());
    out.errors.insert(out.errors.end(), part.errors.begin(), part.errors.end());
  }
  return out;
}

}  // namespace ferry::stream
