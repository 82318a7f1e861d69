// RedisClient: a hiredis connection to redis://host:port[/db] that reconnects on the next call
// after any connection error. Replies come back as owned trees (RedisReply); errors as Status:
// Unavailable when the server cannot be reached (retry later), FailedPrecondition for error
// replies (e.g. "BUSYGROUP ..."). Not thread-safe.
#ifndef FERRY_STREAM_REDIS_CLIENT_H_
#define FERRY_STREAM_REDIS_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

struct redisContext;

namespace ferry::stream {

struct RedisReply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus };
  Type type = Type::kNil;
  std::string str;
  int64_t integer = 0;
  std::vector<RedisReply> elements;
};

class RedisClient {
 public:
  // Parses the URL; the connection is made on the first command.
  static absl::StatusOr<std::unique_ptr<RedisClient>> Make(const std::string& url);
  ~RedisClient();

  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& args);
  // Sends every command at once and reads every reply (one round trip).
  absl::StatusOr<std::vector<RedisReply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);

  // True when the last call had to open a new connection (the server may have restarted).
  bool reconnected() const { return reconnected_; }
  const std::string& url() const { return url_; }

 private:
  RedisClient(std::string url, std::string host, int port, int db)
      : url_(std::move(url)), host_(std::move(host)), port_(port), db_(db) {}
  absl::Status Connect();
  void Drop();

  std::string url_, host_;
  int port_ = 6379;
  int db_ = 0;
  redisContext* context_ = nullptr;
  bool reconnected_ = false;
};

}  // namespace ferry::stream

#endif  // FERRY_STREAM_REDIS_CLIENT_H_
