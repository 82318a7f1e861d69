#include "serve/http_errors.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "io/json_writer.h"
#include "serve/sv.h"

namespace ferry::serve {
namespace {

constexpr std::string_view kHttpStatusPayload = "ferry.serve/http-status";

absl::Status WithHttpStatus(absl::StatusCode code, std::string_view message, int http) {
  absl::Status status(code, Sv(message));
  status.SetPayload(Sv(kHttpStatusPayload), absl::Cord(Cat(http)));
  return status;
}

}  // namespace

absl::Status MethodNotAllowed(std::string_view message) {
  return WithHttpStatus(absl::StatusCode::kUnimplemented, message, 405);
}
absl::Status PayloadTooLarge(std::string_view message) {
  return WithHttpStatus(absl::StatusCode::kResourceExhausted, message, 413);
}
absl::Status UnsupportedMediaType(std::string_view message) {
  return WithHttpStatus(absl::StatusCode::kInvalidArgument, message, 415);
}
absl::Status UnprocessableFields(std::string_view message) {
  return WithHttpStatus(absl::StatusCode::kInvalidArgument, message, 422);
}
absl::Status HeadersTooLarge(std::string_view message) {
  return WithHttpStatus(absl::StatusCode::kResourceExhausted, message, 431);
}

int HttpStatusOf(const absl::Status& status) {
  if (auto payload = status.GetPayload(Sv(kHttpStatusPayload))) {
    int http = 0;
    if (absl::SimpleAtoi(std::string(*payload), &http)) return http;
  }
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

Response ErrorResponse(const absl::Status& status, std::string_view model,
                       std::string_view version) {
  Response response;
  response.status = HttpStatusOf(status);
  response.model = std::string(model);
  response.version = std::string(version);
  io::JsonWriter w(&response.body);
  w.BeginObject().Key("error").String(Std(status.message()));
  if (!model.empty()) w.Key("model").String(model);
  if (!version.empty()) w.Key("version").String(version);
  w.EndObject();
  if (response.status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace ferry::serve
