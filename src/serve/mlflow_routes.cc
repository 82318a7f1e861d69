// The MLflow scoring protocol: POST /invocations with
//   {"dataframe_split": {"columns": [...], "data": [[...], ...]}}
//   {"dataframe_records": [{...}, ...]}
//   {"instances": [{...}, ...]}   or rows as arrays in the bundle's declared input order
//   {"inputs": [{...}, ...]}      or columns: {"inputs": {"x1": [...], "x2": [...]}}
// or text/csv with a header; answers {"predictions": [...], "model": ..., "version": ...}.
// Any failed record fails the request (422), as MLflow's server does. GET /ping and /health
// answer 200 "OK" once models are loaded (503 while loading, with none loaded, or draining);
// /version always. The model is --default-model, or the only one served.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "serve/form_body.h"
#include "serve/http_errors.h"
#include "serve/json_body.h"
#include "serve/routes.h"
#include "serve/sv.h"

namespace ferry::serve {
namespace {

constexpr std::string_view kRoute = "mlflow_invocations";
using simdjson::dom::element;

absl::StatusOr<RecordBatch> DecodeJson(const Request& request, const HandlerOptions& options,
                                       const std::vector<std::string>& input_names) {
  absl::StatusOr<element> root = ParseJsonBody(request.body, options.max_json_depth);
  if (!root.ok()) return root.status();
  simdjson::dom::object object;
  if (root->get_object().get(object) != simdjson::SUCCESS || object.size() != 1) {
    return absl::InvalidArgumentError(
        "the body must be an object with exactly one of dataframe_split, dataframe_records, "
        "instances or inputs");
  }
  auto [key, value] = *object.begin();
  if (key == "dataframe_split") {
    simdjson::dom::array columns, data;
    if (value.at_key("columns").get_array().get(columns) != simdjson::SUCCESS ||
        value.at_key("data").get_array().get(data) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(
          "dataframe_split needs \"columns\": [names] and \"data\": [[values], ...]");
    }
    std::vector<std::string> names;
    for (element c : columns) {
      std::string_view name;
      if (c.get_string().get(name) != simdjson::SUCCESS) {
        return absl::InvalidArgumentError("dataframe_split.columns must hold strings");
      }
      names.emplace_back(name);
    }
    return RecordsFromArray(data, names, options.max_rows, "dataframe_split.data");
  }
  if (key == "dataframe_records" || key == "instances" || key == "inputs") {
    if (value.is_array()) {
      return RecordsFromArray(ArrayOf(value), input_names, options.max_rows, key);
    }
    if (key == "inputs" && value.is_object()) {
      return RecordsFromColumns(ObjectOf(value), options.max_rows, key);
    }
    return absl::InvalidArgumentError(
        Cat(key, " is ", JsonTypeWords(value), "; expected an array of records"));
  }
  return absl::InvalidArgumentError(
      Cat("unknown key '", key, "'; send dataframe_split, dataframe_records, instances or inputs"));
}

absl::StatusOr<Target> DefaultTarget(const Request& request, ServerState& state) {
  if (!state.options.default_model.empty()) {
    return ResolveTarget(state, request, state.options.default_model, "", "");
  }
  auto snapshot = state.repository->snapshot();
  if (snapshot->models.size() == 1) {
    return ResolveTarget(state, request, snapshot->models.begin()->first, "", "");
  }
  std::vector<std::string> names;
  for (const auto& [name, model] : snapshot->models) names.push_back(name);
  return absl::NotFoundError(
      Cat("/invocations scores the default model, but ", names.size(), " models are served (",
          absl::StrJoin(names, ", "),
          "); start ferry serve with --default-model NAME, or POST to /v1/models/{name}/predict"));
}

Response Invocations(const Request& request, ServerState& state) {
  if (absl::Status s = RequireMethod(request, "POST"); !s.ok())
    return RouteError(s, std::string(kRoute));
  absl::StatusOr<Target> target = DefaultTarget(request, state);
  if (!target.ok()) return RouteError(target.status(), std::string(kRoute));
  std::string media = request.media_type();
  absl::StatusOr<RecordBatch> batch;
  if (media == "application/json" || media.empty()) {
    std::vector<std::string> input_names;
    for (const auto& in : target->version->bundle->spec().inputs) input_names.push_back(in.name);
    batch = DecodeJson(request, state.options, input_names);
  } else if (media == "text/csv") {
    batch = RecordsFromText(request.body, "csv", state.options.max_rows);
  } else {
    batch = UnsupportedMediaType(Cat("Content-Type '", media,
                                     "' is not accepted by /invocations; send application/json or "
                                     "text/csv"));
  }
  if (!batch.ok()) return RouteError(batch.status(), std::string(kRoute), &*target);
  bundle::ScoredBatch scored = ScoreAndCount(state, *target, *batch);
  std::string failed = RowErrorSummary(scored);
  if (!failed.empty())
    return RouteError(UnprocessableFields(failed), std::string(kRoute), &*target);
  std::string body;
  io::JsonWriter w(&body);
  w.BeginObject().Key("predictions");
  WritePredictions(scored, w);
  w.Key("model").String(target->model->name).Key("version").String(target->version->version);
  w.EndObject();
  return JsonResponse(std::move(body), *target, std::string(kRoute));
}

}  // namespace

Response HandleMlflow(const Request& request, ServerState& state, const PathSegments& segments) {
  std::string_view what = segments[0];
  if (what == "invocations") return Invocations(request, state);
  if (absl::Status s = RequireMethod(request, "GET"); !s.ok())
    return RouteError(s, "mlflow_health");
  Response response = JsonResponse("", "mlflow_health");
  response.content_type = "text/plain; charset=utf-8";
  response.body = what == "version" ? state.options.server_version + "\n" : "OK\n";
  if (what != "version") {  // as MLflow's server: healthy once the model is loaded
    if (std::string reason = NotReadyReason(state); !reason.empty()) {
      response.status = 503;
      response.body = "not ready: " + reason + "\n";
    }
  }
  return response;
}

}  // namespace ferry::serve
