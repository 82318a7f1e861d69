// Reader thread, scorer threads and an ordered writer (see pipeline.h).
#include "batch/pipeline.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace ferry::batch {
namespace {

// Keeps the rows of `chunk` whose record number (counted from `*next_record`) falls to this
// shard.
void KeepShard(SourceChunk* chunk, int shard, int num_shards, int64_t* next_record) {
  const size_t n = chunk->batch.num_rows();
  std::vector<size_t> keep;
  for (size_t r = 0; r < n; ++r) {
    if ((*next_record + static_cast<int64_t>(r)) % num_shards == shard) keep.push_back(r);
  }
  *next_record += static_cast<int64_t>(n);
  RecordBatch kept(keep.size());
  for (const Column& c : chunk->batch.columns()) {
    std::vector<Value> values;
    values.reserve(keep.size());
    for (size_t r : keep) values.push_back(c.values[r]);
    kept.AddColumn(c.name, std::move(values));
  }
  std::vector<int64_t> positions;
  for (size_t i = 0; i < keep.size(); ++i) {
    if (!chunk->batch.ok(keep[i])) kept.SetError(i, chunk->batch.error(keep[i]));
    positions.push_back(keep[i] < chunk->positions.size() ? chunk->positions[keep[i]] : 0);
  }
  chunk->batch = std::move(kept);
  chunk->positions = std::move(positions);
}

class Pipeline {
 public:
  Pipeline(InputSource& source, const bundle::Bundle& bundle, const OutputLayout& layout,
           const PipelineOptions& options)
      : source_(source),
        bundle_(bundle),
        layout_(layout),
        options_(options),
        max_in_flight_(2 * static_cast<size_t>(options.threads) + 2) {}

  absl::Status Run(const std::function<absl::Status(BuiltRows&)>& write,
                   const std::function<void(const PipelineCounts&)>& progress,
                   PipelineCounts* counts) {
    std::thread reader([this] { ReadLoop(); });
    std::vector<std::thread> scorers;
    for (int i = 0; i < options_.threads; ++i) scorers.emplace_back([this] { ScoreLoop(); });
    int64_t next = 0;
    while (true) {
      BuiltRows rows;
      {
        std::unique_lock<std::mutex> lock(mu_);
        // Wakes up now and then to notice *stop, which a signal handler sets without notifying.
        while (!(!error_.ok() || done_.count(next) || (reading_done_ && next == chunks_read_) ||
                 Stopped())) {
          cv_.wait_for(lock, std::chrono::milliseconds(100));
        }
        if (!error_.ok() || Stopped()) break;
        if (reading_done_ && next == chunks_read_ && !done_.count(next)) break;
        rows = std::move(done_[next]);
        done_.erase(next);
      }
      counts->rows_rejected += rows.rejected;
      counts->rows_written += static_cast<int64_t>(rows.rows.num_rows());
      absl::Status s = write(rows);
      {
        std::lock_guard<std::mutex> lock(mu_);
        --in_flight_;
        if (!s.ok() && error_.ok()) error_ = s;
        counts->rows_read = rows_read_;
      }
      cv_.notify_all();
      if (!s.ok()) break;
      ++next;
      if (progress) progress(*counts);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished_ = true;
      counts->rows_read = rows_read_;
    }
    cv_.notify_all();
    reader.join();
    for (std::thread& t : scorers) t.join();
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_.ok()) return error_;
    if (Stopped()) return absl::CancelledError("stopped by a signal before the end of the input");
    return absl::OkStatus();
  }

 private:
  bool Stopped() const { return options_.stop && options_.stop->load(std::memory_order_relaxed); }

  void ReadLoop() {
    int64_t seq = 0, next_record = 0;
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return in_flight_ < max_in_flight_ || finished_ || !error_.ok(); });
        if (finished_ || !error_.ok() || Stopped()) break;
      }
      SourceChunk chunk;
      absl::StatusOr<bool> more = source_.Next(&chunk);
      std::lock_guard<std::mutex> lock(mu_);
      if (!more.ok()) {
        if (error_.ok()) error_ = more.status();
        break;
      }
      if (!*more) break;
      if (options_.num_shards > 1) {
        KeepShard(&chunk, options_.shard, options_.num_shards, &next_record);
      }
      rows_read_ += static_cast<int64_t>(chunk.batch.num_rows());
      queue_.push_back({seq++, std::move(chunk)});
      ++in_flight_;
      chunks_read_ = seq;
      cv_.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu_);
    reading_done_ = true;
    chunks_read_ = seq;
    cv_.notify_all();
  }

  void ScoreLoop() {
    while (true) {
      std::pair<int64_t, SourceChunk> work;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty() || reading_done_ || finished_; });
        if (queue_.empty() || finished_) return;
        work = std::move(queue_.front());
        queue_.pop_front();
      }
      bundle::ScoredBatch scored = bundle_.Score(work.second.batch);
      BuiltRows rows = layout_.Build(work.second, scored, source_.sources());
      {
        std::lock_guard<std::mutex> lock(mu_);
        done_[work.first] = std::move(rows);
      }
      cv_.notify_all();
    }
  }

  InputSource& source_;
  const bundle::Bundle& bundle_;
  const OutputLayout& layout_;
  PipelineOptions options_;
  const size_t max_in_flight_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<int64_t, SourceChunk>> queue_;
  std::map<int64_t, BuiltRows> done_;
  size_t in_flight_ = 0;  // read but not yet written
  int64_t chunks_read_ = 0;
  int64_t rows_read_ = 0;
  bool reading_done_ = false;
  bool finished_ = false;  // the writer stopped
  absl::Status error_;
};

}  // namespace

absl::Status RunPipeline(InputSource& source, const bundle::Bundle& bundle,
                         const OutputLayout& layout, const PipelineOptions& options,
                         const std::function<absl::Status(BuiltRows&)>& write,
                         const std::function<void(const PipelineCounts&)>& progress,
                         PipelineCounts* counts) {
  PipelineOptions o = options;
  if (o.threads < 1) o.threads = 1;
  if (o.num_shards < 1) o.num_shards = 1;
  Pipeline pipeline(source, bundle, layout, o);
  return pipeline.Run(write, progress, counts);
}

}  // namespace ferry::batch
