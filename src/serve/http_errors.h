// The one place where a failure becomes an HTTP status: every route returns absl::Status for
// what went wrong, and ErrorResponse turns it into {"error": "..."} with the status below.
//   InvalidArgument, FailedPrecondition, OutOfRange -> 400     Unauthenticated    -> 401
//   PermissionDenied -> 403    NotFound -> 404    AlreadyExists, Aborted -> 409
//   ResourceExhausted -> 429   Unimplemented -> 501   Unavailable -> 503   others -> 500
// Statuses made by the helpers below carry the HTTP status HTTP has a word for: 405 (method),
// 413 (too large), 415 (content type), 422 (fields that fail the model's input rules), 431.
#ifndef FERRY_SERVE_HTTP_ERRORS_H_
#define FERRY_SERVE_HTTP_ERRORS_H_

#include <string_view>

#include "absl/status/status.h"
#include "serve/http_types.h"

namespace ferry::serve {

absl::Status MethodNotAllowed(std::string_view message);
absl::Status PayloadTooLarge(std::string_view message);
absl::Status UnsupportedMediaType(std::string_view message);
absl::Status UnprocessableFields(std::string_view message);
absl::Status HeadersTooLarge(std::string_view message);

// The HTTP status for `status`. REQUIRES: !status.ok().
int HttpStatusOf(const absl::Status& status);

// {"error": message} with HttpStatusOf(status); names the model and version when given.
Response ErrorResponse(const absl::Status& status, std::string_view model = "",
                       std::string_view version = "");

}  // namespace ferry::serve

#endif  // FERRY_SERVE_HTTP_ERRORS_H_
