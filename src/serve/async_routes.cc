// The asynchronous API (docs/async.md), over async::AsyncService:
//   POST /v1/models/{name}[/versions/{v}|/aliases/{a}]/requests   one record (JSON object or
//        form fields), checked against the bundle's input rules at once: 422 with the field
//        errors and nothing queued, else 200 {"status": "OK", "id": "<uuid>"} once the request
//        is durably queued (503 when the queue cannot take it).
//   GET  /v1/requests/{id}   200 {"status": "WAIT", "id"} until scored, then {"status": "OK",
//        "id", "prediction": {...outputs, "model", "version"}} (or {"status": "ERROR", "id",
//        "error"}); 400 for an id that is not a UUID; 404 for one unknown or expired.
// A model that needs an API key needs it on both routes.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "async/async_service.h"
#include "serve/http_errors.h"
#include "serve/routes.h"
#include "serve/sv.h"

namespace ferry::serve {
namespace {

constexpr char kSubmitRoute[] = "v1_requests_submit";
constexpr char kPollRoute[] = "v1_requests_poll";

absl::Status AsyncDisabled() {
  return absl::UnavailableError(
      "the asynchronous API is turned off on this server (started with --async-queue none)");
}

Response Submit(const Request& request, ServerState& state, std::string_view model,
                std::string_view version, std::string_view alias) {
  if (absl::Status s = RequireMethod(request, "POST"); !s.ok()) return RouteError(s, kSubmitRoute);
  absl::StatusOr<Target> target = ResolveTarget(state, request, model, version, alias);
  if (!target.ok()) return RouteError(target.status(), kSubmitRoute);
  if (state.async == nullptr) return RouteError(AsyncDisabled(), kSubmitRoute, &*target);
  absl::StatusOr<DecodedBody> decoded = DecodeBody(request, state.options);
  if (decoded.ok() && (!decoded->single || decoded->batch.num_rows() != 1)) {
    decoded = absl::InvalidArgumentError(
        "a request holds one record: send a JSON object of fields, or form fields; for many "
        "records use POST /v1/models/{name}/predict or ferry score");
  }
  if (!decoded.ok()) return RouteError(decoded.status(), kSubmitRoute, &*target);
  RecordBatch features = target->version->bundle->Features(decoded->batch);
  if (!features.ok(0)) {
    return RouteError(UnprocessableFields(features.error(0)), kSubmitRoute, &*target);
  }
  absl::StatusOr<std::string> id = state.async->Submit(target->model->name, std::string(version),
                                                       std::string(alias), decoded->batch);
  if (!id.ok()) return RouteError(id.status(), kSubmitRoute, &*target);
  std::string body;
  io::JsonWriter w(&body);
  w.BeginObject().Key("status").String("OK").Key("id").String(*id);
  w.Key("model").String(target->model->name).EndObject();
  Response response = JsonResponse(std::move(body), *target, kSubmitRoute);
  response.headers.emplace_back("Location", Cat("/v1/requests/", *id));
  return response;
}

// The model's key rules apply to its results too (while it is served).
absl::Status CheckKey(ServerState& state, const Request& request, const std::string& model) {
  const registry::ServedModel* served = state.repository->snapshot()->FindModel(model);
  return CheckPredictKey(state, request, model, served != nullptr && served->auth_required);
}

Response Poll(const Request& request, ServerState& state, std::string_view id) {
  if (absl::Status s = RequireMethod(request, "GET"); !s.ok()) return RouteError(s, kPollRoute);
  if (!async::IsRequestId(id)) {
    return RouteError(absl::InvalidArgumentError(
                          Cat("request id '", id.substr(0, 64),
                              "' is not a UUID; use the id POST /v1/models/{name}/requests "
                              "answered, e.g. 6f1c2a3b-5d4e-4f60-8a7b-9c0d1e2f3a4b")),
                      kPollRoute);
  }
  if (state.async == nullptr) return RouteError(AsyncDisabled(), kPollRoute);
  std::string key = absl::AsciiStrToLower(Sv(id));
  auto found = state.async->Lookup(key);
  if (!found.ok()) {
    return RouteError(absl::UnavailableError(Cat("cannot read the result store: ",
                                                 found.status().message(), "; try again")),
                      kPollRoute);
  }
  if (!found->has_value()) {
    return RouteError(
        absl::NotFoundError(Cat("no request with id ", key,
                                ": it was never submitted here, or its result expired")),
        kPollRoute);
  }
  const async::StoredResult& result = **found;
  if (absl::Status s = CheckKey(state, request, result.model); !s.ok()) {
    return RouteError(s, kPollRoute);
  }
  std::string body;
  io::JsonWriter w(&body);
  using State = async::StoredResult::State;
  w.BeginObject().Key("status").String(result.state == State::kOk      ? "OK"
                                       : result.state == State::kError ? "ERROR"
                                                                       : "WAIT");
  w.Key("id").String(result.id);
  if (result.state == State::kOk) w.Key("prediction").Raw(result.prediction_json);
  if (result.state == State::kError) w.Key("error").String(result.error);
  if (!result.received_at.empty()) w.Key("received_at").String(result.received_at);
  if (!result.processed_at.empty()) w.Key("processed_at").String(result.processed_at);
  w.EndObject();
  Response response = JsonResponse(std::move(body), kPollRoute);
  response.model = result.model;
  response.version = result.version;
  return response;
}

}  // namespace

Response HandleAsync(const Request& request, ServerState& state, const PathSegments& segments) {
  size_t n = segments.size();
  if (n == 3 && segments[1] == "requests") return Poll(request, state, segments[2]);
  if (n == 4 && segments[1] == "models" && segments[3] == "requests") {
    return Submit(request, state, segments[2], "", "");
  }
  if (n == 6 && segments[1] == "models" && segments[5] == "requests") {
    if (segments[3] == "versions") return Submit(request, state, segments[2], segments[4], "");
    if (segments[3] == "aliases") return Submit(request, state, segments[2], "", segments[4]);
  }
  return RouteError(absl::NotFoundError(Cat("no route ", request.path.substr(0, 200),
                                            "; use POST /v1/models/{name}/requests or "
                                            "GET /v1/requests/{id}")),
                    "not_found");
}

}  // namespace ferry::serve
