#include "serve/handler.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "async/async_service.h"
#include "serve/routes.h"
#include "serve/sv.h"

namespace ferry::serve {
namespace {

constexpr std::string_view kRouteList =
    "POST /v1/models/{name}/predict, POST /v1/models/{name}/requests, GET /v1/requests/{id}, "
    "GET /v1/models, POST /v2/models/{name}/infer, "
    "GET /v2/health/ready, POST /invocations, GET /ping, GET /metrics";

Response MetricsText(const Request& request, ServerState& state) {
  if (absl::Status s = RequireMethod(request, "GET"); !s.ok()) return RouteError(s, "metrics");
  std::string text = state.metrics->Render(*state.repository->snapshot());
  if (state.async != nullptr) text += state.async->RenderMetrics();
  Response response = JsonResponse(std::move(text), "metrics");
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return response;
}

Response Root(const Request& request, ServerState& state) {
  if (absl::Status s = RequireMethod(request, "GET"); !s.ok()) return RouteError(s, "root");
  std::string body;
  io::JsonWriter w(&body);
  w.BeginObject().Key("name").String("ferry").Key("version").String(state.options.server_version);
  w.Key("models").BeginArray();
  for (const auto& [name, model] : state.repository->snapshot()->models) w.String(name);
  w.EndArray().Key("routes").String(kRouteList).EndObject();
  return JsonResponse(std::move(body), "root");
}

}  // namespace

Response Handle(const Request& request, ServerState& state) {
  PathSegments segments;
  for (absl::string_view s : absl::StrSplit(request.path, '/', absl::SkipEmpty())) {
    segments.push_back(Std(s));
  }
  if (segments.empty()) return WantsHtml(request) ? WebIndex(request, state) : Root(request, state);
  std::string_view first = segments[0];
  if (first == "v1" && segments.size() >= 2 &&
      (segments[1] == "requests" ||
       (segments[1] == "models" && (segments.size() == 4 || segments.size() == 6) &&
        segments.back() == "requests"))) {
    return HandleAsync(request, state, segments);
  }
  if (first == "v1" && segments.size() >= 2 && segments[1] == "models") {
    return HandleNative(request, state, segments);
  }
  if (first == "v2") return HandleKServe(request, state, segments);
  if (first == "models" || first == "assets") return HandleWeb(request, state, segments);
  if (segments.size() == 1) {
    if (first == "metrics") return MetricsText(request, state);
    if (first == "invocations" || first == "ping" || first == "health" || first == "version") {
      return HandleMlflow(request, state, segments);
    }
  }
  return RouteError(absl::NotFoundError(Cat("no route ", request.method, " ",
                                            request.path.substr(0, 200), "; routes: ", kRouteList)),
                    "not_found");
}

}  // namespace ferry::serve
