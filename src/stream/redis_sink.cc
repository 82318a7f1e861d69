// Redis stream sink: one pipelined XADD per event (fields `id` and `data`), trimmed with
// MAXLEN ~ when configured. With appendfsync always on the server an OK reply is durable.
#include <memory>

#include "absl/strings/str_cat.h"
#include "stream/adapters.h"
#include "stream/redis_client.h"

namespace ferry::stream {
namespace {

class RedisSink : public Sink {
 public:
  RedisSink(SinkConfig config, std::unique_ptr<RedisClient> client)
      : config_(std::move(config)), client_(std::move(client)), name_("redis:" + config_.stream) {}

  const std::string& name() const override { return name_; }

  absl::Status Write(const SinkBatch& batch) override {
    if (batch.size() == 0) return absl::OkStatus();
    std::vector<std::vector<std::string>> commands;
    commands.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      std::vector<std::string> args = {"XADD", config_.stream};
      if (config_.maxlen > 0) {
        args.insert(args.end(), {"MAXLEN", "~", std::to_string(config_.maxlen)});
      }
      args.insert(args.end(), {"*", "id", batch.ids[i], "data", batch.json[i]});
      commands.push_back(std::move(args));
    }
    auto replies = client_->Pipeline(commands);
    if (!replies.ok()) return replies.status();
    return absl::OkStatus();
  }

 private:
  SinkConfig config_;
  std::unique_ptr<RedisClient> client_;
  std::string name_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Sink>> MakeRedisSink(const SinkConfig& config) {
  auto client = RedisClient::Make(config.url);
  if (!client.ok()) return client.status();
  return std::unique_ptr<Sink>(std::make_unique<RedisSink>(config, std::move(*client)));
}

}  // namespace ferry::stream
