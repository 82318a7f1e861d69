// Factories of the sources and sinks a StreamConfig names. Each adapter lives in its own file
// (kafka_source.cc, kafka_sink.cc, redis_source.cc, redis_sink.cc, table_sink.cc,
// file_sink.cc); MakeSource/MakeSink are the one table that maps config types to them.
#ifndef FERRY_STREAM_ADAPTERS_H_
#define FERRY_STREAM_ADAPTERS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "stream/config.h"
#include "stream/stream_types.h"

namespace ferry::stream {

absl::StatusOr<std::unique_ptr<Source>> MakeSource(const SourceConfig& config);
// `key_column` is the table column of the event id (SQL sinks upsert on it).
absl::StatusOr<std::unique_ptr<Sink>> MakeSink(const SinkConfig& config,
                                               const std::string& key_column);

absl::StatusOr<std::unique_ptr<Source>> MakeKafkaSource(const KafkaSourceConfig& config);
absl::StatusOr<std::unique_ptr<Source>> MakeRedisSource(const RedisSourceConfig& config);
absl::StatusOr<std::unique_ptr<Sink>> MakeKafkaSink(const SinkConfig& config);
absl::StatusOr<std::unique_ptr<Sink>> MakeRedisSink(const SinkConfig& config);
absl::StatusOr<std::unique_ptr<Sink>> MakeTableSink(const SinkConfig& config,
                                                    const std::string& key_column);
absl::StatusOr<std::unique_ptr<Sink>> MakeFileSink(const SinkConfig& config);

}  // namespace ferry::stream

#endif  // FERRY_STREAM_ADAPTERS_H_
