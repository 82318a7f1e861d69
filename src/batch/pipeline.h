// RunPipeline: the streaming core of a scoring run. One reader thread pulls chunks from the
// InputSource (keeping only this shard's rows), `threads` scorer threads score them with the
// shared Bundle and build output rows, and the calling thread hands the results to `write`
// strictly in input order. At most 2 * threads + 2 chunks are in flight, so memory does not
// grow with the input. The first error (from any stage) or *stop ends the run early.
#ifndef FERRY_BATCH_PIPELINE_H_
#define FERRY_BATCH_PIPELINE_H_

#include <atomic>
#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "batch/input_source.h"
#include "batch/output_rows.h"
#include "bundle/bundle.h"

namespace ferry::batch {

struct PipelineOptions {
  int threads = 1;  // scorer threads (at least 1)
  int shard = 0;    // keep records whose 0-based number % num_shards == shard
  int num_shards = 1;
  const std::atomic<bool>* stop = nullptr;
};

struct PipelineCounts {
  int64_t rows_read = 0;  // records of this shard read from the input
  int64_t rows_rejected = 0;
  int64_t rows_written = 0;  // rows handed to `write`
};

// Runs the pipeline. `write` is called on the calling thread, in input order; an error it
// returns stops the run. `progress` (optional) is called after each chunk is written.
// Returns Cancelled when *stop was set.
absl::Status RunPipeline(InputSource& source, const bundle::Bundle& bundle,
                         const OutputLayout& layout, const PipelineOptions& options,
                         const std::function<absl::Status(BuiltRows&)>& write,
                         const std::function<void(const PipelineCounts&)>& progress,
                         PipelineCounts* counts);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_PIPELINE_H_
