// The commit loop; see processor.h for the contract.
#include "stream/processor.h"

#include <algorithm>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "io/json_writer.h"
#include "stream/output_builder.h"
#include "stream/parallel_score.h"

namespace ferry::stream {
namespace {

using Clock = std::chrono::steady_clock;

std::string Label(const std::string& key, const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c == '\n' ? 'n' : c;
  }
  return absl::StrCat(key, "=\"", escaped, "\"");
}

void LogLine(const std::string& line) { std::cerr << line << std::endl; }

// {"event": event, key: value, ...} on stderr; values are written as JSON strings or numbers.
void LogEvent(const std::string& event,
              std::initializer_list<std::pair<std::string, std::string>> text,
              std::initializer_list<std::pair<std::string, int64_t>> numbers = {}) {
  std::string line;
  io::JsonWriter w(&line);
  w.BeginObject().Key("event").String(event);
  for (const auto& [key, value] : text) w.Key(key).String(value);
  for (const auto& [key, value] : numbers) w.Key(key).Int(value);
  w.EndObject();
  LogLine(line);
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

const std::vector<double> kSecondsBuckets = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1,
                                             0.2,   0.5,   1,     2,    5,    10,   30};
const std::vector<double> kSizeBuckets = {1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000};

}  // namespace

Processor::Processor(const StreamConfig& config, std::unique_ptr<Source> source,
                     std::vector<std::unique_ptr<Sink>> sinks, std::unique_ptr<Sink> dead_letter,
                     const ModelProvider* models, Metrics* metrics)
    : config_(config),
      source_(std::move(source)),
      sinks_(std::move(sinks)),
      dead_letter_(std::move(dead_letter)),
      models_(models),
      metrics_(metrics),
      decoder_(config.events) {
  DescribeMetrics();
}

void Processor::DescribeMetrics() {
  using T = Metrics::Type;
  metrics_->Describe("ferry_stream_events_in_total", T::kCounter, "Events read from the source.");
  metrics_->Describe("ferry_stream_events_out_total", T::kCounter,
                     "Output events durably accepted by each sink.");
  metrics_->Describe("ferry_stream_events_dead_lettered_total", T::kCounter,
                     "Events sent to the dead-letter sink.");
  metrics_->Describe("ferry_stream_sink_retries_total", T::kCounter,
                     "Failed sink writes that were retried.");
  metrics_->Describe("ferry_stream_batches_total", T::kCounter, "Batches committed.");
  metrics_->Describe("ferry_stream_batch_size", T::kHistogram, "Messages per batch.", kSizeBuckets);
  metrics_->Describe("ferry_stream_processing_seconds", T::kHistogram,
                     "From the end of a poll to the commit of its batch.", kSecondsBuckets);
  metrics_->Describe("ferry_stream_end_to_end_seconds", T::kHistogram,
                     "From the event's timestamp to the commit of its batch.", kSecondsBuckets);
  metrics_->Describe("ferry_stream_consumer_lag", T::kGauge,
                     "Kafka consumer lag per partition, or Redis entries pending in the group.");
  metrics_->Describe("ferry_stream_model_version", T::kGauge,
                     "1 for the model version scoring the stream.");
}

int64_t Processor::BackoffMs(int attempt) const {
  int64_t delay = config_.backoff_initial_ms;
  for (int i = 1; i < attempt && delay < config_.backoff_max_ms; ++i) delay *= 2;
  return std::min(delay, config_.backoff_max_ms);
}

bool Processor::Backoff(int attempt, const std::atomic<bool>& stop) const {
  int64_t delay = BackoffMs(attempt);
  auto until = Clock::now() + std::chrono::milliseconds(delay);
  while (Clock::now() < until) {
    if (stop) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(delay, 50)));
  }
  return !stop;
}

absl::Status Processor::WriteWithRetry(Sink& sink, const SinkBatch& batch,
                                       const std::atomic<bool>& stop) {
  for (int attempt = 1;; ++attempt) {
    absl::Status status = sink.Write(batch);
    if (status.ok()) return status;
    if (status.code() != absl::StatusCode::kUnavailable) {
      return absl::Status(status.code(), absl::StrCat(sink.name(), ": ", status.message()));
    }
    metrics_->Add("ferry_stream_sink_retries_total", Label("sink", sink.name()), 1);
    if (config_.sink_retries > 0 && attempt >= config_.sink_retries) {
      return absl::UnavailableError(
          absl::StrCat(sink.name(), " is still unavailable after ", attempt,
                       " attempts (errors.max_retries); nothing of the batch was committed: ",
                       status.message()));
    }
    LogEvent("sink_retry", {{"sink", sink.name()}, {"error", std::string(status.message())}},
             {{"attempt", attempt}, {"backoff_ms", BackoffMs(attempt)}});
    if (!Backoff(attempt, stop)) return absl::CancelledError("stopped while a sink was down");
  }
}

absl::Status Processor::CommitWithRetry(const std::vector<Message>& messages,
                                        const std::atomic<bool>& stop) {
  for (int attempt = 1;; ++attempt) {
    absl::Status status = source_->Commit(messages);
    if (status.ok() || status.code() != absl::StatusCode::kUnavailable ||
        (config_.sink_retries > 0 && attempt >= config_.sink_retries) || !Backoff(attempt, stop)) {
      return status;
    }
  }
}

absl::Status Processor::ProcessBatch(const std::vector<Message>& messages,
                                     const std::atomic<bool>& stop) {
  const auto started = Clock::now();
  auto choice = models_->Current();
  if (choice.ok()) {
    if (choice->version != model_.version || choice->name != model_.name) {
      if (model_.bundle) {
        metrics_->Set(
            "ferry_stream_model_version",
            absl::StrCat(Label("model", model_.name), ",", Label("version", model_.version)), 0);
      }
      metrics_->Set(
          "ferry_stream_model_version",
          absl::StrCat(Label("model", choice->name), ",", Label("version", choice->version)), 1);
    }
    model_ = *choice;
  } else if (!model_.bundle) {
    return choice.status();
  }
  DecodedEvents events = decoder_.Decode(messages);
  const auto decoded = Clock::now();
  bundle::ScoredBatch scored =
      ScoreInParallel(*model_.bundle, events.inputs, config_.score_threads);
  const auto scored_at = Clock::now();
  std::vector<DeadLetter> dead;
  for (const DecodeFailure& f : events.failures) {
    dead.push_back({"", f.position, f.error, messages[f.message].attempts, f.payload});
  }
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  SinkBatch outputs = BuildOutputs(config_.output, model_.name, model_.version, events, scored,
                                   messages, now_ms, &dead);
  for (auto& sink : sinks_) {
    absl::Status status = WriteWithRetry(*sink, outputs, stop);
    if (!status.ok()) return status;
    metrics_->Add("ferry_stream_events_out_total", Label("sink", sink->name()),
                  static_cast<double>(outputs.size()));
  }
  if (!dead.empty()) {
    SinkBatch letters = BuildDeadLetters(dead, model_.name, model_.version, now_ms);
    if (dead_letter_) {
      absl::Status status = WriteWithRetry(*dead_letter_, letters, stop);
      if (!status.ok()) return status;
    } else {
      for (const std::string& line : letters.json) LogLine("{\"dead_letter\":" + line + "}");
    }
    metrics_->Add("ferry_stream_events_dead_lettered_total",
                  Label("sink", dead_letter_ ? dead_letter_->name() : "log"),
                  static_cast<double>(dead.size()));
  }
  const auto written = Clock::now();
  absl::Status committed = CommitWithRetry(messages, stop);
  if (!committed.ok()) {
    // Not fatal: the messages are delivered again (to us or the partitions' new owner) and
    // the sinks absorb the replay.
    LogEvent("commit_failed",
             {{"source", source_->name()}, {"error", std::string(committed.message())}});
  }
  const auto finished = Clock::now();
  const double seconds = std::chrono::duration<double>(finished - started).count();
  const std::string source_label = Label("source", source_->name());
  metrics_->Add("ferry_stream_events_in_total", source_label,
                static_cast<double>(events.ids.size() + events.failures.size()));
  metrics_->Add("ferry_stream_batches_total", source_label, 1);
  metrics_->Observe("ferry_stream_batch_size", source_label, static_cast<double>(messages.size()));
  metrics_->Observe("ferry_stream_processing_seconds", source_label, seconds);
  const int64_t done_ms = absl::ToUnixMillis(absl::Now());
  for (int64_t t : events.event_time_ms) {
    if (t > 0)
      metrics_->Observe("ferry_stream_end_to_end_seconds", source_label, (done_ms - t) / 1000.0);
  }
  ++batches_;
  if (config_.log_batches) {
    std::string line;
    io::JsonWriter w(&line);
    w.BeginObject()
        .Key("event")
        .String("batch")
        .Key("batch")
        .Int(batches_)
        .Key("source")
        .String(source_->name())
        .Key("messages")
        .Int(static_cast<int64_t>(messages.size()))
        .Key("scored")
        .Int(static_cast<int64_t>(outputs.size()))
        .Key("dead_lettered")
        .Int(static_cast<int64_t>(dead.size()))
        .Key("model")
        .String(model_.name)
        .Key("version")
        .String(model_.version)
        .Key("committed")
        .Bool(committed.ok())
        .Key("processing_ms")
        .Double(seconds * 1000.0)
        .Key("decode_ms")
        .Double(Ms(decoded - started))
        .Key("score_ms")
        .Double(Ms(scored_at - decoded))
        .Key("write_ms")
        .Double(Ms(written - scored_at))
        .Key("commit_ms")
        .Double(Ms(finished - written))
        .Key("first")
        .String(messages.front().Position())
        .Key("last")
        .String(messages.back().Position())
        .EndObject();
    LogLine(line);
  }
  return absl::OkStatus();
}

void Processor::UpdateLag() {
  if (Clock::now() - last_lag_ < std::chrono::seconds(1)) return;
  last_lag_ = Clock::now();
  for (const auto& [labels, value] : source_->Lag()) {
    metrics_->Set("ferry_stream_consumer_lag", labels, static_cast<double>(value));
  }
}

absl::Status Processor::Run(const std::atomic<bool>& stop) {
  int poll_failures = 0;
  absl::Status result = absl::OkStatus();
  while (!stop) {
    auto messages =
        source_->Poll(config_.max_records, std::chrono::milliseconds(config_.max_wait_ms));
    if (!messages.ok()) {
      if (messages.status().code() != absl::StatusCode::kUnavailable) {
        result = absl::Status(messages.status().code(),
                              absl::StrCat(source_->name(), ": ", messages.status().message()));
        break;
      }
      ++poll_failures;
      if (poll_failures == 1 || poll_failures % 20 == 0) {
        LogEvent("source_unavailable",
                 {{"source", source_->name()}, {"error", std::string(messages.status().message())}},
                 {{"attempt", poll_failures}});
      }
      Backoff(std::min(poll_failures, 10), stop);
      continue;
    }
    poll_failures = 0;
    if (messages->empty()) {
      SinkBatch idle;  // lets file sinks roll by age
      for (auto& sink : sinks_) (void)sink->Write(idle);
      UpdateLag();
      continue;
    }
    absl::Status status = ProcessBatch(*messages, stop);
    if (status.code() == absl::StatusCode::kCancelled) {
      LogEvent("stopped_uncommitted",
               {{"note",
                 "the batch in hand was not accepted by every sink; it was not committed "
                 "and will be delivered again"}});
      break;
    }
    if (!status.ok()) {
      result = status;
      break;
    }
    UpdateLag();
  }
  for (auto& sink : sinks_) {
    absl::Status closed = sink->Close();
    if (!closed.ok()) {
      LogEvent("sink_close_failed",
               {{"sink", sink->name()}, {"error", std::string(closed.message())}});
    }
  }
  if (dead_letter_) (void)dead_letter_->Close();
  absl::Status closed = source_->Close();
  if (result.ok() && !closed.ok()) result = closed;
  return result;
}

}  // namespace ferry::stream
