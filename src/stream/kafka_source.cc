// Kafka source over librdkafka's KafkaConsumer: no auto-commit; offsets committed only for
// messages the loop finished. Commit() records them; they are sent to the broker asynchronously
// at most every commit_interval_ms (an offset commit costs a Kafka 0.9 broker about a
// millisecond of CPU: once per batch it took a third of the broker's core at 300,000 events/s),
// checked at each Commit and Poll, so the loop goes on while a commit travels; a failed commit
// is logged as `commit_failed` and only means a replay. Before partitions are revoked their
// finished offsets are committed synchronously, and at Close every finished offset, so that a
// clean stop leaves the group's offsets exactly where the loop ended.
// Offsets are committed only for partitions this consumer still owns: a batch that was under
// way while its partitions were revoked is left to their new owner (a replay, never a loss).
// On revocation the messages of revoked partitions that were fetched but not yet handed out
// are dropped uncommitted (the next owner reads them again).
// Consumer lag comes from librdkafka's statistics (statistics.interval.ms, default 5 s here),
// measured from the offsets the loop finished (stored with offsets_store, never auto-committed).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "simdjson.h"
#include "stream/adapters.h"
#include "stream/kafka_events.h"
#include "stream/stream_log.h"

namespace ferry::stream {
namespace {

class KafkaSource : public Source,
                    public RdKafka::RebalanceCb,
                    public RdKafka::EventCb,
                    public RdKafka::OffsetCommitCb {
 public:
  explicit KafkaSource(KafkaSourceConfig config)
      : config_(std::move(config)), name_("kafka:" + config_.topics[0]) {}
  ~KafkaSource() override {
    if (consumer_ && !closed_) consumer_->close();
    if (queue_) rd_kafka_queue_destroy(queue_);
  }

  absl::Status Start() {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string err;
    std::map<std::string, std::string> settings = {
        {"bootstrap.servers", config_.brokers},
        {"socket.nagle.disable", "true"},  // no Nagle delay on small requests (latency)
        {"group.id", config_.group},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"auto.offset.reset", config_.start == "latest" ? "latest" : "earliest"},
        {"statistics.interval.ms", "5000"},
        // The prefetch queue. librdkafka 2.0 stops fetching a partition when the queue is over
        // either bound and looks again only once a second: a queue that empties faster than
        // that stalls the stream (it did, 0.5 s of every 1.4 at 160,000 events/s with 16 MiB).
        // So the bound is the bytes (64 MiB, librdkafka's default), which hold over a second
        // of events at this machine's rates, and not the message count.
        {"queued.max.messages.kbytes", "65536"},
        {"queued.min.messages", "10000000"},
        // Fetches of up to 4 MiB per partition (librdkafka: 1 MiB): fewer, larger fetch
        // requests took a Kafka 0.9 broker from 2.1 to 1.5-1.7 CPU-s per million events read
        // from a backlog.
        {"max.partition.fetch.bytes", "4194304"},
    };
    for (const auto& [key, value] : config_.properties) settings[key] = value;
    for (const auto& [key, value] : settings) {
      if (conf->set(key, value, err) != RdKafka::Conf::CONF_OK) {
        return absl::InvalidArgumentError(
            absl::StrCat("source.kafka: property ", key, "=", value, ": ", err));
      }
    }
    if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(this), err) !=
            RdKafka::Conf::CONF_OK ||
        conf->set("event_cb", static_cast<RdKafka::EventCb*>(this), err) !=
            RdKafka::Conf::CONF_OK ||
        conf->set("offset_commit_cb", static_cast<RdKafka::OffsetCommitCb*>(this), err) !=
            RdKafka::Conf::CONF_OK) {
      return absl::InternalError(err);
    }
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
    if (!consumer_) return absl::InvalidArgumentError(absl::StrCat("source.kafka: ", err));
    queue_ = rd_kafka_queue_get_consumer(consumer_->c_ptr());
    RdKafka::ErrorCode code = consumer_->subscribe(config_.topics);
    if (code != RdKafka::ERR_NO_ERROR) {
      return absl::InvalidArgumentError(
          absl::StrCat("source.kafka: cannot subscribe: ", RdKafka::err2str(code)));
    }
    return absl::OkStatus();
  }

  const std::string& name() const override { return name_; }

  absl::StatusOr<std::vector<Message>> Poll(size_t max_messages,
                                            std::chrono::milliseconds max_wait) override {
    if (CommitDue()) SendCommits();
    pending_.clear();
    // One call gathers up to max_messages or waits out max_wait, taking the queue's lock once
    // per call rather than per message (the C++ API has no batch consume). Callbacks (rebalance,
    // commit results, statistics) are served inside it, on this thread.
    batch_.resize(std::max<size_t>(max_messages, 1));
    const ssize_t n = rd_kafka_consume_batch_queue(queue_, static_cast<int>(max_wait.count()),
                                                   batch_.data(), batch_.size());
    if (n < 0) return absl::UnavailableError(rd_kafka_err2str(rd_kafka_last_error()));
    pending_.reserve(static_cast<size_t>(n));
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* msg = batch_[i];
      if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        Append(*msg);
      } else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        last_error_ = rd_kafka_message_errstr(msg);  // transient; librdkafka retries by itself
      }
      rd_kafka_message_destroy(msg);
    }
    return std::move(pending_);
  }

  absl::Status Commit(const std::vector<Message>& messages) override {
    std::map<TopicPartition, int64_t> finished;
    // A batch holds runs of one partition's messages: one lookup per run, not per message.
    for (size_t i = 0; i < messages.size();) {
      const Message& first = messages[i];
      int64_t next = first.offset + 1;
      for (++i; i < messages.size() && messages[i].partition == first.partition &&
                messages[i].topic == first.topic;
           ++i) {
        next = std::max(next, messages[i].offset + 1);
      }
      TopicPartition key{first.topic, first.partition};
      if (!assigned_.contains(key)) continue;
      int64_t& n = accepted_[key];
      n = std::max(n, next);
      finished[key] = n;
    }
    // Stored offsets are not committed (no auto-commit): they make librdkafka's statistics
    // report the lag behind what the loop finished (consumer_lag_stored), not behind the
    // last commit, which trails it by up to commit_interval_ms.
    if (!finished.empty()) {
      std::vector<RdKafka::TopicPartition*> offsets = Offsets(finished);
      (void)consumer_->offsets_store(offsets);  // a revoked partition's refusal is harmless
      RdKafka::TopicPartition::destroy(offsets);
    }
    if (CommitDue()) SendCommits();
    return absl::OkStatus();
  }

  // The result of an asynchronous commit, served from consume() on the loop's thread.
  void offset_commit_cb(RdKafka::ErrorCode err,
                        std::vector<RdKafka::TopicPartition*>& offsets) override {
    std::string error = err == RdKafka::ERR_NO_ERROR ? "" : RdKafka::err2str(err);
    for (RdKafka::TopicPartition* tp : offsets) {
      if (error.empty() && tp->err() != RdKafka::ERR_NO_ERROR) {
        error = absl::StrCat(tp->topic(), "/", tp->partition(), ": ", RdKafka::err2str(tp->err()));
      }
    }
    // _NO_OFFSET: nothing to commit; not a failure.
    if (error.empty() || err == RdKafka::ERR__NO_OFFSET) return;
    // Typically a rebalance: the partitions' new owner processes these messages again.
    LogEvent("commit_failed",
             {{"source", name_}, {"error", "Kafka offset commit failed: " + error}});
  }

  std::vector<std::pair<std::string, int64_t>> Lag() override {
    std::lock_guard<std::mutex> lock(lag_mu_);
    return {lag_.begin(), lag_.end()};
  }

  absl::Status Close() override {
    if (closed_) return absl::OkStatus();
    closed_ = true;
    // Waits for the asynchronous commits in flight and makes the last one certain.
    CommitOffsets(accepted_, /*wait=*/true, "at close");
    RdKafka::ErrorCode code = consumer_->close();
    if (code != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(
          absl::StrCat("closing the Kafka consumer: ", RdKafka::err2str(code)));
    }
    return absl::OkStatus();
  }

  // Called from consume() on the loop's thread.
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      if (config_.start.rfind("timestamp:", 0) == 0) SeekNewPartitionsToTimestamp(partitions);
      consumer->assign(partitions);
      for (RdKafka::TopicPartition* tp : partitions)
        assigned_.insert({tp->topic(), tp->partition()});
      last_topic_ = nullptr;  // Append looks ownership up again
      return;
    }
    // Revoked: what the loop finished of these partitions is committed while they are ours.
    std::map<TopicPartition, int64_t> finished = Unsent();
    std::erase_if(finished, [&](const auto& entry) {
      for (RdKafka::TopicPartition* tp : partitions) {
        if (entry.first == TopicPartition{tp->topic(), tp->partition()}) return false;
      }
      return true;
    });
    CommitOffsets(finished, /*wait=*/true, "at revocation");
    last_topic_ = nullptr;  // Append looks ownership up again
    for (RdKafka::TopicPartition* tp : partitions) {
      assigned_.erase({tp->topic(), tp->partition()});
      accepted_.erase({tp->topic(), tp->partition()});
      sent_.erase({tp->topic(), tp->partition()});
    }
    // Revoked: forget what was fetched from these partitions and not yet handed out.
    std::erase_if(pending_, [&](const Message& m) {
      for (RdKafka::TopicPartition* tp : partitions) {
        if (tp->topic() == m.topic && tp->partition() == m.partition) return true;
      }
      return false;
    });
    consumer->unassign();
  }

  // Statistics come from consume() on the loop's thread; log lines and errors may come from
  // librdkafka's threads.
  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_STATS) {
      ParseStats(event.str());
    } else {
      LogKafkaEvent("source", name_, event);
    }
  }

 private:
  using TopicPartition = std::pair<std::string, int32_t>;
  using Clock = std::chrono::steady_clock;

  // Adds a fetched message to pending_, unless its partition was revoked meanwhile (a rebalance
  // served inside the batch call). The payload keeps room for simdjson's padding, so that the
  // decoder parses it in place.
  void Append(const rd_kafka_message_t& msg) {
    if (msg.rkt != last_topic_ || msg.partition != last_partition_) {
      last_topic_ = msg.rkt;
      last_partition_ = msg.partition;
      last_topic_name_ = rd_kafka_topic_name(msg.rkt);
      last_owned_ = assigned_.contains({last_topic_name_, msg.partition});
    }
    if (!last_owned_) return;
    Message& m = pending_.emplace_back();
    m.payload.reserve(msg.len + kPayloadPadding);
    m.payload.assign(static_cast<const char*>(msg.payload), msg.len);
    m.topic = last_topic_name_;
    m.partition = msg.partition;
    m.offset = msg.offset;
    rd_kafka_timestamp_type_t type;
    const int64_t ts = rd_kafka_message_timestamp(&msg, &type);
    if (type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && ts > 0) m.timestamp_ms = ts;
  }

  // Finished offsets not yet sent, and the interval since the last send is over.
  bool CommitDue() const {
    if (accepted_ == sent_) return false;
    return config_.commit_interval_ms == 0 ||
           Clock::now() - last_sent_ >= std::chrono::milliseconds(config_.commit_interval_ms);
  }

  // The finished offsets that changed since they were last sent.
  std::map<TopicPartition, int64_t> Unsent() const {
    std::map<TopicPartition, int64_t> changed;
    for (const auto& [tp, offset] : accepted_) {
      auto sent = sent_.find(tp);
      if (sent == sent_.end() || sent->second != offset) changed.emplace(tp, offset);
    }
    return changed;
  }

  // Sends the changed finished offsets, asynchronously.
  void SendCommits() {
    last_sent_ = Clock::now();
    CommitOffsets(Unsent(), /*wait=*/false, "");
  }

  // Commits `offsets`, waiting for the broker's answer when `wait`. A failure is logged (it
  // only means a replay; unsent offsets go again with the next commit).
  void CommitOffsets(const std::map<TopicPartition, int64_t>& offsets, bool wait,
                     const char* when) {
    if (offsets.empty()) return;
    std::vector<RdKafka::TopicPartition*> list = Offsets(offsets);
    RdKafka::ErrorCode code = wait ? consumer_->commitSync(list) : consumer_->commitAsync(list);
    RdKafka::TopicPartition::destroy(list);
    if (code != RdKafka::ERR_NO_ERROR) {
      LogEvent("commit_failed", {{"source", name_},
                                 {"error", absl::StrCat("Kafka offset commit ", when,
                                                        *when ? " " : "", "failed: ",
                                                        RdKafka::err2str(code))}});
      return;
    }
    for (const auto& [tp, offset] : offsets) sent_[tp] = offset;
  }

  static std::vector<RdKafka::TopicPartition*> Offsets(
      const std::map<TopicPartition, int64_t>& next) {
    std::vector<RdKafka::TopicPartition*> offsets;
    for (const auto& [tp, offset] : next) {
      offsets.push_back(RdKafka::TopicPartition::create(tp.first, tp.second, offset));
    }
    return offsets;
  }

  void SeekNewPartitionsToTimestamp(std::vector<RdKafka::TopicPartition*>& partitions) {
    int64_t timestamp = std::stoll(config_.start.substr(10));
    if (consumer_->committed(partitions, 10000) != RdKafka::ERR_NO_ERROR) return;
    std::vector<RdKafka::TopicPartition*> fresh;
    for (RdKafka::TopicPartition* tp : partitions) {
      if (tp->offset() < 0)
        fresh.push_back(RdKafka::TopicPartition::create(tp->topic(), tp->partition(), timestamp));
    }
    if (!fresh.empty() && consumer_->offsetsForTimes(fresh, 10000) == RdKafka::ERR_NO_ERROR) {
      for (RdKafka::TopicPartition* f : fresh) {
        for (RdKafka::TopicPartition* tp : partitions) {
          if (tp->topic() == f->topic() && tp->partition() == f->partition())
            tp->set_offset(f->offset());
        }
      }
    }
    RdKafka::TopicPartition::destroy(fresh);
  }

  // On the loop's thread (statistics are served by the consume call, as assigned_ is updated).
  void ParseStats(const std::string& json) {
    simdjson::dom::parser parser;
    simdjson::dom::object topics;
    if (parser.parse(json)["topics"].get(topics)) return;
    std::lock_guard<std::mutex> lock(lag_mu_);
    lag_.clear();  // only the partitions this consumer owns now
    for (auto [topic, body] : topics) {
      simdjson::dom::object partitions;
      if (body["partitions"].get(partitions)) continue;
      for (auto [partition, p] : partitions) {
        int64_t lag;
        int32_t number;
        if (!absl::SimpleAtoi(absl::string_view(partition.data(), partition.size()), &number) ||
            !assigned_.contains({std::string(topic), number})) {
          continue;  // not ours (any more), or librdkafka's "-1" entry
        }
        // Behind the offsets the loop finished; without any yet, behind the last commit.
        if ((p["consumer_lag_stored"].get(lag) || lag < 0) &&
            (p["consumer_lag"].get(lag) || lag < 0)) {
          continue;
        }
        lag_[absl::StrCat("topic=\"", std::string(topic), "\",partition=\"", std::string(partition),
                          "\"")] = lag;
      }
    }
  }

  KafkaSourceConfig config_;
  std::string name_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  rd_kafka_queue_t* queue_ = nullptr;  // the consumer's queue (its reference, released at close)
  std::vector<rd_kafka_message_t*> batch_;
  // The partition of the last message Append saw, and whether this consumer owns it (reset
  // whenever assigned_ changes).
  const rd_kafka_topic_t* last_topic_ = nullptr;
  int32_t last_partition_ = -1;
  std::string last_topic_name_;
  bool last_owned_ = false;
  std::vector<Message> pending_;
  std::set<TopicPartition> assigned_;            // partitions this consumer owns now
  // Next offsets per owned partition: of the messages the loop finished, and as last sent.
  std::map<TopicPartition, int64_t> accepted_, sent_;
  Clock::time_point last_sent_{};
  bool closed_ = false;
  std::string last_error_;
  std::mutex lag_mu_;
  std::map<std::string, int64_t> lag_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Source>> MakeKafkaSource(const KafkaSourceConfig& config) {
  auto source = std::make_unique<KafkaSource>(config);
  absl::Status status = source->Start();
  if (!status.ok()) return status;
  return std::unique_ptr<Source>(std::move(source));
}

}  // namespace ferry::stream
