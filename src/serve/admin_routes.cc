// Repository administration (KServe's model repository extension), always behind an API key:
//   POST /v2/repository/index                 rescans the repository, lists every version
//   POST /v2/repository/models/{name}/load    serves {name} again and retries its versions
//   POST /v2/repository/models/{name}/unload  stops serving {name}
// Loading runs on the calling event loop; requests on the other loops go on meanwhile.
#include "absl/strings/str_cat.h"
#include "registry/names.h"
#include "serve/routes.h"
#include "serve/sv.h"

namespace ferry::serve {
namespace {

constexpr std::string_view kRoute = "admin";

Response Index(ServerState& state) {
  state.repository->Refresh();
  auto snapshot = state.repository->snapshot();
  std::string body;
  io::JsonWriter w(&body);
  w.BeginArray();
  for (const registry::VersionState& row : snapshot->index) {
    w.BeginObject().Key("name").String(row.model).Key("version").String(row.version);
    w.Key("state").String(row.state).Key("reason").String(row.reason).EndObject();
  }
  w.EndArray();
  return JsonResponse(std::move(body), std::string(kRoute));
}

}  // namespace

Response HandleAdmin(const Request& request, ServerState& state, const PathSegments& segments) {
  // segments[0] == "v2", segments[1] == "repository".
  if (absl::Status s = state.keys.Check(request, /*admin_route=*/true); !s.ok()) {
    return RouteError(s, std::string(kRoute));
  }
  if (absl::Status s = RequireMethod(request, "POST"); !s.ok())
    return RouteError(s, std::string(kRoute));
  size_t n = segments.size();
  if (n == 3 && segments[2] == "index") return Index(state);
  if (n == 5 && segments[2] == "models" && (segments[4] == "load" || segments[4] == "unload")) {
    std::string_view name = segments[3];
    if (!registry::IsValidName(name)) {
      return RouteError(
          absl::InvalidArgumentError(Cat("model name '", name.substr(0, 64),
                                         "' is not valid: use letters, digits, '_', '.' and '-'")),
          std::string(kRoute));
    }
    bool load = segments[4] == "load";
    absl::Status status =
        load ? state.repository->LoadModel(name) : state.repository->UnloadModel(name);
    if (!status.ok()) return RouteError(status, std::string(kRoute));
    std::string body;
    io::JsonWriter w(&body);
    w.BeginObject().Key("name").String(name).Key(load ? "loaded" : "unloaded").Bool(true);
    if (load) {
      auto snapshot = state.repository->snapshot();
      if (const registry::ServedModel* model = snapshot->FindModel(name)) {
        w.Key("versions").BeginArray();
        for (const auto& v : model->versions) w.String(v.version);
        w.EndArray();
      }
    }
    w.EndObject();
    return JsonResponse(std::move(body), std::string(kRoute));
  }
  return RouteError(absl::NotFoundError(Cat(
                        "no route ", request.path,
                        "; repository routes: POST /v2/repository/index, "
                        "/v2/repository/models/{name}/load, /v2/repository/models/{name}/unload")),
                    "not_found");
}

}  // namespace ferry::serve
