// Kafka and Redis queues: the stream layer's Kafka sink (acks=all, waits for delivery) and
// Redis sink (XADD), one per topic or stream, behind one mutex.
#include <map>
#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "async/queue.h"
#include "stream/adapters.h"

namespace ferry::async {
namespace {

constexpr char kForms[] =
    "use embedded, kafka://host:port[,host:port...]/topic or redis://host:port[/db]/stream "
    "(a topic or stream may contain {model})";

class BrokerQueue : public RequestQueue {
 public:
  explicit BrokerQueue(QueueUrl url)
      : url_(std::move(url)),
        description_(absl::StrCat(url_.kind, ":", url_.endpoint, "/", url_.name)) {}

  const std::string& description() const override { return description_; }

  absl::Status Enqueue(const QueuedRequest& request) override {
    std::string name = absl::StrReplaceAll(url_.name, {{"{model}", request.model}});
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = sinks_.find(name);
    if (it == sinks_.end()) {
      stream::SinkConfig config;
      config.type = url_.kind;
      if (url_.kind == "kafka") {
        config.brokers = url_.endpoint;
        config.topic = name;
        config.properties = url_.properties;
        config.properties.emplace("message.timeout.ms", "10000");
        config.properties.emplace("linger.ms", "0");  // one request at a time: send it now
      } else {
        config.url = url_.endpoint;
        config.stream = name;
      }
      auto sink =
          url_.kind == "kafka" ? stream::MakeKafkaSink(config) : stream::MakeRedisSink(config);
      if (!sink.ok()) return sink.status();
      it = sinks_.emplace(name, std::move(*sink)).first;
    }
    stream::SinkBatch batch;
    batch.ids = {request.id};
    batch.json = {request.event};
    absl::Status status = it->second->Write(batch);
    if (!status.ok() && status.code() != absl::StatusCode::kUnavailable) {
      return absl::UnavailableError(status.message());
    }
    return status;
  }

 private:
  QueueUrl url_;
  std::string description_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<stream::Sink>> sinks_;
};

}  // namespace

absl::StatusOr<QueueUrl> ParseQueueUrl(const std::string& url) {
  if (url == "embedded") return QueueUrl{"embedded", "", "", {}};
  for (std::string kind : {"kafka", "redis"}) {
    std::string prefix = absl::StrCat(kind, "://");
    if (!absl::StartsWith(url, prefix)) continue;
    std::string rest = url.substr(prefix.size());
    std::map<std::string, std::string> properties;
    if (size_t q = rest.find('?'); q != std::string::npos && kind == "kafka") {
      for (absl::string_view pair : absl::StrSplit(rest.substr(q + 1), '&', absl::SkipEmpty())) {
        std::vector<std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
        if (kv.size() != 2 || kv[0].empty()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "--async-queue ", url, ": '", pair, "' is not a key=value librdkafka property"));
        }
        properties[kv[0]] = kv[1];
      }
      rest.resize(q);
    }
    size_t slash = rest.rfind('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size() ||
        (kind == "kafka" && rest.find('/') != slash)) {
      return absl::InvalidArgumentError(absl::StrCat("--async-queue ", url, ": no ",
                                                     kind == "kafka" ? "topic" : "stream",
                                                     " name after the address; ", kForms));
    }
    std::string endpoint = rest.substr(0, slash);
    if (kind == "redis") endpoint = absl::StrCat("redis://", endpoint);
    return QueueUrl{kind, endpoint, rest.substr(slash + 1), std::move(properties)};
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--async-queue '", url, "' is not known; ", kForms));
}

absl::StatusOr<std::unique_ptr<RequestQueue>> OpenBrokerQueue(const QueueUrl& url) {
  return std::unique_ptr<RequestQueue>(std::make_unique<BrokerQueue>(url));
}

}  // namespace ferry::async
