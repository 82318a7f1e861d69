// The native protocol: /v1/models[/{name}[/versions/{v}|/aliases/{a}]/predict].
// A body of one record (a JSON object, a form post) answers 422 when the record fails the
// model's input rules; a batch answers 200 with each failed record's error in its place.
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "serve/form_body.h"
#include "serve/http_errors.h"
#include "serve/json_body.h"
#include "serve/routes.h"
#include "serve/sv.h"

namespace ferry::serve {
namespace {

constexpr std::string_view kRoute = "v1_predict";

bool LooksLikeJson(std::string_view body) {
  body = Std(absl::StripLeadingAsciiWhitespace(Sv(body)));
  return !body.empty() && (body[0] == '{' || body[0] == '[');
}

absl::StatusOr<DecodedBody> DecodeJson(const Request& request, const HandlerOptions& options) {
  absl::StatusOr<simdjson::dom::element> root = ParseJsonBody(request.body, options.max_json_depth);
  if (!root.ok()) return root.status();
  DecodedBody out;
  if (root->is_array()) {
    absl::StatusOr<RecordBatch> batch =
        RecordsFromArray(ArrayOf(*root), {}, options.max_rows, "the body");
    if (!batch.ok()) return batch.status();
    out.batch = std::move(*batch);
    return out;
  }
  if (!root->is_object()) {
    return absl::InvalidArgumentError(
        Cat("the body is ", JsonTypeWords(*root),
            "; send one record as an object, or {\"instances\": [record, ...]}"));
  }
  simdjson::dom::object object = ObjectOf(*root);
  simdjson::dom::element instances;
  if (object.at_key("instances").get(instances) == simdjson::SUCCESS) {
    if (!instances.is_array()) {
      return absl::InvalidArgumentError(
          Cat("\"instances\" is ", JsonTypeWords(instances), "; expected an array of records"));
    }
    absl::StatusOr<RecordBatch> batch =
        RecordsFromArray(ArrayOf(instances), {}, options.max_rows, "instances");
    if (!batch.ok()) return batch.status();
    out.batch = std::move(*batch);
    return out;
  }
  out.batch = RecordFromObject(object);
  out.single = true;
  return out;
}

}  // namespace

absl::StatusOr<DecodedBody> DecodeBody(const Request& request, const HandlerOptions& options) {
  std::string media = request.media_type();
  bool json_media =
      media == "application/json" || media == "text/json" || absl::EndsWith(media, "+json");
  if (json_media || (media.empty() && LooksLikeJson(request.body)) ||
      (media == "application/x-www-form-urlencoded" && LooksLikeJson(request.body))) {
    return DecodeJson(request, options);  // the last case: curl -d '{...}' without -H
  }
  DecodedBody out;
  if (media == "application/x-www-form-urlencoded") {
    absl::StatusOr<RecordBatch> batch = RecordFromUrlEncoded(request.body);
    if (!batch.ok()) return batch.status();
    out.batch = std::move(*batch);
    out.single = true;
    return out;
  }
  if (media == "multipart/form-data") {
    absl::StatusOr<RecordBatch> batch =
        RecordsFromMultipart(request.body, request.header("content-type"), options.max_rows);
    if (!batch.ok()) return batch.status();
    out.single = !absl::StrContains(request.body, "filename=");
    out.batch = std::move(*batch);
    return out;
  }
  std::string_view format = media == "text/csv" ? "csv"
                            : media == "application/x-ndjson" || media == "application/jsonl" ||
                                    media == "application/x-jsonlines"
                                ? "jsonl"
                                : "";
  if (format.empty()) {
    return UnsupportedMediaType(
        Cat("Content-Type '", media.empty() ? "(none)" : media,
            "' is not accepted here; send application/json, application/x-www-form-urlencoded, "
            "multipart/form-data, text/csv or application/x-ndjson"));
  }
  absl::StatusOr<RecordBatch> batch = RecordsFromText(request.body, format, options.max_rows);
  if (!batch.ok()) return batch.status();
  out.batch = std::move(*batch);
  return out;
}

namespace {

Response Predict(const Request& request, ServerState& state, std::string_view model,
                 std::string_view version, std::string_view alias) {
  if (absl::Status s = RequireMethod(request, "POST"); !s.ok())
    return RouteError(s, std::string(kRoute));
  absl::StatusOr<Target> target = ResolveTarget(state, request, model, version, alias);
  if (!target.ok()) return RouteError(target.status(), std::string(kRoute));
  absl::StatusOr<DecodedBody> decoded = DecodeBody(request, state.options);
  if (!decoded.ok()) return RouteError(decoded.status(), std::string(kRoute), &*target);
  bundle::ScoredBatch scored = ScoreAndCount(state, *target, decoded->batch);
  if (decoded->single && scored.num_rows == 1 && !scored.ok(0)) {
    return RouteError(UnprocessableFields(scored.errors[0]), std::string(kRoute), &*target);
  }
  std::string body;
  io::JsonWriter w(&body);
  w.BeginObject()
      .Key("model")
      .String(target->model->name)
      .Key("version")
      .String(target->version->version)
      .Key("predictions");
  WritePredictions(scored, w);
  w.EndObject();
  return JsonResponse(std::move(body), *target, std::string(kRoute));
}

void WriteModelInfo(const registry::ServedModel& model, io::JsonWriter& w) {
  w.BeginObject().Key("name").String(model.name).Key("versions").BeginArray();
  for (const auto& v : model.versions) w.String(v.version);
  w.EndArray().Key("latest").String(model.Latest().version).Key("aliases").BeginObject();
  for (const auto& [alias, version] : model.aliases) w.Key(alias).String(version);
  w.EndObject().Key("auth_required").Bool(model.auth_required);
  w.Key("description").String(model.Latest().bundle->spec().description);
  w.Key("inputs").BeginArray();
  for (const auto& in : model.Latest().bundle->spec().inputs) w.String(in.name);
  w.EndArray().EndObject();
}

}  // namespace

void WritePredictions(const bundle::ScoredBatch& scored, io::JsonWriter& w) {
  w.BeginArray();
  for (size_t r = 0; r < scored.num_rows; ++r)
    w.Raw(scored.RowJson(r, static_cast<int64_t>(r) + 1));
  w.EndArray();
}

Response HandleNative(const Request& request, ServerState& state, const PathSegments& segments) {
  // segments[0] == "v1", segments[1] == "models".
  size_t n = segments.size();
  if (n == 2 || n == 3) {
    if (absl::Status s = RequireMethod(request, "GET"); !s.ok()) return RouteError(s, "v1_models");
    auto snapshot = state.repository->snapshot();
    std::string body;
    io::JsonWriter w(&body);
    if (n == 2) {
      w.BeginObject().Key("models").BeginArray();
      for (const auto& [name, model] : snapshot->models) WriteModelInfo(model, w);
      w.EndArray().EndObject();
      return JsonResponse(std::move(body), "v1_models");
    }
    absl::StatusOr<Target> target = ResolveTarget(state, request, segments[2], "", "");
    if (!target.ok()) return RouteError(target.status(), "v1_models");
    WriteModelInfo(*target->model, w);
    return JsonResponse(std::move(body), *target, "v1_models");
  }
  if (n == 4 && segments[3] == "predict") return Predict(request, state, segments[2], "", "");
  if (n == 6 && segments[5] == "predict" && segments[3] == "versions") {
    return Predict(request, state, segments[2], segments[4], "");
  }
  if (n == 6 && segments[5] == "predict" && segments[3] == "aliases") {
    return Predict(request, state, segments[2], "", segments[4]);
  }
  return RouteError(
      absl::NotFoundError(Cat("no route ", request.path,
                              "; use /v1/models/{name}[/versions/{v}|/aliases/{a}]/predict")),
      "not_found");
}

}  // namespace ferry::serve
