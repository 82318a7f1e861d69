// The pipelined commit loop; see processor.h for the contract.
#include "stream/processor.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "io/json_writer.h"
#include "stream/output_builder.h"
#include "stream/parallel_score.h"
#include "stream/stream_log.h"

namespace ferry::stream {
namespace {

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

const std::vector<double> kSecondsBuckets = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1,
                                             0.2,   0.5,   1,     2,    5,    10,   30};
const std::vector<double> kSizeBuckets = {1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000};

}  // namespace

Processor::Processor(const StreamConfig& config, std::unique_ptr<Source> source,
                     std::vector<std::unique_ptr<Sink>> sinks, std::unique_ptr<Sink> dead_letter,
                     const ModelProvider* models, Metrics* metrics)
    : config_(config),
      source_(std::move(source)),
      writer_(config, std::move(sinks), std::move(dead_letter), metrics),
      models_(models),
      metrics_(metrics),
      decoder_(config.events),
      sinks_read_table_(writer_.reads_table()) {
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

absl::Status Processor::CommitWithRetry(const std::vector<Message>& messages,
                                        const std::atomic<bool>& stop) {
  for (int attempt = 1;; ++attempt) {
    absl::Status status = source_->Commit(messages);
    if (status.ok() || status.code() != absl::StatusCode::kUnavailable ||
        (config_.sink_retries > 0 && attempt >= config_.sink_retries) ||
        !SleepBackoff(config_, attempt, stop)) {
      return status;
    }
  }
}

void Processor::UpdateModel() {
  auto choice = models_->Current();
  if (!choice.ok()) {
    model_error_ = choice.status();
    return;
  }
  if (choice->version != model_.version || choice->name != model_.name) {
    if (model_.bundle) {
      metrics_->Set("ferry_stream_model_version",
                    absl::StrCat(MetricLabel("model", model_.name), ",",
                                 MetricLabel("version", model_.version)),
                    0);
    }
    metrics_->Set("ferry_stream_model_version",
                  absl::StrCat(MetricLabel("model", choice->name), ",",
                               MetricLabel("version", choice->version)),
                  1);
  }
  model_ = *choice;
}

absl::StatusOr<Processor::Batch> Processor::Prepare(std::vector<Message> messages, WriteJob* job) {
  Batch batch;
  batch.polled = Clock::now();
  UpdateModel();
  if (!model_.bundle) return model_error_;
  DecodedEvents events = decoder_.Decode(messages);
  batch.decoded = Clock::now();
  const size_t rows = events.inputs.num_rows();
  // Splitting a batch costs a thread handoff and a copy of the slices: it only pays when one
  // thread would take a while. The estimate comes from the batches scored so far.
  int threads = config_.score_threads;
  if (threads > 1 && score_seconds_per_row_ >= 0 &&
      score_seconds_per_row_ * static_cast<double>(rows) < kSplitAboveSeconds) {
    threads = 1;
  }
  bundle::ScoredBatch scored = ScoreInParallel(*model_.bundle, events.inputs, threads);
  batch.scored_at = Clock::now();
  if (rows > 0) {  // CPU time per row, roughly: elapsed times the threads used
    const double per_row = std::chrono::duration<double>(batch.scored_at - batch.decoded).count() *
                           threads / static_cast<double>(rows);
    score_seconds_per_row_ =
        score_seconds_per_row_ < 0 ? per_row : 0.8 * score_seconds_per_row_ + 0.2 * per_row;
  }
  std::vector<DeadLetter> dead;
  for (const DecodeFailure& f : events.failures) {
    dead.push_back({"", f.position, f.error, messages[f.message].attempts, f.payload});
  }
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  job->outputs = BuildOutputs(config_.output, model_.name, model_.version, events, scored, messages,
                              now_ms, &dead, sinks_read_table_);
  if (!dead.empty()) {
    job->dead_letters = BuildDeadLetters(dead, model_.name, model_.version, now_ms);
  }
  batch.built = Clock::now();
  batch.events_in = events.ids.size() + events.failures.size();
  batch.scored = job->outputs.size();
  batch.dead_lettered = dead.size();
  batch.event_time_ms = std::move(events.event_time_ms);
  batch.model = model_.name;
  batch.version = model_.version;
  batch.messages = std::move(messages);
  return batch;
}

absl::Status Processor::FinishOldest(const std::atomic<bool>& stop) {
  if (in_flight_.empty()) return absl::OkStatus();
  const auto waiting = Clock::now();
  WriteOutcome outcome = writer_.Wait();
  Batch batch = std::move(in_flight_.front());
  in_flight_.pop_front();
  const auto committing = Clock::now();
  batch.wait_ms = Ms(committing - waiting);
  if (!outcome.status.ok()) return outcome.status;
  absl::Status committed = CommitWithRetry(batch.messages, stop);
  batch.commit_ms = Ms(Clock::now() - committing);
  if (!committed.ok()) {
    // Not fatal: the messages are delivered again (to us or the partitions' new owner) and
    // the sinks absorb the replay.
    LogEvent("commit_failed",
             {{"source", source_->name()}, {"error", std::string(committed.message())}});
  }
  ReportBatch(batch, outcome, committed.ok());
  return absl::OkStatus();
}

absl::Status Processor::FinishAll(const std::atomic<bool>& stop) {
  while (!in_flight_.empty()) {
    absl::Status status = FinishOldest(stop);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

void Processor::ReportBatch(const Batch& batch, const WriteOutcome& outcome, bool committed) {
  const auto finished = Clock::now();
  const double seconds = std::chrono::duration<double>(finished - batch.polled).count();
  const std::string source_label = MetricLabel("source", source_->name());
  metrics_->Add("ferry_stream_events_in_total", source_label, static_cast<double>(batch.events_in));
  metrics_->Add("ferry_stream_batches_total", source_label, 1);
  metrics_->Observe("ferry_stream_batch_size", source_label,
                    static_cast<double>(batch.messages.size()));
  metrics_->Observe("ferry_stream_processing_seconds", source_label, seconds);
  const int64_t done_ms = absl::ToUnixMillis(absl::Now());
  std::vector<double> end_to_end;
  end_to_end.reserve(batch.event_time_ms.size());
  for (int64_t t : batch.event_time_ms) {
    if (t > 0) end_to_end.push_back((done_ms - t) / 1000.0);
  }
  metrics_->ObserveAll("ferry_stream_end_to_end_seconds", source_label, end_to_end);
  ++batches_;
  if (!config_.log_batches) return;
  std::string line;
  io::JsonWriter w(&line);
  w.BeginObject().Key("event").String("batch").Key("batch").Int(batches_);
  w.Key("source").String(source_->name());
  w.Key("messages").Int(static_cast<int64_t>(batch.messages.size()));
  w.Key("scored").Int(static_cast<int64_t>(batch.scored));
  w.Key("dead_lettered").Int(static_cast<int64_t>(batch.dead_lettered));
  w.Key("model").String(batch.model).Key("version").String(batch.version);
  w.Key("committed").Bool(committed);
  w.Key("processing_ms").Double(seconds * 1000.0);
  w.Key("poll_ms").Double(batch.poll_ms);
  w.Key("decode_ms").Double(Ms(batch.decoded - batch.polled));
  w.Key("score_ms").Double(Ms(batch.scored_at - batch.decoded));
  w.Key("output_ms").Double(Ms(batch.built - batch.scored_at));
  w.Key("send_ms").Double(outcome.send_ms);
  w.Key("write_ms").Double(outcome.write_ms);
  w.Key("write_wait_ms").Double(batch.wait_ms);
  w.Key("commit_ms").Double(batch.commit_ms);
  w.Key("first").String(batch.messages.front().Position());
  w.Key("last").String(batch.messages.back().Position());
  w.EndObject();
  LogLine(line);
}

void Processor::UpdateLag() {
  if (Clock::now() - last_lag_ < std::chrono::seconds(1)) return;
  last_lag_ = Clock::now();
  std::vector<std::pair<std::string, double>> lag;
  for (const auto& [labels, value] : source_->Lag()) {
    lag.emplace_back(labels, static_cast<double>(value));
  }
  metrics_->SetAll("ferry_stream_consumer_lag", lag);
}

absl::Status Processor::Run(const std::atomic<bool>& stop) {
  int poll_failures = 0;
  absl::Status result = absl::OkStatus();
  while (!stop && result.ok()) {
    // Writes that finished while we scored are committed before the next (blocking) poll.
    while (result.ok() && writer_.ready()) result = FinishOldest(stop);
    if (!result.ok()) break;
    const auto polling = Clock::now();
    auto messages =
        source_->Poll(config_.max_records, std::chrono::milliseconds(config_.max_wait_ms));
    if (!messages.ok()) {
      if (messages.status().code() != absl::StatusCode::kUnavailable) {
        result = absl::Status(messages.status().code(),
                              absl::StrCat(source_->name(), ": ", messages.status().message()));
        break;
      }
      result = FinishAll(stop);
      ++poll_failures;
      if (poll_failures == 1 || poll_failures % 20 == 0) {
        LogEvent("source_unavailable",
                 {{"source", source_->name()}, {"error", std::string(messages.status().message())}},
                 {{"attempt", poll_failures}});
      }
      SleepBackoff(config_, std::min(poll_failures, 10), stop);
      continue;
    }
    poll_failures = 0;
    if (messages->empty()) {
      result = FinishAll(stop);
      if (result.ok()) writer_.WriteIdle();  // lets file sinks roll by age
      UpdateLag();
      continue;
    }
    WriteJob job;
    auto batch = Prepare(std::move(*messages), &job);
    if (!batch.ok()) {
      result = batch.status();
      break;
    }
    batch->poll_ms = Ms(batch->polled - polling);
    // At most max_in_flight batches under way; commits stay in poll order.
    while (result.ok() && in_flight_.size() >= static_cast<size_t>(config_.max_in_flight)) {
      result = FinishOldest(stop);
    }
    if (!result.ok()) break;
    in_flight_.push_back(std::move(*batch));
    writer_.Start(std::move(job), stop);
    UpdateLag();
  }
  if (result.ok()) result = FinishAll(stop);  // SIGTERM: finish what is in flight
  if (result.code() == absl::StatusCode::kCancelled) {
    LogEvent("stopped_uncommitted",
             {{"note",
               "the batch in hand was not accepted by every sink; it was not committed "
               "and will be delivered again"}});
    result = absl::OkStatus();
  }
  if (writer_.busy()) {  // after an error: what is under way is given up, not committed
    writer_.Cancel();
    while (writer_.busy()) (void)writer_.Wait();
  }
  writer_.Close();
  absl::Status closed = source_->Close();
  if (result.ok() && !closed.ok()) result = closed;
  return result;
}

}  // namespace ferry::stream
