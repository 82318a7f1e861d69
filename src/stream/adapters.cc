// MakeSource / MakeSink: the one table from config types to adapters.
#include "stream/adapters.h"

#include "absl/strings/str_cat.h"

namespace ferry::stream {

absl::StatusOr<std::unique_ptr<Source>> MakeSource(const SourceConfig& config) {
  if (config.kafka) return MakeKafkaSource(*config.kafka);
  if (config.redis) return MakeRedisSource(*config.redis);
  return absl::InvalidArgumentError("no source configured");
}

absl::StatusOr<std::unique_ptr<Sink>> MakeSink(const SinkConfig& config,
                                               const std::string& key_column) {
  if (config.type == "kafka") return MakeKafkaSink(config);
  if (config.type == "redis") return MakeRedisSink(config);
  if (config.type == "postgres" || config.type == "sqlite")
    return MakeTableSink(config, key_column);
  if (config.type == "file") return MakeFileSink(config);
  return absl::InvalidArgumentError(absl::StrCat("unknown sink type '", config.type, "'"));
}

}  // namespace ferry::stream
