// RedisClient over hiredis' blocking API with 5 s connect and command timeouts.
#include "stream/redis_client.h"

#include <hiredis/hiredis.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ferry::stream {
namespace {

RedisReply Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
      break;
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisClient>> RedisClient::Make(const std::string& url) {
  std::string rest = url;
  if (rest.rfind("redis://", 0) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis url '", url, "' must look like redis://host:port[/db]"));
  }
  rest = rest.substr(8);
  int db = 0;
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    std::string db_text = rest.substr(slash + 1);
    if (!db_text.empty() && !absl::SimpleAtoi(db_text, &db)) {
      return absl::InvalidArgumentError(absl::StrCat("redis url '", url, "': bad database number"));
    }
    rest = rest.substr(0, slash);
  }
  int port = 6379;
  std::string host = rest;
  if (size_t colon = rest.rfind(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    if (!absl::SimpleAtoi(rest.substr(colon + 1), &port)) {
      return absl::InvalidArgumentError(absl::StrCat("redis url '", url, "': bad port"));
    }
  }
  if (host.empty()) host = "127.0.0.1";
  return std::unique_ptr<RedisClient>(new RedisClient(url, host, port, db));
}

RedisClient::~RedisClient() { Drop(); }

void RedisClient::Drop() {
  if (context_) redisFree(context_);
  context_ = nullptr;
}

absl::Status RedisClient::Connect() {
  reconnected_ = false;
  if (context_) return absl::OkStatus();
  timeval timeout{5, 0};
  context_ = redisConnectWithTimeout(host_.c_str(), port_, timeout);
  if (context_ == nullptr || context_->err) {
    std::string why = context_ ? context_->errstr : "out of memory";
    Drop();
    return absl::UnavailableError(absl::StrCat("Redis at ", url_, " is unreachable: ", why));
  }
  redisSetTimeout(context_, timeout);
  reconnected_ = true;
  if (db_ != 0) {
    auto reply = Command({"SELECT", std::to_string(db_)});
    if (!reply.ok()) return reply.status();
    reconnected_ = true;
  }
  return absl::OkStatus();
}

absl::StatusOr<RedisReply> RedisClient::Command(const std::vector<std::string>& args) {
  auto replies = Pipeline({args});
  if (!replies.ok()) return replies.status();
  RedisReply reply = std::move((*replies)[0]);
  return reply;
}

absl::StatusOr<std::vector<RedisReply>> RedisClient::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  absl::Status status = Connect();
  if (!status.ok()) return status;
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const std::string& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lens.data());
  }
  std::vector<RedisReply> replies;
  std::string first_error;
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
      std::string why = context_->errstr;
      Drop();
      return absl::UnavailableError(absl::StrCat("Redis at ", url_, ": ", why));
    }
    redisReply* r = static_cast<redisReply*>(raw);
    if (r->type == REDIS_REPLY_ERROR && first_error.empty()) first_error.assign(r->str, r->len);
    replies.push_back(Convert(r));
    freeReplyObject(r);
  }
  if (!first_error.empty()) {
    if (first_error.rfind("LOADING", 0) == 0 || first_error.rfind("BUSY ", 0) == 0) {
      return absl::UnavailableError(absl::StrCat("Redis at ", url_, ": ", first_error));
    }
    return absl::FailedPreconditionError(absl::StrCat("Redis at ", url_, ": ", first_error));
  }
  return replies;
}

}  // namespace ferry::stream
