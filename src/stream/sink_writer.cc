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

bool SleepBackoff(const StreamConfig& config, int attempt, const std::atomic<bool>& stop,
                  const std::atomic<bool>* also) {
  auto stopped = [&] { return stop || (also != nullptr && *also); };
  int64_t delay = BackoffMs(config, attempt);
  auto until = Clock::now() + std::chrono::milliseconds(delay);
  while (Clock::now() < until) {
    if (stopped()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(delay, 50)));
  }
  return !stopped();
}

SinkWriter::SinkWriter(const StreamConfig& config, std::vector<std::unique_ptr<Sink>> sinks,
                       std::unique_ptr<Sink> dead_letter, Metrics* metrics)
    : config_(config),
      sinks_(std::move(sinks)),
      dead_letter_(std::move(dead_letter)),
      metrics_(metrics) {}

SinkWriter::~SinkWriter() {
  while (busy()) (void)Wait();
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
  auto slot = std::make_unique<Slot>();
  slot->job = std::move(job);
  slot->started = Clock::now();
  slot->tickets.assign(sinks_.size(), 0);
  slot->attempts.assign(sinks_.size(), 0);
  slot->accepted.assign(sinks_.size(), false);
  {
    std::lock_guard<std::mutex> lock(mu_);
    slots_.push_back(std::move(slot));
    ++started_;
  }
  cv_.notify_all();
  if (!thread_.joinable()) thread_ = std::thread([this] { WriterLoop(); });
}

void SinkWriter::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    // Sending comes first: a new batch goes to the pipelined sinks while older ones are on
    // their way. Then the oldest unfinished batch is awaited, a short slice at a time.
    if (sent_ < started_) {
      Slot* slot = SlotAt(sent_);
      lock.unlock();
      Send(*slot);
      slot->outcome.send_ms =
          std::chrono::duration<double, std::milli>(Clock::now() - slot->started).count();
      lock.lock();
      ++sent_;
      continue;
    }
    if (finished_ < sent_) {
      Slot* slot = SlotAt(finished_);
      lock.unlock();
      const bool finished = Finish(*slot);
      lock.lock();
      if (finished) {
        slot->done = true;
        ++finished_;
        cv_.notify_all();
      }
      continue;
    }
    if (quit_) return;
    cv_.wait(lock);
  }
}

void SinkWriter::Send(Slot& slot) {
  for (size_t i = 0; i < sinks_.size() && !slot.failed; ++i) {
    Sink& sink = *sinks_[i];
    if (sink.pipelined()) {
      slot.tickets[i] = sink.Send(slot.job.outputs);
      slot.attempts[i] = 1;
      continue;
    }
    absl::Status status = WriteWithRetry(sink, slot.job.outputs);
    if (!status.ok()) {
      slot.outcome.status = status;
      slot.failed = true;
      return;
    }
    Accepted(slot, i);
  }
}

bool SinkWriter::Finish(Slot& slot) {
  if (slot.failed) return true;
  if (cancelled_) {
    slot.outcome.status = absl::CancelledError("the write was given up after an earlier error");
    return true;
  }
  constexpr std::chrono::milliseconds kSlice(1);  // then a batch started meanwhile is sent
  for (size_t i = 0; i < sinks_.size(); ++i) {
    if (slot.accepted[i]) continue;
    Sink& sink = *sinks_[i];
    absl::Status status = sink.Await(slot.tickets[i], kSlice);
    if (status.code() == absl::StatusCode::kDeadlineExceeded) return false;
    if (!status.ok()) {
      absl::Status retry = Retry(sink, slot.attempts[i], status);
      if (!retry.ok()) {
        slot.outcome.status = retry;
        slot.failed = true;
        return true;
      }
      slot.tickets[i] = sink.Send(slot.job.outputs);
      ++slot.attempts[i];
      return false;
    }
    Accepted(slot, i);
  }
  const WriteJob& job = slot.job;
  if (job.dead_letters.size() > 0) {
    if (dead_letter_) {
      slot.outcome.status = WriteWithRetry(*dead_letter_, job.dead_letters);
      if (!slot.outcome.status.ok()) return true;
    } else {
      for (const std::string& line : job.dead_letters.json) {
        LogLine("{\"dead_letter\":" + line + "}");
      }
    }
    metrics_->Add("ferry_stream_events_dead_lettered_total",
                  MetricLabel("sink", dead_letter_ ? dead_letter_->name() : "log"),
                  static_cast<double>(job.dead_letters.size()));
  }
  slot.outcome.write_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - slot.started).count();
  return true;
}

void SinkWriter::Accepted(Slot& slot, size_t sink) {
  slot.accepted[sink] = true;
  metrics_->Add("ferry_stream_events_out_total", MetricLabel("sink", sinks_[sink]->name()),
                static_cast<double>(slot.job.outputs.size()));
}

bool SinkWriter::reads_table() const {
  for (const auto& sink : sinks_) {
    if (sink->reads_table()) return true;
  }
  return false;
}

bool SinkWriter::ready() const {
  if (!busy()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  return slots_.front()->done;
}

WriteOutcome SinkWriter::Wait() {
  if (!busy()) return {};
  std::unique_ptr<Slot> slot;
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return slots_.front()->done; });
    slot = std::move(slots_.front());
    slots_.pop_front();
    ++waited_;
  }
  return std::move(slot->outcome);
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

absl::Status SinkWriter::Retry(Sink& sink, int attempt, const absl::Status& failure) {
  if (failure.code() != absl::StatusCode::kUnavailable) {
    return absl::Status(failure.code(), absl::StrCat(sink.name(), ": ", failure.message()));
  }
  metrics_->Add("ferry_stream_sink_retries_total", MetricLabel("sink", sink.name()), 1);
  if (config_.sink_retries > 0 && attempt >= config_.sink_retries) {
    return absl::UnavailableError(
        absl::StrCat(sink.name(), " is still unavailable after ", attempt,
                     " attempts (errors.max_retries); nothing of the batch was committed: ",
                     failure.message()));
  }
  LogEvent("sink_retry", {{"sink", sink.name()}, {"error", std::string(failure.message())}},
           {{"attempt", attempt}, {"backoff_ms", BackoffMs(config_, attempt)}});
  if (!SleepBackoff(config_, attempt, *stop_, &cancelled_)) {
    return absl::CancelledError("stopped while a sink was down");
  }
  return absl::OkStatus();
}

absl::Status SinkWriter::WriteWithRetry(Sink& sink, const SinkBatch& batch) {
  for (int attempt = 1;; ++attempt) {
    absl::Status status = sink.Write(batch);
    if (status.ok()) return status;
    absl::Status retry = Retry(sink, attempt, status);
    if (!retry.ok()) return retry;
  }
}

}  // namespace ferry::stream
