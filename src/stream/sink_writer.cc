// The background sink writes of the loop; see sink_writer.h for the contract.
#include "stream/sink_writer.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "stream/stream_log.h"

namespace ferry::stream {

using Clock = std::chrono::steady_clock;

int64_t BackoffMs(const StreamConfig& config, int attempt) {
  int64_t delay = config.backoff_initial_ms;
  for (int i = 1; i < attempt && delay < config.backoff_max_ms; ++i) delay *= 2;
  return std::min(delay, config.backoff_max_ms);
}

bool SleepBackoff(const StreamConfig& config, int attempt, const std::atomic<bool>& stop) {
  int64_t delay = BackoffMs(config, attempt);
  auto until = Clock::now() + std::chrono::milliseconds(delay);
  while (Clock::now() < until) {
    if (stop) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(delay, 50)));
  }
  return !stop;
}

SinkWriter::SinkWriter(const StreamConfig& config, std::vector<std::unique_ptr<Sink>> sinks,
                       std::unique_ptr<Sink> dead_letter, Metrics* metrics)
    : config_(config),
      sinks_(std::move(sinks)),
      dead_letter_(std::move(dead_letter)),
      metrics_(metrics) {}

SinkWriter::~SinkWriter() {
  if (busy_) (void)Wait();
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SinkWriter::Start(WriteJob job, const std::atomic<bool>& stop) {
  stop_ = &stop;
  job_ = std::make_unique<WriteJob>(std::move(job));
  busy_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_ = job_.get();
    written_ = false;
  }
  cv_.notify_all();
  if (!thread_.joinable()) thread_ = std::thread([this] { WriterLoop(); });
}

void SinkWriter::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return pending_ != nullptr || quit_; });
    if (pending_ == nullptr) return;  // quit_, nothing left to write
    const WriteJob* job = pending_;
    pending_ = nullptr;
    lock.unlock();
    WriteOutcome outcome = Write(*job);
    lock.lock();
    outcome_ = std::move(outcome);
    written_ = true;
    cv_.notify_all();
  }
}

bool SinkWriter::ready() const {
  if (!busy_) return false;
  std::lock_guard<std::mutex> lock(mu_);
  return written_;
}

WriteOutcome SinkWriter::Wait() {
  if (!busy_) return {};
  WriteOutcome outcome;
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return written_; });
    outcome = std::move(outcome_);
    written_ = false;
  }
  busy_ = false;
  job_.reset();
  return outcome;
}

void SinkWriter::WriteIdle() {
  SinkBatch idle;
  for (auto& sink : sinks_) (void)sink->Write(idle);
}

void SinkWriter::Close() {
  for (auto& sink : sinks_) {
    absl::Status closed = sink->Close();
    if (!closed.ok()) {
      LogEvent("sink_close_failed",
               {{"sink", sink->name()}, {"error", std::string(closed.message())}});
    }
  }
  if (dead_letter_) (void)dead_letter_->Close();
}

WriteOutcome SinkWriter::Write(const WriteJob& job) {
  const auto started = Clock::now();
  WriteOutcome outcome;
  for (auto& sink : sinks_) {
    outcome.status = WriteWithRetry(*sink, job.outputs);
    if (!outcome.status.ok()) return outcome;
    metrics_->Add("ferry_stream_events_out_total", MetricLabel("sink", sink->name()),
                  static_cast<double>(job.outputs.size()));
  }
  if (job.dead_letters.size() > 0) {
    if (dead_letter_) {
      outcome.status = WriteWithRetry(*dead_letter_, job.dead_letters);
      if (!outcome.status.ok()) return outcome;
    } else {
      for (const std::string& line : job.dead_letters.json) {
        LogLine("{\"dead_letter\":" + line + "}");
      }
    }
    metrics_->Add("ferry_stream_events_dead_lettered_total",
                  MetricLabel("sink", dead_letter_ ? dead_letter_->name() : "log"),
                  static_cast<double>(job.dead_letters.size()));
  }
  outcome.write_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  return outcome;
}

absl::Status SinkWriter::WriteWithRetry(Sink& sink, const SinkBatch& batch) {
  for (int attempt = 1;; ++attempt) {
    absl::Status status = sink.Write(batch);
    if (status.ok()) return status;
    if (status.code() != absl::StatusCode::kUnavailable) {
      return absl::Status(status.code(), absl::StrCat(sink.name(), ": ", status.message()));
    }
    metrics_->Add("ferry_stream_sink_retries_total", MetricLabel("sink", sink.name()), 1);
    if (config_.sink_retries > 0 && attempt >= config_.sink_retries) {
      return absl::UnavailableError(
          absl::StrCat(sink.name(), " is still unavailable after ", attempt,
                       " attempts (errors.max_retries); nothing of the batch was committed: ",
                       status.message()));
    }
    LogEvent("sink_retry", {{"sink", sink.name()}, {"error", std::string(status.message())}},
             {{"attempt", attempt}, {"backoff_ms", BackoffMs(config_, attempt)}});
    if (!SleepBackoff(config_, attempt, *stop_)) {
      return absl::CancelledError("stopped while a sink was down");
    }
  }
}

}  // namespace ferry::stream
