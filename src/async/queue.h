// RequestQueue: where `ferry serve` puts validated asynchronous requests, chosen by URL:
//   embedded                      a SQLite table in the state directory, scored by the
//                                 server's own worker threads (embedded_queue.h)
//   kafka://host:port[,...]/topic a Kafka topic (acks=all), consumed by `ferry stream`;
//                                 ?key=value&... sets librdkafka properties (for Kafka 0.9:
//                                 ?api.version.request=false&broker.version.fallback=0.9.0.1)
//   redis://host:port[/db]/stream a Redis stream (XADD, fields id and data), likewise
// A topic or stream name may contain "{model}", replaced by the request's model name, so each
// model gets its own topic (a `ferry stream` worker scores one model).
// Enqueue returns OK only once the request is durable: committed to SQLite, or acknowledged
// by the broker. Implementations are thread-safe.
#ifndef FERRY_ASYNC_QUEUE_H_
#define FERRY_ASYNC_QUEUE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "async/request.h"

namespace ferry::async {

class RequestQueue {
 public:
  virtual ~RequestQueue() = default;
  // "embedded:/state/ferry-async.db", "kafka:localhost:9092/requests", for logs.
  virtual const std::string& description() const = 0;
  // Unavailable when the broker or database cannot take it now (answer 503).
  virtual absl::Status Enqueue(const QueuedRequest& request) = 0;
  // Requests waiting to be scored, or -1 when only the broker knows.
  virtual int64_t Depth() const { return -1; }
  // True when Enqueue also inserts the request's waiting row in the result store (in the same
  // transaction, when both live in one database); the caller inserts it otherwise.
  virtual bool RecordsWaitingRow() const { return false; }
  // Starts this process's workers, if the queue has any (call once the models are loaded).
  virtual void StartWorkers() {}
  // Requests scored by this process's workers so far.
  virtual int64_t Completed() const { return 0; }
};

struct QueueUrl {
  std::string kind;      // "embedded", "kafka" or "redis"
  std::string endpoint;  // Kafka brokers, or the Redis URL without the stream
  std::string name;      // topic or stream (may contain "{model}")
  std::map<std::string, std::string> properties;  // Kafka: librdkafka properties
};

// InvalidArgument naming the accepted forms for anything else.
absl::StatusOr<QueueUrl> ParseQueueUrl(const std::string& url);

// A Kafka or Redis queue. REQUIRES: url.kind is "kafka" or "redis".
absl::StatusOr<std::unique_ptr<RequestQueue>> OpenBrokerQueue(const QueueUrl& url);

}  // namespace ferry::async

#endif  // FERRY_ASYNC_QUEUE_H_
