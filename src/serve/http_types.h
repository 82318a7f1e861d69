// Request and Response as the route handlers see them: plain values with no socket or HTTP
// library behind them, so every route can be tested by calling Handle (handler.h) directly.
// The server session (session.cc) builds a Request from Beast's parsed message and writes a
// Response as AppendResponseHead's head followed by the body.
#ifndef FERRY_SERVE_HTTP_TYPES_H_
#define FERRY_SERVE_HTTP_TYPES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace ferry::serve {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // the target before '?', still percent-encoded
  std::string query;   // after '?', "" when none
  absl::flat_hash_map<std::string, std::string> headers;  // names in lower case
  std::string body;

  // The header's value, or "" when absent. `name` in lower case.
  std::string_view header(std::string_view name) const;
  // The media type of Content-Type, lower case, without parameters: "application/json".
  std::string media_type() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // Labels for metrics and the access log: which route answered, for which model/version.
  std::string route = "unknown";
  std::string model;
  std::string version;
};

// Appends the HTTP/1.1 head of `response` with a body of body_bytes: the status line (with
// `reason`), Server, Content-Type, the extra headers, Content-Length, "Connection: close"
// when `close`, and the blank line. CR and LF in names and values are dropped (no header
// can be split in two).
void AppendResponseHead(const Response& response, std::string_view reason,
                        std::string_view server, size_t body_bytes, bool close,
                        std::string* out);

}  // namespace ferry::serve

#endif  // FERRY_SERVE_HTTP_TYPES_H_
