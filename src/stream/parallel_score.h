// ScoreInParallel: Bundle::Score over slices of a batch on several threads (Score is const and
// thread-safe), concatenated back in row order. The result equals Score(input) row for row.
#ifndef FERRY_STREAM_PARALLEL_SCORE_H_
#define FERRY_STREAM_PARALLEL_SCORE_H_

#include "bundle/bundle.h"
#include "core/record_batch.h"

namespace ferry::stream {

// Uses up to `threads` threads (the caller's included), at least `min_rows_per_thread` rows
// each; a small batch is scored on the caller's thread alone. Each slice pays the model's
// fixed cost once (a forest larger than L2 is brought into cache per call, about 160 us for
// ride_duration's), so small slices cost more CPU than they save in time.
bundle::ScoredBatch ScoreInParallel(const bundle::Bundle& bundle, const RecordBatch& input,
                                    int threads, size_t min_rows_per_thread = 256);

}  // namespace ferry::stream

#endif  // FERRY_STREAM_PARALLEL_SCORE_H_
