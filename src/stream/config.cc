// YAML -> StreamConfig with key-by-key checks. yaml-cpp throws on bad conversions; every call
// into it happens inside ParseStreamConfig's try block and comes back as a Status.
#include "stream/config.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "yaml-cpp/yaml.h"

namespace ferry::stream {
namespace {

namespace fs = std::filesystem;

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  absl::Status Error(const std::string& key, const std::string& message) const {
    return absl::InvalidArgumentError(absl::StrCat(file_, ": ", key, ": ", message));
  }

  // Fails on keys outside `known`, which catches typos.
  absl::Status OnlyKeys(const YAML::Node& node, const std::string& where,
                        const std::vector<std::string>& known) const {
    if (!node.IsMap()) return Error(where, "expected a mapping");
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = it->first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        return Error(where.empty() ? key : where + "." + key,
                     absl::StrCat("unknown key; expected one of: ", absl::StrJoin(known, ", ")));
      }
    }
    return absl::OkStatus();
  }

  template <typename T>
  absl::Status Get(const YAML::Node& node, const std::string& key, const std::string& where,
                   T* out) const {
    YAML::Node value = node[key];
    if (!value) return absl::OkStatus();
    try {
      *out = value.as<T>();
    } catch (const YAML::Exception&) {
      return Error(where + key, "has the wrong type");
    }
    return absl::OkStatus();
  }

  absl::Status Required(const YAML::Node& node, const std::string& key, const std::string& where,
                        std::string* out) const {
    if (!node[key]) return Error(where + key, "is required");
    absl::Status status = Get(node, key, where, out);
    if (status.ok() && out->empty()) return Error(where + key, "must not be empty");
    return status;
  }

  absl::Status Properties(const YAML::Node& node, const std::string& where,
                          std::map<std::string, std::string>* out) const {
    YAML::Node props = node["properties"];
    if (!props) return absl::OkStatus();
    if (!props.IsMap()) return Error(where + "properties", "expected a mapping of strings");
    for (auto it = props.begin(); it != props.end(); ++it) {
      (*out)[it->first.as<std::string>()] = it->second.as<std::string>();
    }
    return absl::OkStatus();
  }

 private:
  std::string file_;
};

#define RETURN_IF_ERROR_CFG(expr)      \
  do {                                 \
    absl::Status _status = (expr);     \
    if (!_status.ok()) return _status; \
  } while (0)

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

absl::Status ParseSink(const Reader& r, const YAML::Node& node, const std::string& where,
                       const std::string& base_dir, SinkConfig* sink) {
  if (!node.IsMap() || node.size() != 1) {
    return r.Error(where,
                   "expected one of kafka:, redis:, postgres:, sqlite:, file: with its settings");
  }
  sink->type = node.begin()->first.as<std::string>();
  YAML::Node body = node.begin()->second;
  std::string at = absl::StrCat(where, ".", sink->type, ".");
  if (sink->type == "kafka") {
    RETURN_IF_ERROR_CFG(r.OnlyKeys(body, at, {"brokers", "topic", "properties"}));
    RETURN_IF_ERROR_CFG(r.Required(body, "brokers", at, &sink->brokers));
    RETURN_IF_ERROR_CFG(r.Required(body, "topic", at, &sink->topic));
    return r.Properties(body, at, &sink->properties);
  }
  if (sink->type == "redis") {
    RETURN_IF_ERROR_CFG(r.OnlyKeys(body, at, {"url", "stream", "maxlen"}));
    RETURN_IF_ERROR_CFG(r.Required(body, "url", at, &sink->url));
    RETURN_IF_ERROR_CFG(r.Required(body, "stream", at, &sink->stream));
    return r.Get(body, "maxlen", at, &sink->maxlen);
  }
  if (sink->type == "postgres" || sink->type == "sqlite") {
    RETURN_IF_ERROR_CFG(r.OnlyKeys(body, at, {"url", "table", "shape"}));
    RETURN_IF_ERROR_CFG(r.Required(body, "url", at, &sink->url));
    RETURN_IF_ERROR_CFG(r.Get(body, "shape", at, &sink->shape));
    if (sink->shape != "columns" && sink->shape != "json") {
      return r.Error(at + "shape", "expected columns or json");
    }
    return r.Required(body, "table", at, &sink->table);
  }
  if (sink->type == "file") {
    RETURN_IF_ERROR_CFG(
        r.OnlyKeys(body, at, {"dir", "format", "prefix", "roll_bytes", "roll_seconds"}));
    RETURN_IF_ERROR_CFG(r.Required(body, "dir", at, &sink->dir));
    sink->dir = Resolve(base_dir, sink->dir);
    RETURN_IF_ERROR_CFG(r.Get(body, "format", at, &sink->format));
    RETURN_IF_ERROR_CFG(r.Get(body, "prefix", at, &sink->prefix));
    RETURN_IF_ERROR_CFG(r.Get(body, "roll_bytes", at, &sink->roll_bytes));
    RETURN_IF_ERROR_CFG(r.Get(body, "roll_seconds", at, &sink->roll_seconds));
    if (sink->format != "jsonl" && sink->format != "csv") {
      return r.Error(at + "format", "expected jsonl or csv");
    }
    return absl::OkStatus();
  }
  return r.Error(where, absl::StrCat("unknown sink type '", sink->type,
                                     "'; expected kafka, redis, postgres, sqlite or file"));
}

absl::Status Parse(const Reader& r, const YAML::Node& root, const std::string& base_dir,
                   StreamConfig* c) {
  RETURN_IF_ERROR_CFG(r.OnlyKeys(root, "",
                                 {"model", "source", "events", "output", "sinks", "dead_letter",
                                  "batch", "errors", "metrics"}));
  // model
  YAML::Node model = root["model"];
  if (!model) return r.Error("model", "is required (bundle: DIR, or repository: DIR with name:)");
  RETURN_IF_ERROR_CFG(
      r.OnlyKeys(model, "model", {"bundle", "repository", "name", "alias", "reload_seconds"}));
  RETURN_IF_ERROR_CFG(r.Get(model, "bundle", "model.", &c->model.bundle));
  RETURN_IF_ERROR_CFG(r.Get(model, "repository", "model.", &c->model.repository));
  RETURN_IF_ERROR_CFG(r.Get(model, "name", "model.", &c->model.name));
  RETURN_IF_ERROR_CFG(r.Get(model, "alias", "model.", &c->model.alias));
  RETURN_IF_ERROR_CFG(r.Get(model, "reload_seconds", "model.", &c->model.reload_seconds));
  if (c->model.bundle.empty() == c->model.repository.empty()) {
    return r.Error("model", "give exactly one of bundle: or repository:");
  }
  if (!c->model.repository.empty() && c->model.name.empty()) {
    return r.Error("model.name", "is required with repository:");
  }
  c->model.bundle = Resolve(base_dir, c->model.bundle);
  c->model.repository = Resolve(base_dir, c->model.repository);

  // source
  YAML::Node source = root["source"];
  if (!source) return r.Error("source", "is required (kafka: or redis:)");
  RETURN_IF_ERROR_CFG(r.OnlyKeys(source, "source", {"kafka", "redis"}));
  if (source.size() != 1) return r.Error("source", "give exactly one of kafka: or redis:");
  if (YAML::Node k = source["kafka"]) {
    KafkaSourceConfig& kc = c->source.kafka.emplace();
    const std::string at = "source.kafka.";
    RETURN_IF_ERROR_CFG(
        r.OnlyKeys(k, "source.kafka",
                   {"brokers", "topics", "group", "start", "commit_interval_ms", "properties"}));
    RETURN_IF_ERROR_CFG(r.Required(k, "brokers", at, &kc.brokers));
    RETURN_IF_ERROR_CFG(r.Required(k, "group", at, &kc.group));
    RETURN_IF_ERROR_CFG(r.Get(k, "topics", at, &kc.topics));
    if (kc.topics.empty()) return r.Error(at + "topics", "is required: a list of topic names");
    RETURN_IF_ERROR_CFG(r.Get(k, "start", at, &kc.start));
    if (kc.start != "earliest" && kc.start != "latest" && kc.start.rfind("timestamp:", 0) != 0) {
      return r.Error(at + "start", "expected earliest, latest or timestamp:<epoch milliseconds>");
    }
    RETURN_IF_ERROR_CFG(r.Get(k, "commit_interval_ms", at, &kc.commit_interval_ms));
    if (kc.commit_interval_ms < 0 || kc.commit_interval_ms > 3600000) {
      return r.Error(at + "commit_interval_ms",
                     "expected 0 (commit after every batch) to 3600000 milliseconds");
    }
    RETURN_IF_ERROR_CFG(r.Properties(k, at, &kc.properties));
  } else {
    YAML::Node rd = source["redis"];
    RedisSourceConfig& rc = c->source.redis.emplace();
    const std::string at = "source.redis.";
    RETURN_IF_ERROR_CFG(
        r.OnlyKeys(rd, "source.redis",
                   {"url", "stream", "group", "consumer", "field", "start", "claim_idle_ms"}));
    RETURN_IF_ERROR_CFG(r.Required(rd, "url", at, &rc.url));
    RETURN_IF_ERROR_CFG(r.Required(rd, "stream", at, &rc.stream));
    RETURN_IF_ERROR_CFG(r.Required(rd, "group", at, &rc.group));
    RETURN_IF_ERROR_CFG(r.Get(rd, "consumer", at, &rc.consumer));
    RETURN_IF_ERROR_CFG(r.Get(rd, "field", at, &rc.field));
    RETURN_IF_ERROR_CFG(r.Get(rd, "start", at, &rc.start));
    RETURN_IF_ERROR_CFG(r.Get(rd, "claim_idle_ms", at, &rc.claim_idle_ms));
  }

  // events, output
  if (YAML::Node e = root["events"]) {
    RETURN_IF_ERROR_CFG(
        r.OnlyKeys(e, "events", {"format", "input_path", "id_field", "timestamp_field"}));
    RETURN_IF_ERROR_CFG(r.Get(e, "format", "events.", &c->events.format));
    RETURN_IF_ERROR_CFG(r.Get(e, "input_path", "events.", &c->events.input_path));
    RETURN_IF_ERROR_CFG(r.Get(e, "id_field", "events.", &c->events.id_field));
    RETURN_IF_ERROR_CFG(r.Get(e, "timestamp_field", "events.", &c->events.timestamp_field));
    if (c->events.format != "json" && c->events.format != "kinesis") {
      return r.Error("events.format", "expected json or kinesis");
    }
  }
  if (YAML::Node o = root["output"]) {
    RETURN_IF_ERROR_CFG(r.OnlyKeys(
        o, "output",
        {"layout", "model_key", "version_key", "id_key", "prediction_key", "timestamp_key"}));
    RETURN_IF_ERROR_CFG(r.Get(o, "layout", "output.", &c->output.layout));
    RETURN_IF_ERROR_CFG(r.Get(o, "model_key", "output.", &c->output.model_key));
    RETURN_IF_ERROR_CFG(r.Get(o, "version_key", "output.", &c->output.version_key));
    RETURN_IF_ERROR_CFG(r.Get(o, "id_key", "output.", &c->output.id_key));
    RETURN_IF_ERROR_CFG(r.Get(o, "prediction_key", "output.", &c->output.prediction_key));
    RETURN_IF_ERROR_CFG(r.Get(o, "timestamp_key", "output.", &c->output.timestamp_key));
    if (c->output.layout != "nested" && c->output.layout != "flat") {
      return r.Error("output.layout", "expected nested or flat");
    }
    if (c->output.id_key.empty()) return r.Error("output.id_key", "must not be empty");
  }

  // sinks, dead letters
  YAML::Node sinks = root["sinks"];
  if (!sinks || !sinks.IsSequence() || sinks.size() == 0) {
    return r.Error("sinks", "is required: a list of one or more sinks");
  }
  for (size_t i = 0; i < sinks.size(); ++i) {
    SinkConfig& sink = c->sinks.emplace_back();
    RETURN_IF_ERROR_CFG(ParseSink(r, sinks[i], absl::StrCat("sinks[", i, "]"), base_dir, &sink));
  }
  if (YAML::Node d = root["dead_letter"]) {
    SinkConfig& sink = c->dead_letter.emplace();
    RETURN_IF_ERROR_CFG(ParseSink(r, d, "dead_letter", base_dir, &sink));
    if ((sink.type == "postgres" || sink.type == "sqlite") && sink.shape != "json") {
      return r.Error("dead_letter",
                     "expected a kafka:, redis: or file: dead-letter sink, or a postgres: or "
                     "sqlite: one with shape: json");
    }
  }

  // batch, errors, metrics
  if (YAML::Node b = root["batch"]) {
    RETURN_IF_ERROR_CFG(r.OnlyKeys(
        b, "batch", {"max_records", "max_wait_ms", "score_threads", "max_in_flight"}));
    RETURN_IF_ERROR_CFG(r.Get(b, "score_threads", "batch.", &c->score_threads));
    if (c->score_threads < 1) return r.Error("batch.score_threads", "must be at least 1");
    RETURN_IF_ERROR_CFG(r.Get(b, "max_in_flight", "batch.", &c->max_in_flight));
    if (c->max_in_flight < 1 || c->max_in_flight > 64) {
      return r.Error("batch.max_in_flight", "must be between 1 and 64");
    }
    RETURN_IF_ERROR_CFG(r.Get(b, "max_records", "batch.", &c->max_records));
    RETURN_IF_ERROR_CFG(r.Get(b, "max_wait_ms", "batch.", &c->max_wait_ms));
    if (c->max_records == 0) return r.Error("batch.max_records", "must be at least 1");
  }
  if (YAML::Node e = root["errors"]) {
    RETURN_IF_ERROR_CFG(r.OnlyKeys(
        e, "errors", {"max_retries", "sink_retries", "backoff_initial_ms", "backoff_max_ms"}));
    if (e["max_retries"] && e["sink_retries"]) {
      return r.Error("errors.sink_retries", "is the older name of errors.max_retries; give one");
    }
    // sink_retries: the older name of max_retries.
    RETURN_IF_ERROR_CFG(r.Get(e, "sink_retries", "errors.", &c->sink_retries));
    RETURN_IF_ERROR_CFG(r.Get(e, "max_retries", "errors.", &c->sink_retries));
    RETURN_IF_ERROR_CFG(r.Get(e, "backoff_initial_ms", "errors.", &c->backoff_initial_ms));
    RETURN_IF_ERROR_CFG(r.Get(e, "backoff_max_ms", "errors.", &c->backoff_max_ms));
    if (c->sink_retries < 0) {
      return r.Error("errors.max_retries", "must be 0 (retry forever) or a number of attempts");
    }
    if (c->backoff_initial_ms < 1 || c->backoff_max_ms < c->backoff_initial_ms) {
      return r.Error("errors.backoff_max_ms",
                     "needs 1 <= backoff_initial_ms <= backoff_max_ms (milliseconds)");
    }
  }
  if (YAML::Node m = root["metrics"]) {
    RETURN_IF_ERROR_CFG(r.OnlyKeys(m, "metrics", {"port", "host", "log_batches"}));
    RETURN_IF_ERROR_CFG(r.Get(m, "port", "metrics.", &c->metrics_port));
    RETURN_IF_ERROR_CFG(r.Get(m, "host", "metrics.", &c->metrics_host));
    RETURN_IF_ERROR_CFG(r.Get(m, "log_batches", "metrics.", &c->log_batches));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<StreamConfig> ParseStreamConfig(const std::string& yaml, const std::string& path) {
  StreamConfig config;
  config.path = path;
  Reader reader(path);
  std::string base_dir = fs::path(path).parent_path().string();
  if (base_dir.empty()) base_dir = ".";
  try {
    YAML::Node root = YAML::Load(yaml);
    absl::Status status = Parse(reader, root, base_dir, &config);
    if (!status.ok()) return status;
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", e.what()));
  }
  return config;
}

absl::StatusOr<StreamConfig> LoadStreamConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read the stream config '", path, "'"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseStreamConfig(text.str(), path);
}

}  // namespace ferry::stream
