// Kafka sink: one producer (acks=all), the event id as message key so one id always lands in
// one partition, and a batch is accepted only when every message's delivery report is OK.
// Pipelined: each Send produces a batch's messages (with librdkafka's C produce_batch) tagged
// with that batch's delivery count, so several batches can be on their way to the broker while
// the oldest is awaited.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "stream/adapters.h"
#include "stream/kafka_events.h"

namespace ferry::stream {
namespace {

class KafkaSink : public Sink, public RdKafka::DeliveryReportCb, public RdKafka::EventCb {
 public:
  explicit KafkaSink(SinkConfig config)
      : config_(std::move(config)), name_("kafka:" + config_.topic) {}
  ~KafkaSink() override {
    if (producer_) producer_->flush(5000);
  }

  absl::Status Start() {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string err;
    std::map<std::string, std::string> settings = {
        {"bootstrap.servers", config_.brokers},
        {"socket.nagle.disable", "true"},  // no Nagle delay on small requests (latency)
        {"acks", "all"},
        {"linger.ms", "5"},
        {"message.timeout.ms", "30000"},
        {"queue.buffering.max.messages", "200000"},
    };
    for (const auto& [key, value] : config_.properties) settings[key] = value;
    for (const auto& [key, value] : settings) {
      if (conf->set(key, value, err) != RdKafka::Conf::CONF_OK) {
        return absl::InvalidArgumentError(
            absl::StrCat("sink kafka: property ", key, "=", value, ": ", err));
      }
    }
    std::string message_timeout;
    if (conf->get("message.timeout.ms", message_timeout) == RdKafka::Conf::CONF_OK) {
      int64_t ms = 0;
      if (absl::SimpleAtoi(message_timeout, &ms) && ms > 0) {
        delivery_timeout_ = std::chrono::milliseconds(ms + 10000);
      }
    }
    if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(this), err) !=
            RdKafka::Conf::CONF_OK ||
        conf->set("event_cb", static_cast<RdKafka::EventCb*>(this), err) !=
            RdKafka::Conf::CONF_OK) {
      return absl::InternalError(err);
    }
    producer_.reset(RdKafka::Producer::create(conf.get(), err));
    if (!producer_) return absl::InvalidArgumentError(absl::StrCat("sink kafka: ", err));
    // A topic handle: producing by name looks the topic up for every message.
    topic_.reset(RdKafka::Topic::create(producer_.get(), config_.topic, nullptr, err));
    if (!topic_) {
      return absl::InvalidArgumentError(
          absl::StrCat("sink kafka: topic ", config_.topic, ": ", err));
    }
    return absl::OkStatus();
  }

  const std::string& name() const override { return name_; }

  absl::Status Write(const SinkBatch& batch) override {
    const uint64_t ticket = Send(batch);
    while (true) {
      absl::Status status = Await(ticket, std::chrono::milliseconds(1000));
      if (status.code() != absl::StatusCode::kDeadlineExceeded) return status;
    }
  }

  bool pipelined() const override { return true; }

  uint64_t Send(const SinkBatch& batch) override {
    const uint64_t ticket = next_ticket_++;
    Delivery& d = deliveries_[ticket];
    d.deadline = std::chrono::steady_clock::now() + delivery_timeout_;
    // One produce_batch call per batch (the C++ API produces one message per call); messages
    // the full queue refused are produced again once deliveries made room.
    std::vector<rd_kafka_message_t> pending(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      rd_kafka_message_t& m = pending[i];
      m = rd_kafka_message_t{};
      m.payload = const_cast<char*>(batch.json[i].data());
      m.len = batch.json[i].size();
      m.key = const_cast<char*>(batch.ids[i].data());
      m.key_len = batch.ids[i].size();
      m._private = &d;
    }
    d.outstanding = pending.size();
    while (!pending.empty()) {
      rd_kafka_produce_batch(topic_->c_ptr(), RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                             pending.data(), static_cast<int>(pending.size()));
      std::vector<rd_kafka_message_t> refused;
      for (const rd_kafka_message_t& m : pending) {
        if (m.err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
        if (m.err == RD_KAFKA_RESP_ERR__QUEUE_FULL && d.send_error.ok()) {
          refused.push_back(m);
          refused.back().err = RD_KAFKA_RESP_ERR_NO_ERROR;
          continue;
        }
        --d.outstanding;  // never produced: no report will come
        if (d.send_error.ok()) {
          d.send_error = absl::InvalidArgumentError(
              absl::StrCat(name_, ": cannot produce: ", rd_kafka_err2str(m.err)));
        }
      }
      if (!d.send_error.ok()) {
        d.outstanding -= refused.size();  // the rest of the batch is not sent
        break;
      }
      pending = std::move(refused);
      if (!pending.empty()) producer_->poll(10);  // the queue drains as deliveries complete
    }
    producer_->poll(0);  // serves the reports that are in already
    return ticket;
  }

  absl::Status Await(uint64_t ticket, std::chrono::milliseconds wait) override {
    auto it = deliveries_.find(ticket);
    if (it == deliveries_.end()) return absl::InternalError(name_ + ": unknown batch ticket");
    Delivery& d = it->second;
    const auto until = std::chrono::steady_clock::now() + wait;
    while (d.outstanding > 0) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= d.deadline) break;
      if (now >= until) return absl::DeadlineExceededError(name_ + ": not yet acknowledged");
      // poll() serves the delivery reports that are in, waiting up to `left` for the first.
      // Messages go out as linger.ms and batch.num.messages say (flush() would send them at
      // once, in requests too small for the broker to keep up).
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
      producer_->poll(static_cast<int>(std::max<int64_t>(1, left.count())));
    }
    absl::Status result = d.send_error;
    if (result.ok() && d.outstanding > 0) {
      result = absl::UnavailableError(absl::StrCat(
          name_, ": ", d.outstanding, " messages not delivered within ",
          std::chrono::duration_cast<std::chrono::seconds>(delivery_timeout_).count(), " s"));
    } else if (result.ok() && d.failed > 0) {
      result = absl::UnavailableError(absl::StrCat(name_, ": ", d.failed, " messages failed: ",
                                                   d.first_error));
    }
    // Reports still due reference `d`: it stays (and is dropped later) until they are in.
    if (d.outstanding == 0) {
      deliveries_.erase(it);
    } else {
      d.abandoned = true;
    }
    DropAbandoned();
    return result;
  }

  // librdkafka's log lines and errors, to the JSON log (from any of its threads).
  void event_cb(RdKafka::Event& event) override { LogKafkaEvent("sink", name_, event); }

  // Delivery reports are served by poll/flush, on the thread that calls Send and Await.
  void dr_cb(RdKafka::Message& message) override {
    auto* d = static_cast<Delivery*>(message.msg_opaque());
    if (d == nullptr) return;
    --d->outstanding;
    if (message.err() != RdKafka::ERR_NO_ERROR && d->failed++ == 0) {
      d->first_error = message.errstr();
    }
  }

 private:
  // One Send's messages: how many reports are still due and what failed.
  struct Delivery {
    size_t outstanding = 0;
    size_t failed = 0;
    std::string first_error;
    absl::Status send_error;  // produce refused a message: the rest of the batch was not sent
    std::chrono::steady_clock::time_point deadline;
    bool abandoned = false;  // awaited already; dropped once its last report is in
  };

  void DropAbandoned() {
    for (auto it = deliveries_.begin(); it != deliveries_.end();) {
      if (it->second.abandoned && it->second.outstanding == 0) {
        it = deliveries_.erase(it);
      } else {
        ++it;
      }
    }
  }

  SinkConfig config_;
  std::string name_;
  uint64_t next_ticket_ = 1;
  // 10 s beyond message.timeout.ms, after which librdkafka reports undelivered messages failed:
  // a batch still unreported then is given up (Unavailable, so sent again).
  std::chrono::milliseconds delivery_timeout_{40000};
  std::map<uint64_t, Delivery> deliveries_;  // before producer_: reports may refer to them
  std::unique_ptr<RdKafka::Producer> producer_;
  std::unique_ptr<RdKafka::Topic> topic_;  // after producer_: destroyed before it
};

}  // namespace

absl::StatusOr<std::unique_ptr<Sink>> MakeKafkaSink(const SinkConfig& config) {
  auto sink = std::make_unique<KafkaSink>(config);
  absl::Status status = sink->Start();
  if (!status.ok()) return status;
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace ferry::stream
