#include "serve/http_types.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "serve/sv.h"

namespace ferry::serve {

std::string_view Request::header(std::string_view name) const {
  auto it = headers.find(Sv(name));
  return it == headers.end() ? std::string_view() : std::string_view(it->second);
}

std::string Request::media_type() const {
  std::string_view value = header("content-type");
  value = value.substr(0, value.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(Sv(value)));
}

namespace {

void AppendFieldText(std::string_view text, std::string* out) {
  for (char c : text) {
    if (c != '\r' && c != '\n') out->push_back(c);
  }
}

void AppendField(std::string_view name, std::string_view value, std::string* out) {
  AppendFieldText(name, out);
  out->append(": ");
  AppendFieldText(value, out);
  out->append("\r\n");
}

}  // namespace

void AppendResponseHead(const Response& response, std::string_view reason,
                        std::string_view server, size_t body_bytes, bool close,
                        std::string* out) {
  out->append("HTTP/1.1 ");
  absl::StrAppend(out, response.status);
  out->push_back(' ');
  AppendFieldText(reason, out);
  out->append("\r\n");
  AppendField("Server", server, out);
  AppendField("Content-Type", response.content_type, out);
  for (const auto& [name, value] : response.headers) AppendField(name, value, out);
  out->append("Content-Length: ");
  absl::StrAppend(out, body_bytes);
  out->append(close ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n");
}

}  // namespace ferry::serve
