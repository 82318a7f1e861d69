// Tests of the pipelined commit loop (processor.h) with in-process Source and Sink
// implementations that record the order of polls, writes and commits: batch N+1 is polled while
// N is being written, batches are committed in order and only after the sink accepted them, a
// failing sink stops the loop without committing that batch or any later one, and a stop
// finishes and commits every batch already polled. A pipelined sink (like Kafka's) holds
// several batches at once with batch.max_in_flight > 1, and commits still follow acceptance in
// poll order.
#include "stream/processor.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "registry/test_bundles.h"

namespace ferry::stream {
namespace {

// What happened, in order, from both the loop's and the sink writer's thread.
class EventLog {
 public:
  void Add(const std::string& entry) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(entry);
    changed_.notify_all();
  }
  bool Has(const std::string& entry) const {
    std::lock_guard<std::mutex> lock(mu_);
    return std::find(entries_.begin(), entries_.end(), entry) != entries_.end();
  }
  // Waits up to 5 s until `entry` is logged; false if it never is.
  bool WaitFor(const std::string& entry) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [&] {
      return std::find(entries_.begin(), entries_.end(), entry) != entries_.end();
    });
  }
  std::vector<std::string> Matching(const std::string& prefix) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const std::string& e : entries_) {
      if (e.rfind(prefix, 0) == 0) out.push_back(e);
    }
    return out;
  }
  std::vector<std::string> All() const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> entries_;
};

// Hands out `batches` batches of 3 events ("poll k"), then sets `stop` along with the last one
// (or, with `stop_when_all_committed`, once the last one is committed).
class ScriptedSource : public Source {
 public:
  ScriptedSource(int batches, EventLog* log, std::atomic<bool>* stop,
                 bool stop_when_all_committed)
      : batches_(batches),
        log_(log),
        stop_(stop),
        stop_when_all_committed_(stop_when_all_committed) {}
  const std::string& name() const override { return name_; }
  absl::StatusOr<std::vector<Message>> Poll(size_t, std::chrono::milliseconds) override {
    if (next_ >= batches_) return std::vector<Message>();
    std::vector<Message> messages;
    for (int i = 0; i < 3; ++i) {
      Message m;
      m.topic = "rides";
      m.partition = 0;
      m.offset = next_ * 3 + i;
      m.payload = absl::StrCat(R"({"id": "b)", next_, "-", i, R"(", "x1": 1.5, "x2": -0.5})");
      messages.push_back(std::move(m));
    }
    log_->Add(absl::StrCat("poll ", next_));
    if (++next_ == batches_ && !stop_when_all_committed_) *stop_ = true;
    return messages;
  }
  absl::Status Commit(const std::vector<Message>& messages) override {
    log_->Add(absl::StrCat("commit ", messages.front().offset / 3));
    if (messages.front().offset / 3 == batches_ - 1) *stop_ = true;
    return absl::OkStatus();
  }
  absl::Status Close() override {
    log_->Add("close");
    return absl::OkStatus();
  }

 private:
  const std::string name_ = "scripted";
  int batches_, next_ = 0;
  EventLog* log_;
  std::atomic<bool>* stop_;
  bool stop_when_all_committed_;
};

// The scripted batch a sink batch came from: its ids are "b<k>-<i>".
int BatchNumber(const SinkBatch& batch) {
  const std::string& id = batch.ids.front();
  return std::stoi(id.substr(1, id.find('-') - 1));
}

// Accepts a batch ("write k") only once the loop has polled the next one (or the last batch was
// handed out), so that a loop that does not overlap the two waits 5 s and logs "no overlap".
// Fails batch `fail_batch` with `fail_code`, every time.
class RecordingSink : public Sink {
 public:
  RecordingSink(int batches, EventLog* log, int fail_batch, absl::StatusCode fail_code)
      : batches_(batches), log_(log), fail_batch_(fail_batch), fail_code_(fail_code) {}
  const std::string& name() const override { return name_; }
  absl::Status Write(const SinkBatch& batch) override {
    if (batch.size() == 0) return absl::OkStatus();
    log_->Add(absl::StrCat("thread of write ", gettid()));
    const int k = BatchNumber(batch);
    if (k + 1 < batches_ && !log_->WaitFor(absl::StrCat("poll ", k + 1))) {
      log_->Add(absl::StrCat("no overlap ", k));
    }
    if (k == fail_batch_) {
      log_->Add(absl::StrCat("failed ", k));
      return absl::Status(fail_code_, "refused by the test");
    }
    log_->Add(absl::StrCat("write ", k));
    return absl::OkStatus();
  }

 private:
  const std::string name_ = "recording";
  int batches_;
  EventLog* log_;
  int fail_batch_;
  absl::StatusCode fail_code_;
};

// A pipelined sink: Send logs "send k" and returns at once; batch k is accepted ("accept k")
// only once batch k + 1 was sent too (or k is the last), so a writer that awaits each batch
// before sending the next one never gets an acceptance and logs "stuck k" after `patience`.
// Batch `fail_batch` fails its first `fail_times` awaits with `fail_code`.
class PipelinedSink : public Sink {
 public:
  PipelinedSink(int batches, EventLog* log, int fail_batch, absl::StatusCode fail_code,
                int fail_times, std::chrono::milliseconds patience)
      : patience_(patience),
        batches_(batches),
        log_(log),
        fail_batch_(fail_batch),
        fail_code_(fail_code),
        fail_times_(fail_times) {}
  const std::string& name() const override { return name_; }
  bool pipelined() const override { return true; }
  absl::Status Write(const SinkBatch& batch) override {
    if (batch.size() == 0) return absl::OkStatus();
    return absl::InternalError("a pipelined sink's batches go through Send");
  }
  uint64_t Send(const SinkBatch& batch) override {
    const int k = BatchNumber(batch);
    log_->Add(absl::StrCat("send ", k));
    sent_at_[k] = std::chrono::steady_clock::now();
    return static_cast<uint64_t>(k);
  }
  absl::Status Await(uint64_t ticket, std::chrono::milliseconds wait) override {
    const int k = static_cast<int>(ticket);
    if (k + 1 < batches_ && !log_->Has(absl::StrCat("send ", k + 1))) {
      if (std::chrono::steady_clock::now() - sent_at_[k] > patience_) {
        log_->Add(absl::StrCat("stuck ", k));
      } else {
        std::this_thread::sleep_for(wait);
        return absl::DeadlineExceededError("not yet");
      }
    }
    if (k == fail_batch_ && failures_ < fail_times_) {
      ++failures_;
      log_->Add(absl::StrCat("failed ", k));
      return absl::Status(fail_code_, "refused by the test");
    }
    log_->Add(absl::StrCat("accept ", k));
    return absl::OkStatus();
  }

 private:
  const std::string name_ = "pipelined";
  std::chrono::milliseconds patience_;
  int batches_;
  EventLog* log_;
  int fail_batch_;
  absl::StatusCode fail_code_;
  int fail_times_;
  int failures_ = 0;
  std::map<int, std::chrono::steady_clock::time_point> sent_at_;
};

class ProcessorTest : public ::testing::Test {
 protected:
  absl::Status RunBatches(int batches, int fail_batch = -1,
                          absl::StatusCode fail_code = absl::StatusCode::kOk) {
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::make_unique<RecordingSink>(batches, &log_, fail_batch, fail_code));
    config_.max_in_flight = 1;
    return Run(batches, std::move(sinks));
  }
  absl::Status RunPipelined(int batches, int max_in_flight, int fail_batch = -1,
                            absl::StatusCode fail_code = absl::StatusCode::kOk,
                            int fail_times = 1000,
                            std::chrono::milliseconds patience = std::chrono::seconds(5)) {
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::make_unique<PipelinedSink>(batches, &log_, fail_batch, fail_code,
                                                    fail_times, patience));
    config_.max_in_flight = max_in_flight;
    // A retried batch must not meet a stop during its backoff (that would cancel the write).
    return Run(batches, std::move(sinks), /*stop_when_all_committed=*/fail_times < 1000);
  }
  absl::Status Run(int batches, std::vector<std::unique_ptr<Sink>> sinks,
                   bool stop_when_all_committed = false) {
    config_.model.bundle = registry::testing::TinyBundle(false);
    config_.model.reload_seconds = 0;
    config_.events.id_field = "id";
    config_.max_wait_ms = 1;
    config_.score_threads = 1;
    config_.sink_retries = 2;
    config_.backoff_initial_ms = 1;
    auto models = ModelProvider::Open(config_.model);
    EXPECT_TRUE(models.ok()) << models.status();
    if (!models.ok()) return models.status();
    models_ = std::move(*models);
    Processor processor(config_,
                        std::make_unique<ScriptedSource>(batches, &log_, &stop_,
                                                         stop_when_all_committed),
                        std::move(sinks), nullptr, models_.get(), &metrics_);
    return processor.Run(stop_);
  }

  StreamConfig config_;
  std::unique_ptr<ModelProvider> models_;
  Metrics metrics_;
  EventLog log_;
  std::atomic<bool> stop_{false};
};

TEST_F(ProcessorTest, NextBatchIsPolledWhileOneIsWrittenAndCommitsStayInOrder) {
  ASSERT_TRUE(RunBatches(5).ok());
  EXPECT_TRUE(log_.Matching("no overlap").empty()) << "a write waited for the next poll";
  EXPECT_EQ(log_.Matching("write"),
            (std::vector<std::string>{"write 0", "write 1", "write 2", "write 3", "write 4"}));
  // Stop came with the last poll: every polled batch was still written and committed.
  EXPECT_EQ(log_.Matching("commit"),
            (std::vector<std::string>{"commit 0", "commit 1", "commit 2", "commit 3", "commit 4"}));
  std::vector<std::string> all = log_.All();
  for (int k = 0; k < 5; ++k) {
    auto written = std::find(all.begin(), all.end(), absl::StrCat("write ", k));
    auto committed = std::find(all.begin(), all.end(), absl::StrCat("commit ", k));
    EXPECT_LT(written, committed) << "batch " << k << " committed before the sink accepted it";
    if (k > 0) {
      auto before = std::find(all.begin(), all.end(), absl::StrCat("commit ", k - 1));
      EXPECT_LT(before, written) << "batch " << k << " written before " << k - 1 << " committed";
    }
  }
  EXPECT_EQ(all.back(), "close");
  // One long-lived writer thread wrote every batch, and it is not the loop's thread.
  std::vector<std::string> writers = log_.Matching("thread of write ");
  EXPECT_EQ(writers.size(), 5u);
  EXPECT_EQ(std::set<std::string>(writers.begin(), writers.end()).size(), 1u);
  EXPECT_NE(writers.front(), absl::StrCat("thread of write ", gettid()));
  EXPECT_EQ(metrics_.Get("ferry_stream_events_in_total", "source=\"scripted\""), 15);
  EXPECT_EQ(metrics_.Get("ferry_stream_events_out_total", "sink=\"recording\""), 15);
}

TEST_F(ProcessorTest, AFailingSinkCommitsNeitherItsBatchNorALaterOne) {
  absl::Status status = RunBatches(5, 2, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find("recording: refused by the test"), std::string::npos) << status;
  EXPECT_EQ(log_.Matching("commit"), (std::vector<std::string>{"commit 0", "commit 1"}));
  EXPECT_TRUE(log_.Has("poll 3"));    // prepared while batch 2 was written ...
  EXPECT_FALSE(log_.Has("write 3"));  // ... but never handed to the sink
  EXPECT_FALSE(log_.Has("poll 4"));   // and nothing more was polled
  EXPECT_EQ(log_.All().back(), "close");
}

TEST_F(ProcessorTest, ASinkStillDownAfterMaxRetriesStopsWithoutCommitting) {
  absl::Status status = RunBatches(4, 1, absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_NE(status.message().find("after 2 attempts"), std::string::npos) << status;
  EXPECT_EQ(log_.Matching("failed"), (std::vector<std::string>{"failed 1", "failed 1"}));
  EXPECT_EQ(log_.Matching("commit"), (std::vector<std::string>{"commit 0"}));
  EXPECT_EQ(metrics_.Get("ferry_stream_sink_retries_total", "sink=\"recording\""), 2);
}

// Positions of entries in the log, for order checks.
size_t At(const std::vector<std::string>& all, const std::string& entry) {
  return std::find(all.begin(), all.end(), entry) - all.begin();
}

TEST_F(ProcessorTest, APipelinedSinkHoldsSeveralBatchesAndCommitsFollowAcceptanceInOrder) {
  ASSERT_TRUE(RunPipelined(6, 3).ok());
  EXPECT_TRUE(log_.Matching("stuck").empty()) << "a batch was awaited before the next was sent";
  EXPECT_EQ(log_.Matching("commit"), (std::vector<std::string>{"commit 0", "commit 1", "commit 2",
                                                               "commit 3", "commit 4", "commit 5"}));
  std::vector<std::string> all = log_.All();
  for (int k = 0; k < 6; ++k) {
    EXPECT_LT(At(all, absl::StrCat("accept ", k)), At(all, absl::StrCat("commit ", k)))
        << "batch " << k << " committed before the sink accepted it";
  }
  // Batch 1 went to the sink before batch 0 was committed: the batches overlapped.
  EXPECT_LT(At(all, "send 1"), At(all, "commit 0"));
  EXPECT_EQ(metrics_.Get("ferry_stream_events_out_total", "sink=\"pipelined\""), 18);
  EXPECT_EQ(all.back(), "close");
}

TEST_F(ProcessorTest, WithOneBatchInFlightAPipelinedSinkGetsOneBatchAtATime) {
  ASSERT_TRUE(RunPipelined(3, 1, -1, absl::StatusCode::kOk, 1000, std::chrono::milliseconds(300))
                  .ok());
  // The sink only accepts a batch once the next was sent, which max_in_flight 1 never does:
  // each batch is accepted after the sink's patience, and committed before the next is sent.
  EXPECT_EQ(log_.Matching("stuck"), (std::vector<std::string>{"stuck 0", "stuck 1"}));
  std::vector<std::string> all = log_.All();
  EXPECT_LT(At(all, "commit 0"), At(all, "send 1"));
  EXPECT_LT(At(all, "commit 1"), At(all, "send 2"));
}

TEST_F(ProcessorTest, APipelinedBatchThatFailsStopsTheLoopAndNothingFromItOnIsCommitted) {
  absl::Status status = RunPipelined(6, 3, 2, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find("pipelined: refused by the test"), std::string::npos) << status;
  EXPECT_EQ(log_.Matching("commit"), (std::vector<std::string>{"commit 0", "commit 1"}));
  EXPECT_TRUE(log_.Has("send 3"));  // batch 3 reached the sink, but is not committed
  EXPECT_EQ(log_.All().back(), "close");
}

TEST_F(ProcessorTest, AnUnavailablePipelinedBatchIsSentAgainAndTheOrderHolds) {
  // errors.max_retries is 2 in these tests: one failure leaves one more attempt.
  absl::Status status = RunPipelined(5, 3, 1, absl::StatusCode::kUnavailable, 1);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(log_.Matching("failed"), (std::vector<std::string>{"failed 1"}));
  EXPECT_EQ(log_.Matching("send 1").size(), 2u);  // the first attempt and the retry
  EXPECT_EQ(log_.Matching("commit"), (std::vector<std::string>{"commit 0", "commit 1", "commit 2",
                                                               "commit 3", "commit 4"}));
  EXPECT_EQ(metrics_.Get("ferry_stream_sink_retries_total", "sink=\"pipelined\""), 1);
}

}  // namespace
}  // namespace ferry::stream
