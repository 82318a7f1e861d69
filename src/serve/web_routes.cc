// The web front end's routes (pages rendered by src/serve/web/):
//   GET /                       the model list, for clients that accept text/html (browsers);
//                               other clients keep the JSON answer (handler.cc)
//   GET /models/{name}          the model's form
//   GET /models/{name}/batch    stored async results, ?from=YYYY-MM-DD&to=YYYY-MM-DD (UTC days)
//   GET /assets/{file}          the embedded style sheet and script
// Model names are checked and looked up in memory by ResolveTarget (never a path). Failures
// are HTML pages with the same status the JSON API gives.
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "async/async_service.h"
#include "serve/form_body.h"
#include "serve/http_errors.h"
#include "serve/routes.h"
#include "serve/sv.h"
#include "serve/web/assets.h"
#include "serve/web/html.h"
#include "serve/web/pages.h"

namespace ferry::serve {
namespace {

constexpr size_t kMaxBatchRows = 1000;
constexpr int kDefaultBatchDays = 7;

Response Html(std::string body, std::string route, const Target* target = nullptr) {
  Response response = target != nullptr ? JsonResponse(std::move(body), *target, std::move(route))
                                        : JsonResponse(std::move(body), std::move(route));
  response.content_type = "text/html; charset=utf-8";
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'");
  return response;
}

Response HtmlError(const absl::Status& status, std::string route) {
  int code = HttpStatusOf(status);
  std::string main = Cat("<h1>Error ", code, "</h1>\n<p class=\"error\" role=\"alert\">",
                         web::Escape(Std(status.message())),
                         "</p>\n<p><a href=\"/\">Back to the list of models</a></p>\n");
  Response response = Html(web::Page(Cat("Error ", code), main), std::move(route));
  response.status = code;
  return response;
}

// The value of `key` in a query string ("from=2026-11-01&to=..."), percent-decoded; "" if absent.
std::string QueryValue(std::string_view query, std::string_view key) {
  for (absl::string_view pair : absl::StrSplit(Sv(query), '&')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (Std(kv.first) != key) continue;
    absl::StatusOr<std::string> value = PercentDecode(Std(kv.second), /*plus_is_space=*/true);
    return value.ok() ? *value : "";
  }
  return "";
}

// Parses a YYYY-MM-DD day; `what` names it in the error.
absl::StatusOr<absl::CivilDay> ParseDay(std::string_view text, std::string_view what) {
  absl::CivilDay day;
  if (text.size() == 10 && absl::ParseCivilTime(Sv(text), &day)) return day;
  return absl::InvalidArgumentError(
      Cat("'", what, "' is '", text.substr(0, 40), "', not a day as YYYY-MM-DD"));
}

Response BatchResults(const Request& request, ServerState& state, const Target& target) {
  absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  std::string from_text = QueryValue(request.query, "from");
  std::string to_text = QueryValue(request.query, "to");
  web::BatchQuery query;
  query.from =
      from_text.empty() ? absl::FormatCivilTime(today - (kDefaultBatchDays - 1)) : from_text;
  query.to = to_text.empty() ? absl::FormatCivilTime(today) : to_text;
  std::vector<async::StoredResult> results;
  absl::StatusOr<absl::CivilDay> from = ParseDay(query.from, "from");
  absl::StatusOr<absl::CivilDay> to = ParseDay(query.to, "to");
  if (!from.ok() || !to.ok()) {
    query.problem = std::string((from.ok() ? to : from).status().message());
  } else if (*to < *from) {
    query.problem = Cat("'to' (", query.to, ") is before 'from' (", query.from, ")");
  } else if (state.async == nullptr) {
    query.problem = "this server keeps no results: the async API is off";
  } else {
    absl::StatusOr<std::vector<async::StoredResult>> listed = state.async->results().List(
        target.model->name, absl::FromCivil(*from, absl::UTCTimeZone()),
        absl::FromCivil(*to + 1, absl::UTCTimeZone()), kMaxBatchRows + 1);
    if (!listed.ok()) {
      query.problem = Cat("the result store could not be read: ", listed.status().message());
    } else {
      results = std::move(*listed);
      query.truncated = results.size() > kMaxBatchRows;
      if (query.truncated) results.resize(kMaxBatchRows);
    }
  }
  Response response = Html(web::BatchPage(*target.model, query, results), "web_batch", &target);
  if (!query.problem.empty() && (!from.ok() || !to.ok() || *to < *from)) response.status = 400;
  return response;
}

Response Asset(std::string_view name) {
  const web::WebAsset* asset = web::FindWebAsset(name);
  if (asset == nullptr) {
    return RouteError(absl::NotFoundError(Cat("no asset named '", name.substr(0, 64), "'")),
                      "web_asset");
  }
  Response response = JsonResponse(std::string(asset->body), "web_asset");
  response.content_type = std::string(asset->content_type);
  response.headers.emplace_back("Cache-Control", "public, max-age=300");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

}  // namespace

bool WantsHtml(const Request& request) {
  return absl::StrContains(Sv(request.header("accept")), "text/html");
}

Response WebIndex(const Request& request, ServerState& state) {
  if (absl::Status s = RequireMethod(request, "GET"); !s.ok()) return HtmlError(s, "web_index");
  return Html(web::IndexPage(*state.repository->snapshot(), state.options.server_version),
              "web_index");
}

Response HandleWeb(const Request& request, ServerState& state, const PathSegments& segments) {
  // segments[0] is "models" or "assets".
  std::string route = segments[0] == "assets" ? "web_asset" : "web_model";
  if (absl::Status s = RequireMethod(request, "GET"); !s.ok()) return HtmlError(s, route);
  if (segments[0] == "assets") {
    if (segments.size() != 2) {
      return RouteError(absl::NotFoundError("assets are /assets/{file}"), "web_asset");
    }
    return Asset(segments[1]);
  }
  bool batch = segments.size() == 3 && segments[2] == "batch";
  if (segments.size() != 2 && !batch) {
    return HtmlError(
        absl::NotFoundError(Cat("no page ", request.path.substr(0, 200),
                                "; pages are /models/{name} and /models/{name}/batch")),
        route);
  }
  absl::StatusOr<Target> target = ResolveTarget(state, request, segments[1], "", "");
  if (!target.ok()) return HtmlError(target.status(), route);
  if (batch) return BatchResults(request, state, *target);
  return Html(web::ModelPage(*target->model), route, &*target);
}

}  // namespace ferry::serve
