// stream_load: the stream benchmark's load generator and latency reader, in C++ so that the
// harness takes little of the machine next to the broker and ferry (see bench/stream/README.md).
//
//   stream_load produce --brokers B --topic T --rate R --count N [-X key=value]...
//     Sends N ride events (ride_events.h) at R events/s, paced in bursts on a monotonic clock
//     (every --burst-us, all events due by then), each stamped with its send time (wall clock,
//     us). Prints one JSON line: events sent, delivered, failed, the rate actually achieved
//     and the largest backlog behind the schedule, and its own CPU seconds.
//   stream_load read --brokers B --topic T --count N [--idle-timeout-s S] [-X key=value]...
//     Consumes T from its end (a fresh group), takes arrival minus the send time carried in
//     each message key "<i>:<sent_us>", and stops after N messages, or S seconds without one
//     once the first arrived, or --first-timeout-s without any. Prints one JSON line: count,
//     p50, p90, p99, max and mean latency in ms, exact over all samples, and its CPU seconds.
// -X sets any librdkafka property (e.g. api.version.request=false for Kafka 0.9). Exit status
// 0 on success, 1 on a Kafka error, 2 on bad arguments.
#include <librdkafka/rdkafkacpp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "ride_events.h"

namespace {

using Clock = std::chrono::steady_clock;
using Properties = std::map<std::string, std::string>;

int64_t WallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// CPU seconds (user + system) this process used so far.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Defaults first, then every -X key=value over them; nullptr (and a message) on a bad one.
std::unique_ptr<RdKafka::Conf> MakeConf(Properties defaults, const std::vector<std::string>& xs) {
  for (const std::string& x : xs) {
    size_t eq = x.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "stream_load: -X %s: expected key=value\n", x.c_str());
      return nullptr;
    }
    defaults[x.substr(0, eq)] = x.substr(eq + 1);
  }
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  for (const auto& [key, value] : defaults) {
    if (conf->set(key, value, err) != RdKafka::Conf::CONF_OK) {
      std::fprintf(stderr, "stream_load: librdkafka property %s=%s: %s\n", key.c_str(),
                   value.c_str(), err.c_str());
      return nullptr;
    }
  }
  return conf;
}

class DeliveryCounter : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      ++delivered;
    } else {
      if (failed++ == 0) first_error = message.errstr();
    }
  }
  int64_t delivered = 0, failed = 0;
  std::string first_error;
};

struct ProduceOptions {
  std::string brokers, topic;
  double rate = 10000;  // events/s; <= 0 sends all at once
  int64_t count = 0;
  int burst_us = 1000;
  std::vector<std::string> properties;
};

int Produce(const ProduceOptions& o) {
  DeliveryCounter deliveries;
  std::unique_ptr<RdKafka::Conf> conf =
      MakeConf({{"bootstrap.servers", o.brokers},
                {"linger.ms", "0"},
                {"socket.nagle.disable", "true"},
                {"queue.buffering.max.messages", "1000000"}},
               o.properties);
  std::string err;
  if (!conf || conf->set("dr_cb", &deliveries, err) != RdKafka::Conf::CONF_OK) return 2;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
  if (!producer) {
    std::fprintf(stderr, "stream_load produce: %s\n", err.c_str());
    return 1;
  }
  std::unique_ptr<RdKafka::Topic> topic(
      RdKafka::Topic::create(producer.get(), o.topic, nullptr, err));
  if (!topic) {
    std::fprintf(stderr, "stream_load produce: topic %s: %s\n", o.topic.c_str(), err.c_str());
    return 1;
  }
  const auto tick = std::chrono::microseconds(o.burst_us);
  std::string event;
  int64_t sent = 0, max_backlog = 0;
  const Clock::time_point start = Clock::now();
  for (int64_t burst = 1; sent < o.count; ++burst) {
    int64_t due = o.rate <= 0 ? o.count
                              : std::min<int64_t>(o.count, static_cast<int64_t>(std::floor(
                                                               SecondsSince(start) * o.rate)));
    max_backlog = std::max(max_backlog, due - sent);
    for (; sent < due; ++sent) {
      ferry::bench::FormatRideEvent(sent, WallMicros(), event);
      RdKafka::ErrorCode code;
      while ((code = producer->produce(topic.get(), RdKafka::Topic::PARTITION_UA,
                                       RdKafka::Producer::RK_MSG_COPY, event.data(), event.size(),
                                       nullptr, 0, nullptr)) == RdKafka::ERR__QUEUE_FULL) {
        producer->poll(1);
      }
      if (code != RdKafka::ERR_NO_ERROR) {
        std::fprintf(stderr, "stream_load produce: event %lld: %s\n",
                     static_cast<long long>(sent), RdKafka::err2str(code).c_str());
        return 1;
      }
    }
    producer->poll(0);
    std::this_thread::sleep_until(start + burst * tick);
  }
  const double seconds = SecondsSince(start);
  const Clock::time_point flush_start = Clock::now();
  const bool flushed = producer->flush(60000) == RdKafka::ERR_NO_ERROR;
  std::printf(
      "{\"sent\": %lld, \"delivered\": %lld, \"failed\": %lld, \"seconds\": %.3f, "
      "\"rate\": %.1f, \"target_rate\": %.1f, \"max_backlog_ms\": %.3f, \"flush_ms\": %.3f, "
      "\"cpu_s\": %.3f}\n",
      static_cast<long long>(sent), static_cast<long long>(deliveries.delivered),
      static_cast<long long>(deliveries.failed), seconds,
      seconds > 0 ? static_cast<double>(sent) / seconds : 0.0, o.rate,
      o.rate > 0 ? 1000.0 * static_cast<double>(max_backlog) / o.rate : 0.0,
      1000 * SecondsSince(flush_start), CpuSeconds());
  std::fflush(stdout);
  if (!flushed || deliveries.failed > 0) {
    std::fprintf(stderr, "stream_load produce: %lld events not delivered (%s)\n",
                 static_cast<long long>(sent - deliveries.delivered),
                 deliveries.first_error.empty() ? "flush timed out"
                                                : deliveries.first_error.c_str());
    return 1;
  }
  return 0;
}

// Assigns what the group hands out and says so on stderr (the reader is then ready).
class AssignAndReport : public RdKafka::RebalanceCb {
 public:
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      consumer->assign(partitions);
      std::fprintf(stderr, "{\"event\": \"assigned\", \"partitions\": %zu}\n", partitions.size());
    } else {
      consumer->unassign();
    }
  }
};

struct ReadOptions {
  std::string brokers, topic, group;
  int64_t count = 0;
  double idle_timeout_s = 5, first_timeout_s = 120;
  std::vector<std::string> properties;
};

int Read(const ReadOptions& o) {
  AssignAndReport rebalance;
  std::string group = o.group.empty()
                          ? absl::StrFormat("stream-load-reader-%s-%d", o.topic, getpid())
                          : o.group;
  std::unique_ptr<RdKafka::Conf> conf = MakeConf({{"bootstrap.servers", o.brokers},
                                                  {"group.id", group},
                                                  {"auto.offset.reset", "latest"},
                                                  {"enable.auto.commit", "false"},
                                                  {"fetch.wait.max.ms", "2"},
                                                  {"socket.nagle.disable", "true"}},
                                                 o.properties);
  std::string err;
  if (!conf || conf->set("rebalance_cb", &rebalance, err) != RdKafka::Conf::CONF_OK) return 2;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer) {
    std::fprintf(stderr, "stream_load read: %s\n", err.c_str());
    return 1;
  }
  if (RdKafka::ErrorCode code = consumer->subscribe({o.topic}); code != RdKafka::ERR_NO_ERROR) {
    std::fprintf(stderr, "stream_load read: subscribe %s: %s\n", o.topic.c_str(),
                 RdKafka::err2str(code).c_str());
    return 1;
  }
  std::vector<double> latencies_ms;
  latencies_ms.reserve(static_cast<size_t>(std::max<int64_t>(o.count, 0)));
  int64_t malformed = 0;
  const Clock::time_point start = Clock::now();
  Clock::time_point last = start;
  const char* stop = "count";
  while (static_cast<int64_t>(latencies_ms.size()) + malformed < o.count) {
    std::unique_ptr<RdKafka::Message> msg(consumer->consume(50));
    if (msg->err() == RdKafka::ERR_NO_ERROR) {
      const int64_t now_us = WallMicros();
      last = Clock::now();
      std::optional<int64_t> sent_us = ferry::bench::SendTimeFromKey(
          msg->key_pointer() == nullptr
              ? std::string_view()
              : std::string_view(static_cast<const char*>(msg->key_pointer()), msg->key_len()));
      if (sent_us) {
        latencies_ms.push_back(static_cast<double>(now_us - *sent_us) / 1000.0);
      } else {
        ++malformed;
      }
      continue;
    }
    const bool nothing_yet = latencies_ms.empty() && malformed == 0;
    if (nothing_yet && SecondsSince(start) > o.first_timeout_s) {
      stop = "first_timeout";
      break;
    }
    if (!nothing_yet && SecondsSince(last) > o.idle_timeout_s) {
      stop = "idle_timeout";
      break;
    }
  }
  consumer->close();
  ferry::bench::LatencySummary summary = ferry::bench::SummarizeLatencies(latencies_ms);
  std::string line = ferry::bench::LatencySummaryJson(summary);
  line.pop_back();  // the closing brace: two more fields follow
  std::printf("%s, \"malformed_keys\": %lld, \"stopped_by\": \"%s\", \"cpu_s\": %.3f}\n",
              line.c_str(), static_cast<long long>(malformed), stop, CpuSeconds());
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The stream benchmark's load generator (produce) and latency reader (read)."};
  app.require_subcommand(1);
  ProduceOptions p;
  CLI::App* produce = app.add_subcommand("produce", "send ride events at a fixed rate");
  produce->add_option("--brokers", p.brokers, "bootstrap servers")->required();
  produce->add_option("--topic", p.topic, "topic to send to")->required();
  produce->add_option("--rate", p.rate, "events per second (<= 0: unpaced)");
  produce->add_option("--count", p.count, "events to send")->required()->check(CLI::NonNegativeNumber);
  produce->add_option("--burst-us", p.burst_us, "pacing interval in microseconds")
      ->check(CLI::Range(50, 1000000));
  produce->add_option("-X", p.properties, "librdkafka property key=value");
  ReadOptions r;
  CLI::App* read = app.add_subcommand("read", "measure send-to-arrival latency of an output topic");
  read->add_option("--brokers", r.brokers, "bootstrap servers")->required();
  read->add_option("--topic", r.topic, "topic to read from its end")->required();
  read->add_option("--count", r.count, "stop after this many messages")->required();
  read->add_option("--group", r.group, "consumer group (default: a fresh one)");
  read->add_option("--idle-timeout-s", r.idle_timeout_s, "stop after this long without a message");
  read->add_option("--first-timeout-s", r.first_timeout_s, "give up if nothing arrives by then");
  read->add_option("-X", r.properties, "librdkafka property key=value");
  CLI11_PARSE(app, argc, argv);
  return produce->parsed() ? Produce(p) : Read(r);
}
