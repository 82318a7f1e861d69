// librdkafka's log lines (its `debug` property's too) and errors, forwarded to the JSON log of
// `ferry stream` as {"event":"kafka_log"|"kafka_error", "source"|"sink": name, ...} instead
// of librdkafka's plain lines on stderr (or nothing, once an event callback is set). Safe to
// call from librdkafka's threads.
#ifndef FERRY_STREAM_KAFKA_EVENTS_H_
#define FERRY_STREAM_KAFKA_EVENTS_H_

#include <librdkafka/rdkafkacpp.h>

#include <cstdint>
#include <string>

#include "stream/stream_log.h"

namespace ferry::stream {

// `role` is "source" or "sink"; other events (statistics, throttling) are left to the caller.
inline void LogKafkaEvent(const std::string& role, const std::string& name,
                          const RdKafka::Event& event) {
  if (event.type() == RdKafka::Event::EVENT_LOG) {
    LogEvent("kafka_log", {{role, name}, {"facility", event.fac()}, {"message", event.str()}},
             {{"severity", static_cast<int64_t>(event.severity())}});
  } else if (event.type() == RdKafka::Event::EVENT_ERROR) {
    LogEvent("kafka_error",
             {{role, name}, {"error", RdKafka::err2str(event.err())}, {"message", event.str()}});
  }
}

}  // namespace ferry::stream

#endif  // FERRY_STREAM_KAFKA_EVENTS_H_
