// Helpers shared by the route families (routes.h).
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "registry/names.h"
#include "serve/http_errors.h"
#include "serve/routes.h"
#include "serve/sv.h"

namespace ferry::serve {
namespace {

absl::Status CheckName(std::string_view what, std::string_view name) {
  if (registry::IsValidName(name)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      Cat(what, " '", name.substr(0, 64), "' is not valid: use letters, digits, '_', '.' and '-'"));
}

std::string ServedList(const registry::Snapshot& snapshot) {
  std::vector<std::string> names;
  for (const auto& [name, model] : snapshot.models) names.push_back(name);
  return names.empty() ? "no model is being served" : "served: " + absl::StrJoin(names, ", ");
}

std::string VersionList(const registry::ServedModel& model) {
  std::vector<std::string> versions;
  for (const auto& v : model.versions) versions.push_back(v.version);
  return absl::StrJoin(versions, ", ");
}

}  // namespace

absl::Status CheckPredictKey(ServerState& state, const Request& request, std::string_view model,
                             bool model_requires_key) {
  if (!model_requires_key && !state.options.require_key_for_predict) return absl::OkStatus();
  if (state.keys.empty()) {
    return absl::PermissionDeniedError(
        Cat("model '", model,
            "' requires an API key but the server has none configured; start "
            "ferry serve with --api-key-file FILE or FERRY_API_KEYS"));
  }
  return state.keys.Check(request, /*admin_route=*/false);
}

absl::StatusOr<Target> ResolveTarget(ServerState& state, const Request& request,
                                     std::string_view model, std::string_view version,
                                     std::string_view alias) {
  if (absl::Status s = CheckName("model name", model); !s.ok()) return s;
  if (!version.empty()) {
    if (absl::Status s = CheckName("version", version); !s.ok()) return s;
  }
  if (!alias.empty()) {
    if (absl::Status s = CheckName("alias", alias); !s.ok()) return s;
  }
  Target target;
  target.snapshot = state.repository->snapshot();
  target.model = target.snapshot->FindModel(model);
  if (target.model == nullptr) {
    return absl::NotFoundError(
        Cat("no model named '", model, "' (", ServedList(*target.snapshot), ")"));
  }
  if (absl::Status s = CheckPredictKey(state, request, model, target.model->auth_required);
      !s.ok()) {
    return s;
  }
  if (!alias.empty()) {
    auto it = target.model->aliases.find(std::string(alias));
    if (it == target.model->aliases.end()) {
      std::vector<std::string> aliases;
      for (const auto& [a, v] : target.model->aliases) aliases.push_back(a);
      return absl::NotFoundError(Cat("model '", model, "' has no alias '", alias, "' (aliases: ",
                                     aliases.empty() ? "none" : absl::StrJoin(aliases, ", "), ")"));
    }
    version = it->second;
    target.version = target.model->FindVersion(version);
    if (target.version == nullptr) {
      return absl::NotFoundError(
          Cat("alias '", alias, "' of model '", model, "' points to version ", version,
              ", which is not loaded (served: ", VersionList(*target.model), ")"));
    }
    return target;
  }
  if (version.empty()) {
    target.version = &target.model->Latest();
    return target;
  }
  target.version = target.model->FindVersion(version);
  if (target.version == nullptr) {
    return absl::NotFoundError(Cat("model '", model, "' has no version '", version,
                                   "' being served (served: ", VersionList(*target.model), ")"));
  }
  return target;
}

bundle::ScoredBatch ScoreAndCount(ServerState& state, const Target& target,
                                  const RecordBatch& batch) {
  bundle::ScoredBatch scored = target.version->bundle->Score(batch);
  bool classes =
      !target.version->bundle->spec().outputs.labels.empty() || !scored.class_labels.empty();
  if (!classes) {  // a regressor: one count, under the label ""
    uint64_t n = 0;
    for (size_t r = 0; r < scored.num_rows; ++r) n += scored.ok(r) && !scored.field_names.empty();
    if (n > 0) state.metrics->CountPredictions(target.model->name, target.version->version, "", n);
    return scored;
  }
  absl::flat_hash_map<std::string, uint64_t> per_class;
  for (size_t r = 0; r < scored.num_rows; ++r) {
    if (!scored.ok(r) || scored.field_names.empty()) continue;
    ++per_class[scored.field(r, 0).ToString()];
  }
  for (const auto& [label, n] : per_class) {
    state.metrics->CountPredictions(target.model->name, target.version->version, label, n);
  }
  return scored;
}

std::string RowErrorSummary(const bundle::ScoredBatch& scored) {
  std::vector<std::string> parts;
  size_t failed = 0;
  for (size_t r = 0; r < scored.num_rows; ++r) {
    if (scored.ok(r)) continue;
    if (++failed <= 5) parts.push_back(Cat("record ", r + 1, ": ", scored.errors[r]));
  }
  if (failed > 5) parts.push_back(Cat("and ", failed - 5, " more"));
  return absl::StrJoin(parts, "; ");
}

Response JsonResponse(std::string body, const Target& target, std::string route) {
  Response response;
  response.body = std::move(body);
  response.route = std::move(route);
  response.model = target.model->name;
  response.version = target.version->version;
  response.headers.emplace_back("X-Ferry-Model", response.model);
  response.headers.emplace_back("X-Ferry-Model-Version", response.version);
  return response;
}

Response JsonResponse(std::string body, std::string route) {
  Response response;
  response.body = std::move(body);
  response.route = std::move(route);
  return response;
}

Response RouteError(const absl::Status& status, std::string route, const Target* target) {
  bool named = target != nullptr && target->version != nullptr;
  Response response = named ? ErrorResponse(status, target->model->name, target->version->version)
                            : ErrorResponse(status);
  response.route = std::move(route);
  if (named) {
    response.headers.emplace_back("X-Ferry-Model", response.model);
    response.headers.emplace_back("X-Ferry-Model-Version", response.version);
  }
  return response;
}

absl::Status RequireMethod(const Request& request, std::string_view method) {
  if (request.method == method) return absl::OkStatus();
  return MethodNotAllowed(
      Cat(request.method, " is not allowed on ", request.path, "; use ", method));
}

}  // namespace ferry::serve
