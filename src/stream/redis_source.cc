// Redis Streams source: a consumer in a consumer group (XGROUP CREATE ... MKSTREAM on start).
// Order of reads: first this consumer's own pending entries (XREADGROUP ... 0, after every
// start and every reconnect, since a crash may have left entries unacknowledged), then entries
// of other consumers idle longer than claim_idle_ms (XAUTOCLAIM, at most every claim interval),
// then new entries (XREADGROUP ... >). Commit is XACK. Attempts of replayed and claimed entries
// come from XPENDING's delivery counts.
#include <unistd.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "stream/adapters.h"
#include "stream/redis_client.h"

namespace ferry::stream {
namespace {

using Clock = std::chrono::steady_clock;

class RedisSource : public Source {
 public:
  RedisSource(RedisSourceConfig config, std::unique_ptr<RedisClient> client)
      : config_(std::move(config)), client_(std::move(client)), name_("redis:" + config_.stream) {
    if (config_.consumer.empty()) {
      char host[256] = {0};
      gethostname(host, sizeof(host) - 1);
      config_.consumer = absl::StrCat(host, "-", getpid());
    }
  }

  const std::string& name() const override { return name_; }

  absl::StatusOr<std::vector<Message>> Poll(size_t max_messages,
                                            std::chrono::milliseconds max_wait) override {
    if (!group_ready_) {
      auto created = client_->Command(
          {"XGROUP", "CREATE", config_.stream, config_.group, config_.start, "MKSTREAM"});
      if (!created.ok() && created.status().message().find("BUSYGROUP") == std::string::npos) {
        return created.status();
      }
      group_ready_ = true;
      replaying_ = true;
      replay_cursor_ = "0";
    }
    const std::string count = std::to_string(max_messages);
    // 1. Our own pending entries.
    if (replaying_) {
      auto reply = client_->Command({"XREADGROUP", "GROUP", config_.group, config_.consumer,
                                     "COUNT", count, "STREAMS", config_.stream, replay_cursor_});
      if (!reply.ok()) return Failed(reply.status());
      std::vector<Message> messages = Entries(*reply);
      if (messages.empty()) {
        replaying_ = false;
      } else {
        replay_cursor_ = messages.back().entry_id;
        return WithAttempts(std::move(messages));
      }
    }
    // 2. Entries other consumers left idle too long.
    if (config_.claim_idle_ms > 0 &&
        Clock::now() - last_claim_ >= std::chrono::milliseconds(config_.claim_idle_ms / 2)) {
      auto reply =
          client_->Command({"XAUTOCLAIM", config_.stream, config_.group, config_.consumer,
                            std::to_string(config_.claim_idle_ms), claim_cursor_, "COUNT", count});
      if (!reply.ok()) return Failed(reply.status());
      if (reply->elements.size() >= 2) {
        claim_cursor_ = reply->elements[0].str;
        std::vector<Message> messages = EntryList(reply->elements[1]);
        if (claim_cursor_ == "0-0") last_claim_ = Clock::now();  // full pass done
        if (!messages.empty()) return WithAttempts(std::move(messages));
      } else {
        last_claim_ = Clock::now();
      }
    }
    // 3. New entries.
    auto reply = client_->Command(
        {"XREADGROUP", "GROUP", config_.group, config_.consumer, "COUNT", count, "BLOCK",
         std::to_string(std::max<int64_t>(1, max_wait.count())), "STREAMS", config_.stream, ">"});
    if (!reply.ok()) return Failed(reply.status());
    return Entries(*reply);
  }

  absl::Status Commit(const std::vector<Message>& messages) override {
    if (messages.empty()) return absl::OkStatus();
    std::vector<std::string> args = {"XACK", config_.stream, config_.group};
    for (const Message& m : messages) args.push_back(m.entry_id);
    auto reply = client_->Command(args);
    if (!reply.ok()) return reply.status();
    return absl::OkStatus();
  }

  std::vector<std::pair<std::string, int64_t>> Lag() override {
    auto reply = client_->Command({"XPENDING", config_.stream, config_.group});
    if (!reply.ok() || reply->elements.empty()) return {};
    return {{absl::StrCat("stream=\"", config_.stream, "\",group=\"", config_.group, "\""),
             reply->elements[0].integer}};
  }

  absl::Status Close() override { return absl::OkStatus(); }

 private:
  // After a connection error, replay our pending entries once the server is back (the group,
  // or the whole server, may have restarted).
  absl::Status Failed(absl::Status status) {
    if (status.code() == absl::StatusCode::kUnavailable) group_ready_ = false;
    if (status.message().find("NOGROUP") != std::string::npos) {
      group_ready_ = false;
      return absl::UnavailableError(status.message());
    }
    return status;
  }

  // XREADGROUP reply: [[stream, [[id, [field, value, ...]], ...]]] or nil.
  std::vector<Message> Entries(const RedisReply& reply) {
    if (reply.type != RedisReply::Type::kArray || reply.elements.empty()) return {};
    const RedisReply& stream = reply.elements[0];
    if (stream.elements.size() < 2) return {};
    return EntryList(stream.elements[1]);
  }

  std::vector<Message> EntryList(const RedisReply& list) {
    std::vector<Message> out;
    for (const RedisReply& entry : list.elements) {
      if (entry.elements.size() < 2) continue;  // deleted entry (nil fields)
      Message m;
      m.topic = config_.stream;
      m.entry_id = entry.elements[0].str;
      const RedisReply& fields = entry.elements[1];
      for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
        if (fields.elements[i].str == config_.field) m.payload = fields.elements[i + 1].str;
      }
      // The entry id starts with the time it was added, in milliseconds.
      m.timestamp_ms = std::strtoll(m.entry_id.c_str(), nullptr, 10);
      out.push_back(std::move(m));
    }
    return out;
  }

  // Fills attempts from XPENDING (id, consumer, idle ms, deliveries) for replayed entries.
  std::vector<Message> WithAttempts(std::vector<Message> messages) {
    auto reply =
        client_->Command({"XPENDING", config_.stream, config_.group, messages.front().entry_id,
                          messages.back().entry_id, std::to_string(messages.size())});
    if (reply.ok()) {
      std::map<std::string, int64_t> deliveries;
      for (const RedisReply& row : reply->elements) {
        if (row.elements.size() >= 4) deliveries[row.elements[0].str] = row.elements[3].integer;
      }
      for (Message& m : messages) {
        auto it = deliveries.find(m.entry_id);
        if (it != deliveries.end()) m.attempts = std::max<int64_t>(1, it->second);
      }
    }
    return messages;
  }

  RedisSourceConfig config_;
  std::unique_ptr<RedisClient> client_;
  std::string name_;
  bool group_ready_ = false;
  bool replaying_ = true;
  std::string replay_cursor_ = "0";
  std::string claim_cursor_ = "0-0";
  Clock::time_point last_claim_{};
};

}  // namespace

absl::StatusOr<std::unique_ptr<Source>> MakeRedisSource(const RedisSourceConfig& config) {
  auto client = RedisClient::Make(config.url);
  if (!client.ok()) return client.status();
  return std::unique_ptr<Source>(std::make_unique<RedisSource>(config, std::move(*client)));
}

}  // namespace ferry::stream
