// libFuzzer target for whole requests through serve::Handle: methods, paths, query strings,
// headers and bodies reaching every route (native, KServe, admin, MLflow, metrics, the async
// API and the web pages). The input reads like an HTTP/1.1 request head:
//   METHOD TARGET\n          TARGET is path[?query], split at the first '?' as the session does
//   name: value\n            up to 16 headers (names lower-cased), e.g. content-type, accept
//   \n                       then the body, the rest of the input
// The server state is built once: a temp-dir repository of hand-written XGBoost JSON bundles
// ("tiny" versions 1 and 2 with alias production -> 1, "locked" behind the key "secret-key";
// no Python at fuzz time) and an embedded async service on a temp SQLite file with no workers.
// Invariants checked on every answer (a violation aborts, so libFuzzer saves the input):
// status in 200..599; a body no larger than kMaxResponseBytes; an application/json body
// parses; a 4xx/5xx is JSON {"error": "..."} unless it is an HTML page of a web route.
// Admin routes may unload models; every model is loaded again after them, so each input
// starts from the same models. The temp dir is removed at exit. Built only with
// -DFERRY_FUZZ=ON (clang).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "async/async_service.h"
#include "registry/repository.h"
#include "serve/handler.h"
#include "serve/sv.h"
#include "simdjson.h"

namespace ferry::serve {
namespace {

constexpr size_t kMaxHeaders = 16;
constexpr size_t kMaxResponseBytes = 4 << 20;

// One tree over x1 (feature 0) and x2 (feature 1): x1 >= 0 -> 2, else x2 < 0 -> -2 else 0.5;
// binary:logistic, so the bundle's labels "no"/"yes" apply. `flip` negates the leaves.
std::string TinyXGBoostModel(bool flip) {
  const char* leaves = flip ? "[0,0,-2,2,-0.5]" : "[0,0,2,-2,0.5]";
  return absl::StrCat(
      R"({"learner":{"feature_names":[],"feature_types":[],"learner_model_param":{)",
      R"("base_score":"5E-1","num_class":"0","num_feature":"2","num_target":"1"},)",
      R"("objective":{"name":"binary:logistic","reg_loss_param":{"scale_pos_weight":"1"}},)",
      R"("gradient_booster":{"name":"gbtree","model":{"gbtree_model_param":{"num_trees":"1",)",
      R"("size_leaf_vector":"0"},"tree_info":[0],"trees":[{"id":0,)",
      R"("left_children":[1,3,-1,-1,-1],"right_children":[2,4,-1,-1,-1],)",
      R"("parents":[2147483647,0,0,1,1],"split_indices":[0,1,0,0,0],)", R"("split_conditions":)",
      leaves, R"(,"default_left":[1,0,0,0,0],"split_type":[0,0,0,0,0],)", R"("base_weights":)",
      leaves, R"(,"categories":[],"categories_nodes":[],"categories_segments":[],)",
      R"("categories_sizes":[],"tree_param":{"num_nodes":"5","num_feature":"2",)",
      R"("size_leaf_vector":"0"}}]}}},"version":[1,7,4]})");
}

std::string TinySpec(std::string_view name, std::string_view version) {
  return absl::StrCat("name: ", Sv(name), "\nversion: \"", Sv(version), R"("
model: model.json
inputs:
  x1: {type: float, min: -1000, max: 1000}
  x2: {type: float}
  tag: {type: string, required: false, default: ""}
features:
  x1: x1
  x2: x2
outputs:
  prediction: label
  labels: {0: "no", 1: "yes"}
  probabilities: true
  passthrough: [tag]
)");
}

void Write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr || std::fwrite(text.data(), 1, text.size(), file) != text.size()) {
    std::fprintf(stderr, "handler_fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  std::fclose(file);
}

void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "handler_fuzz: %s\n", what);
    std::abort();
  }
}

struct Fixture {
  Metrics metrics;
  std::unique_ptr<registry::Repository> repository;
  std::unique_ptr<async::AsyncService> async;
  ServerState state;
};

Fixture& TheFixture() {
  static Fixture* fixture = [] {
    namespace fs = std::filesystem;
    std::string pattern = (fs::temp_directory_path() / "ferry-handler-fuzz-XXXXXX").string();
    Require(mkdtemp(pattern.data()) != nullptr, "mkdtemp failed");
    static std::string* temp_dir = new std::string(pattern);
    std::atexit([] { std::filesystem::remove_all(*temp_dir); });
    fs::path root = fs::path(pattern) / "models";
    Write(root / "tiny/1/model.json", TinyXGBoostModel(false));
    Write(root / "tiny/1/ferry.yaml", TinySpec("tiny", "1"));
    Write(root / "tiny/2/model.json", TinyXGBoostModel(true));
    Write(root / "tiny/2/ferry.yaml", TinySpec("tiny", "2"));
    Write(root / "tiny/config.yaml", "version_policy: all\n");
    Write(root / "tiny/aliases.yaml", "production: \"1\"\n");
    Write(root / "locked/1/model.json", TinyXGBoostModel(false));
    Write(root / "locked/1/ferry.yaml", TinySpec("locked", "1"));
    Write(root / "locked/config.yaml", "auth: required\n");
    auto* made = new Fixture;
    auto repository = registry::Repository::OpenDirectory(root.string(), nullptr);
    Require(repository.ok(), "the repository did not open");
    made->repository = std::move(*repository);
    auto snapshot = made->repository->snapshot();
    const registry::ServedModel* tiny = snapshot->FindModel("tiny");
    Require(tiny != nullptr && tiny->versions.size() == 2 && snapshot->FindModel("locked"),
            "the hand-written bundles did not load (see the repository index)");
    async::AsyncOptions options;
    options.state_dir = (fs::path(pattern) / "state").string();
    options.workers = 0;
    auto service = async::AsyncService::Start(options, made->repository.get());
    Require(service.ok(), "the embedded async service did not start");
    made->async = std::move(*service);
    made->state.repository = made->repository.get();
    made->state.metrics = &made->metrics;
    made->state.async = made->async.get();
    made->state.keys = ApiKeys::FromList({"secret-key"});
    made->state.options.default_model = "tiny";
    return made;
  }();
  return *fixture;
}

// Splits the fuzz input into a Request (see the header comment).
Request ParseRequest(std::string_view input) {
  Request request;
  size_t line_end = input.find('\n');
  std::string_view line = input.substr(0, line_end);
  input = line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 1);
  size_t space = line.find(' ');
  request.method = std::string(line.substr(0, space));
  std::string_view target = space == std::string_view::npos ? "" : line.substr(space + 1);
  size_t q = target.find('?');
  request.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
  for (size_t n = 0; n < kMaxHeaders && !input.empty(); ++n) {
    line_end = input.find('\n');
    line = input.substr(0, line_end);
    input = line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 1);
    if (line.empty()) break;
    size_t colon = line.find(':');
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers[absl::AsciiStrToLower(Sv(line.substr(0, colon)))] = std::string(value);
  }
  request.body = std::string(input);
  return request;
}

bool IsJsonErrorObject(const std::string& body, bool need_error) {
  static simdjson::dom::parser* parser = new simdjson::dom::parser;
  simdjson::dom::element root;
  if (parser->parse(simdjson::padded_string(body)).get(root) != simdjson::SUCCESS) return false;
  if (!need_error) return true;
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return false;
  std::string_view message;
  return object["error"].get_string().get(message) == simdjson::SUCCESS;
}

void CheckInvariants(const Response& response) {
  Require(response.status >= 200 && response.status <= 599, "status outside 200..599");
  Require(response.body.size() <= kMaxResponseBytes, "response body over 4 MiB");
  bool html = absl::StartsWith(response.content_type, "text/html");
  bool json = absl::StartsWith(response.content_type, "application/json");
  if (response.status >= 400) {
    if (html) {
      Require(absl::StartsWith(response.route, "web_"), "an HTML error from a non-web route");
      Require(absl::StrContains(response.body, "<html"), "an HTML error that is not a page");
    } else {
      Require(json, "an error that is neither JSON nor an HTML page");
      Require(IsJsonErrorObject(response.body, true), "an error body without a JSON \"error\"");
    }
  } else if (json) {
    Require(IsJsonErrorObject(response.body, false), "an application/json body that is not JSON");
  }
}

}  // namespace
}  // namespace ferry::serve

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ferry::serve;
  Fixture& fixture = TheFixture();
  Request request = ParseRequest(std::string_view(reinterpret_cast<const char*>(data), size));
  Response response = Handle(request, fixture.state);
  CheckInvariants(response);
  if (response.route == "admin") {
    (void)fixture.repository->LoadModel("tiny");
    (void)fixture.repository->LoadModel("locked");
  }
  return 0;
}
