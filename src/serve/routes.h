// Internal to the handler: the route families (one file each) and what they share: finding
// the model version a request names (names checked, auth checked), scoring with metrics, and
// writing predictions. Not a public interface.
#ifndef FERRY_SERVE_ROUTES_H_
#define FERRY_SERVE_ROUTES_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "bundle/bundle.h"
#include "io/json_writer.h"
#include "registry/snapshot.h"
#include "serve/http_types.h"
#include "serve/server_state.h"

namespace ferry::serve {

using PathSegments = std::vector<std::string_view>;

// A served model version; the snapshot keeps it alive for the request's whole life.
struct Target {
  std::shared_ptr<const registry::Snapshot> snapshot;
  const registry::ServedModel* model = nullptr;
  const registry::ServedVersion* version = nullptr;
};

// OK when `model`'s prediction routes need no key (neither its config nor
// --require-key-for-predict asks for one) or the request carries a valid one; 401/403 else.
absl::Status CheckPredictKey(ServerState& state, const Request& request, std::string_view model,
                             bool model_requires_key);

// Finds `model` at `version`, or at the version `alias` points to, or its latest. 400 for a
// name that is not [A-Za-z0-9_.-]+, 404 when unknown (listing what is served), 401 when the
// model needs a key the request lacks.
absl::StatusOr<Target> ResolveTarget(ServerState& state, const Request& request,
                                     std::string_view model, std::string_view version,
                                     std::string_view alias);

// A request body as records: JSON (an object, an array, {"instances": [...]}), form posts,
// CSV or JSONL. `single` when the body is one record (a JSON object or a plain form).
struct DecodedBody {
  RecordBatch batch;
  bool single = false;
};
absl::StatusOr<DecodedBody> DecodeBody(const Request& request, const HandlerOptions& options);

// Scores `batch` and counts predictions per class in the metrics.
bundle::ScoredBatch ScoreAndCount(ServerState& state, const Target& target,
                                  const RecordBatch& batch);

// Writes a JSON array with one object per record: the bundle's outputs for a scored record,
// {"row": n, "error": "..."} for a failed one (n counts records from 1).
void WritePredictions(const bundle::ScoredBatch& scored, io::JsonWriter& w);

// "record 2: x2: 'a' is not a number; record 5: ..." (the first few), "" when all scored.
std::string RowErrorSummary(const bundle::ScoredBatch& scored);

// A JSON response naming the target's model and version in headers and labels.
Response JsonResponse(std::string body, const Target& target, std::string route);
// Same for a response about no particular model.
Response JsonResponse(std::string body, std::string route);
// An error response labelled with the route (and the target, when known).
Response RouteError(const absl::Status& status, std::string route, const Target* target = nullptr);

// Route families; `segments` is the path split on '/'.
Response HandleNative(const Request& request, ServerState& state, const PathSegments& segments);
Response HandleKServe(const Request& request, ServerState& state, const PathSegments& segments);
Response HandleAdmin(const Request& request, ServerState& state, const PathSegments& segments);
Response HandleMlflow(const Request& request, ServerState& state, const PathSegments& segments);

// The web front end (web_routes.cc): pages for browsers under /models and /assets, and the
// HTML model list that GET / answers when the client accepts text/html (WantsHtml).
bool WantsHtml(const Request& request);
Response WebIndex(const Request& request, ServerState& state);
Response HandleWeb(const Request& request, ServerState& state, const PathSegments& segments);

// The asynchronous API (async_routes.cc): POST /v1/models/{name}[/versions/{v}|/aliases/{a}]
// /requests and GET /v1/requests/{id}.
Response HandleAsync(const Request& request, ServerState& state, const PathSegments& segments);

// 405 unless request.method is `method`.
absl::Status RequireMethod(const Request& request, std::string_view method);

}  // namespace ferry::serve

#endif  // FERRY_SERVE_ROUTES_H_
