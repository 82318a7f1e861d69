// Kafka sink: one producer (acks=all), the event id as message key so one id always lands in
// one partition, and a batch is accepted only when every message's delivery report is OK.
#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <memory>

#include "absl/strings/str_cat.h"
#include "stream/adapters.h"

namespace ferry::stream {
namespace {

class KafkaSink : public Sink, public RdKafka::DeliveryReportCb {
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
    if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(this), err) !=
        RdKafka::Conf::CONF_OK) {
      return absl::InternalError(err);
    }
    producer_.reset(RdKafka::Producer::create(conf.get(), err));
    if (!producer_) return absl::InvalidArgumentError(absl::StrCat("sink kafka: ", err));
    return absl::OkStatus();
  }

  const std::string& name() const override { return name_; }

  absl::Status Write(const SinkBatch& batch) override {
    if (batch.size() == 0) return absl::OkStatus();
    failed_ = 0;
    first_error_.clear();
    for (size_t i = 0; i < batch.size(); ++i) {
      const std::string& key = batch.ids[i];
      const std::string& value = batch.json[i];
      while (true) {
        RdKafka::ErrorCode code = producer_->produce(
            config_.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
            const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0, nullptr);
        if (code == RdKafka::ERR_NO_ERROR) break;
        if (code == RdKafka::ERR__QUEUE_FULL) {
          producer_->poll(10);  // the queue drains as deliveries complete
          continue;
        }
        return absl::InvalidArgumentError(
            absl::StrCat(name_, ": cannot produce: ", RdKafka::err2str(code)));
      }
    }
    RdKafka::ErrorCode code = producer_->flush(60000);
    if (code != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(absl::StrCat(name_, ": messages not delivered within 60 s (",
                                                 RdKafka::err2str(code), ")"));
    }
    if (failed_ > 0) {
      return absl::UnavailableError(absl::StrCat(name_, ": ", failed_.load(), " of ", batch.size(),
                                                 " messages failed: ", first_error_));
    }
    return absl::OkStatus();
  }

  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR) {
      if (failed_++ == 0) first_error_ = message.errstr();
    }
  }

 private:
  SinkConfig config_;
  std::string name_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::atomic<size_t> failed_ = 0;
  std::string first_error_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Sink>> MakeKafkaSink(const SinkConfig& config) {
  auto sink = std::make_unique<KafkaSink>(config);
  absl::Status status = sink->Start();
  if (!status.ok()) return status;
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace ferry::stream
