// StreamConfig: everything `ferry stream --config FILE` reads from its YAML file (docs/stream.md
// documents every key with its default). ParseStreamConfig checks types and required keys and
// names the key in every error ("stream.yaml: source.kafka.topics: expected a list").
#ifndef FERRY_STREAM_CONFIG_H_
#define FERRY_STREAM_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bundle/output_event.h"

namespace ferry::stream {

struct ModelConfig {
  std::string bundle;      // a bundle directory, or
  std::string repository;  // a model repository (with `name`, optional `alias`)
  std::string name;
  std::string alias;          // "" = the latest version
  double reload_seconds = 2;  // how often to look for new versions; 0 = never
};

struct KafkaSourceConfig {
  std::string brokers;
  std::vector<std::string> topics;
  std::string group;
  std::string start = "earliest";  // earliest | latest | timestamp:<epoch ms>, for a new group
  // Offsets of accepted batches are sent to the broker at most this often (0: after every
  // batch), and always at a revocation and at Close.
  int64_t commit_interval_ms = 1000;
  std::map<std::string, std::string> properties;  // passed to librdkafka as they are
};

struct RedisSourceConfig {
  std::string url;  // redis://host:port[/db]
  std::string stream;
  std::string group;
  std::string consumer;           // default: <hostname>-<pid>
  std::string field = "data";     // the entry field holding the event
  std::string start = "0";        // where a new group starts: "0" (everything) or "$" (new only)
  int64_t claim_idle_ms = 30000;  // take over entries pending longer than this; 0 = never
};

struct SourceConfig {
  std::optional<KafkaSourceConfig> kafka;
  std::optional<RedisSourceConfig> redis;
};

struct EventConfig {
  std::string format = "json";  // json | kinesis
  std::string input_path;       // dotted path of the inputs object; "" = top level
  std::string id_field;         // dotted path of the event id; "" = the source position
  std::string timestamp_field;  // dotted path of the event time (epoch s/ms or ms); "" = source's
};

// The output event's layout and keys (`output:`), shared with every writer of output events.
using OutputConfig = bundle::OutputEventKeys;

struct SinkConfig {
  std::string type;  // kafka | redis | postgres | sqlite | file
  // kafka
  std::string brokers, topic;
  std::map<std::string, std::string> properties;
  // redis
  std::string url, stream;
  int64_t maxlen = 0;  // approximate MAXLEN trimming; 0 = none
  // postgres / sqlite (url), table
  std::string table;
  // postgres / sqlite row shape: "columns" (one column per output field) or "json" (columns
  // id, model, version, processed_at and `event`, the output event's JSON line; the shape of
  // the async result store, docs/async.md).
  std::string shape = "columns";
  // file
  std::string dir, format = "jsonl", prefix = "events";
  int64_t roll_bytes = 64 << 20;
  double roll_seconds = 300;
};

struct StreamConfig {
  std::string path;  // the file it came from
  ModelConfig model;
  SourceConfig source;
  EventConfig events;
  OutputConfig output;
  std::vector<SinkConfig> sinks;
  std::optional<SinkConfig> dead_letter;
  size_t max_records = 500;
  int64_t max_wait_ms = 100;
  int score_threads = 2;  // threads scoring one batch (slices of at least 256 events each)
  // Batches handed to the sinks and not yet committed, at most; with Kafka sinks their
  // acknowledgements overlap. 1 = each batch is accepted and committed before the next goes out.
  int max_in_flight = 16;
  // Attempts per sink and batch while it is unavailable before giving up (exit 1, nothing of
  // the batch committed); 0 = retry forever (consumption stays paused meanwhile).
  int sink_retries = 0;
  int64_t backoff_initial_ms = 100;
  int64_t backoff_max_ms = 5000;
  int metrics_port = 0;  // 0 = no metrics endpoint
  std::string metrics_host = "0.0.0.0";
  bool log_batches = false;
};

// Reads and checks the YAML file at `path`.
absl::StatusOr<StreamConfig> LoadStreamConfig(const std::string& path);
// The same from text; `path` is used in messages and to resolve relative paths.
absl::StatusOr<StreamConfig> ParseStreamConfig(const std::string& yaml, const std::string& path);

}  // namespace ferry::stream

#endif  // FERRY_STREAM_CONFIG_H_
