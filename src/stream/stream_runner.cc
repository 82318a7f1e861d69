// RunStream: wiring of the stream's parts.
#include "stream/stream_runner.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "io/json_writer.h"
#include "stream/adapters.h"
#include "stream/metrics.h"
#include "stream/model_provider.h"
#include "stream/processor.h"

namespace ferry::stream {

absl::Status RunStream(const StreamConfig& config, const std::atomic<bool>& stop) {
  auto models = ModelProvider::Open(config.model);
  if (!models.ok()) return models.status();
  std::vector<std::unique_ptr<Sink>> sinks;
  for (const SinkConfig& sink_config : config.sinks) {
    auto sink = MakeSink(sink_config, config.output.id_key);
    if (!sink.ok()) return sink.status();
    sinks.push_back(std::move(*sink));
  }
  std::unique_ptr<Sink> dead_letter;
  if (config.dead_letter) {
    auto sink = MakeSink(*config.dead_letter, "id");
    if (!sink.ok()) return sink.status();
    dead_letter = std::move(*sink);
  }
  auto source = MakeSource(config.source);
  if (!source.ok()) return source.status();

  Metrics metrics;
  std::unique_ptr<MetricsServer> server;
  if (config.metrics_port > 0) {
    auto started = MetricsServer::Start(config.metrics_host, config.metrics_port, &metrics);
    if (!started.ok()) return started.status();
    server = std::move(*started);
  }
  auto first = (*models)->Current();
  std::string line;
  io::JsonWriter w(&line);
  w.BeginObject()
      .Key("event")
      .String("stream_started")
      .Key("source")
      .String((*source)->name())
      .Key("model")
      .String(first.ok() ? first->name : "")
      .Key("version")
      .String(first.ok() ? first->version : "")
      .Key("sinks")
      .BeginArray();
  for (const auto& sink : sinks) w.String(sink->name());
  w.EndArray();
  if (server) w.Key("metrics_port").Int(server->port());
  if (const char* malloc_conf = std::getenv("MALLOC_CONF")) w.Key("malloc_conf").String(malloc_conf);
  w.EndObject();
  std::cerr << line << std::endl;

  Processor processor(config, std::move(*source), std::move(sinks), std::move(dead_letter),
                      models->get(), &metrics);
  absl::Status status = processor.Run(stop);
  std::cerr << "{\"event\":\"stream_stopped\",\"ok\":" << (status.ok() ? "true" : "false") << "}"
            << std::endl;
  return status;
}

}  // namespace ferry::stream
