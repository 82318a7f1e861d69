// `ferry serve`: serves bundles over HTTP (native JSON and forms, KServe V2, MLflow), from a
// model repository (REPO/<name>/<version>/) or from bundle directories and model files, all
// polled for changes. Logs "listening on", each load and reload, then "ready: serving" to
// stderr; exits 0 after a graceful SIGTERM/SIGINT, 2 when a given bundle does not load.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "async/async_service.h"
#include "cli/commands.h"
#include "registry/dir_scan.h"
#include "registry/repository.h"
#include "serve/auth.h"
#include "serve/metrics.h"
#include "serve/server.h"

namespace ferry::cli {
namespace {

constexpr char kName[] = "serve";

constexpr char kDescription[] =
    R"(Serves models over HTTP/1.1 until SIGTERM or SIGINT (then finishes the requests in
flight and exits 0). Give one model repository (REPO/<name>/<version>/ferry.yaml, with optional
REPO/<name>/config.yaml and aliases.yaml; a version directory may hold just a model file),
or bundle directories (each served under the name and version its ferry.yaml gives), or bare
model files (served as a bundle implied by the model: its input names, "prediction", and
"probabilities" for classifiers; named after the file). Either is polled for changes
(--poll-interval); a version that fails to reload is reported and the last good one serves.
GET /v2/health/ready answers 503 until the models are loaded and while draining.
Routes: POST /v1/models/{name}[/versions/{v}|/aliases/{a}]/predict (JSON, forms, CSV),
KServe V2 /v2/..., MLflow /invocations, GET /metrics. See docs/serve.md.
Asynchronous requests: POST /v1/models/{name}/requests answers an id at once, GET
/v1/requests/{id} answers WAIT until a worker has scored it. By default they are queued in
SQLite under --state-dir and scored by this server's --async-workers; --async-queue puts them
on Kafka or Redis for `ferry stream` workers instead. See docs/async.md.
Web pages for a browser: / (models, versions, health), /models/{name} (a form from the
bundle's inputs, answered at once or as a request), /models/{name}/batch (stored results).)";

constexpr char kExamples[] = R"(Examples:
  ferry serve examples/flight_delays/bundle
  ferry serve model.joblib
  ferry serve --port 9000 --host 0.0.0.0 --api-key-file keys.txt models/
  curl -s localhost:8080/v1/models/flight_delays/predict -d '{"DepDelay": 5, ...}'
)";

struct ServeFlags {
  std::vector<std::string> paths;
  serve::ServerOptions server;
  serve::HandlerOptions handler;
  double poll_interval_seconds = 5;
  double idle_timeout_seconds = 60, read_timeout_seconds = 30, drain_timeout_seconds = 30;
  std::string api_key_file;
  async::AsyncOptions async;
  std::string async_retention = "24h";
  // --async-queue, --async-results or --state-dir given: failing to open them stops the
  // server; with the defaults the API is only turned off (e.g. a read-only working dir).
  bool async_explicit = false;
};

void LogLoad(const registry::LoadEvent& e) {
  if (e.ok) {
    std::cerr << "ferry serve: " << (e.reload ? "reloaded " : "loaded ") << e.model << " version "
              << e.version << " from " << e.path << "\n";
  } else {
    std::cerr << "ferry serve: failed to load " << e.path << " (nothing it would replace is "
              << "affected): " << e.error << "\n";
  }
}

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

// A model repository: one directory that is neither a bundle nor a directory holding one
// model file.
bool IsRepository(const std::vector<std::string>& paths) {
  std::error_code ec;
  return paths.size() == 1 && std::filesystem::is_directory(paths[0], ec) &&
         !std::filesystem::exists(paths[0] + "/ferry.yaml", ec) &&
         registry::SoleModelFile(paths[0]).empty();
}

void LogServing(const registry::Repository& repository) {
  auto snapshot = repository.snapshot();
  std::cerr << "ferry serve: ready: serving " << snapshot->models.size() << " model(s) from "
            << repository.description() << ":";
  for (const auto& [name, model] : snapshot->models) {
    std::cerr << " " << name << " (version";
    for (const auto& v : model.versions) std::cerr << " " << v.version;
    std::cerr << ")";
  }
  std::cerr << std::endl;
}

constexpr char kPathsHint[] =
    "give bundle directories (each with a ferry.yaml), model files, or one model repository "
    "(REPO/<name>/<version>/ferry.yaml); 'ferry validate BUNDLE' explains what is wrong with a "
    "bundle";

// Listens first (GET /v2/health/live answers, /v2/health/ready says 503 while loading), then
// loads the models on a thread of its own; a bundle or model file given on the command line
// that fails to load stops the server with exit status 2.
int RunServe(const ServeFlags& flags) {
  auto metrics = std::make_unique<serve::Metrics>();
  auto listener = [m = metrics.get()](const registry::LoadEvent& e) {
    LogLoad(e);
    m->ModelLoad(e);
  };
  std::error_code ec;
  for (const std::string& path : flags.paths) {
    if (!std::filesystem::is_directory(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
      return ReportCannotRun(kName, absl::StrCat(path, ": not a directory or a model file"),
                             kPathsHint);
    }
  }
  bool repository_mode = IsRepository(flags.paths);
  std::unique_ptr<registry::Repository> repository;
  if (repository_mode) {
    auto opened = registry::Repository::ForDirectory(flags.paths[0], listener);
    if (!opened.ok()) return ReportCannotRun(kName, opened.status().message(), kPathsHint);
    repository = std::move(*opened);
  } else {
    repository = registry::Repository::ForBundles(flags.paths, listener);
  }
  const char* env_keys = std::getenv("FERRY_API_KEYS");
  auto keys = serve::ApiKeys::Load(flags.api_key_file, env_keys ? env_keys : "");
  if (!keys.ok()) return ReportCannotRun(kName, keys.status().message(), "");

  serve::ServerState state;
  state.repository = repository.get();
  state.metrics = metrics.get();
  state.keys = std::move(*keys);
  state.options = flags.handler;
  state.options.server_version = FERRY_VERSION;
  state.initial_load_done = false;

  std::unique_ptr<async::AsyncService> async_service;
  if (flags.async.queue != "none") {
    async::AsyncOptions async_options = flags.async;
    async_options.defer_workers = true;  // started once the models are loaded
    if (!absl::ParseDuration(flags.async_retention, &async_options.retention)) {
      return ReportCannotRun(kName,
                             absl::StrCat("--async-retention '", flags.async_retention,
                                          "' is not a duration"),
                             "write it like 24h, 90m or 3600s");
    }
    auto started = async::AsyncService::Start(async_options, repository.get());
    if (!started.ok() && !flags.async_explicit) {
      std::cerr << "ferry serve: asynchronous requests are off: " << started.status().message()
                << " (give --state-dir a writable directory to turn them on)" << std::endl;
    } else if (!started.ok()) {
      return ReportCannotRun(kName, started.status().message(),
                             "see --async-queue, --async-results and --state-dir in "
                             "'ferry serve --help', or turn the API off with --async-queue none");
    } else {
      async_service = std::move(*started);
      state.async = async_service.get();
      std::cerr << "ferry serve: asynchronous requests: " << async_service->Describe()
                << std::endl;
    }
  }

  serve::ServerOptions options = flags.server;
  options.idle_timeout = Millis(flags.idle_timeout_seconds);
  options.read_timeout = Millis(flags.read_timeout_seconds);
  options.drain_timeout = Millis(flags.drain_timeout_seconds);
  auto server = serve::Server::Create(options, &state);
  if (!server.ok()) return ReportCannotRun(kName, server.status().message(), "");

  bool tls = !options.tls_cert.empty();
  bool polling = flags.poll_interval_seconds > 0;
  std::cerr << "ferry serve: listening on " << (tls ? "https" : "http") << "://" << options.host
            << ":" << (*server)->port()
            << " (API keys: " << (state.keys.empty() ? "none" : absl::StrCat(state.keys.size()))
            << (polling ? absl::StrCat("; polling every ", flags.poll_interval_seconds, " s")
                        : std::string())
            << "); loading models" << std::endl;

  int exit_code = kExitOk;
  std::thread loader([&] {
    repository->Refresh();
    absl::Status problem = repository_mode ? absl::OkStatus() : repository->CheckBundles();
    std::string hint = kPathsHint;
    if (problem.ok() && !state.options.default_model.empty() &&
        repository->snapshot()->FindModel(state.options.default_model) == nullptr) {
      problem = absl::InvalidArgumentError(absl::StrCat(
          "--default-model ", state.options.default_model, ": no such model is being served"));
      hint = "name one of the models the log lists as loaded";
    }
    if (!problem.ok()) {
      exit_code = ReportCannotRun(kName, problem.message(), hint);
      (*server)->Shutdown();
      return;
    }
    state.initial_load_done = true;
    if (async_service) async_service->StartWorkers();
    LogServing(*repository);
    if (polling) repository->StartPolling(Millis(flags.poll_interval_seconds));
  });
  absl::Status run = (*server)->Run();
  loader.join();
  repository->StopPolling();
  if (!run.ok()) return ReportCannotRun(kName, run.message(), "");
  if (exit_code != kExitOk) return exit_code;
  std::cerr << "ferry serve: stopped" << std::endl;
  return kExitOk;
}

}  // namespace

CommandRun ConfigureServeCommand(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  app.description(kDescription);
  app.footer(std::string(kExamples) + "\n" + std::string(kExitStatusHelp));
  app.add_option("paths", flags->paths,
                 "A model repository directory, or bundle directories and model files.")
      ->required();
  app.add_option("--host", flags->server.host,
                 "Address to listen on (0.0.0.0 for every interface).")
      ->capture_default_str();
  app.add_option("--port", flags->server.port, "Port to listen on; 0 picks a free one.")
      ->capture_default_str();
  app.add_option("--threads", flags->server.threads, "Event loops; 0 = one per core.")
      ->capture_default_str();
  app.add_option("--poll-interval", flags->poll_interval_seconds,
                 "Seconds between rescans of the repository or bundles; 0 turns polling off.")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--default-model", flags->handler.default_model,
                 "The model POST /invocations scores when several are served.");
  app.add_option("--api-key-file", flags->api_key_file,
                 "API keys, one per line (also FERRY_API_KEYS=key1,key2). Admin routes need one.");
  app.add_flag("--require-key-for-predict", flags->handler.require_key_for_predict,
               "Prediction routes of every model need an API key too.");
  app.add_option("--tls-cert", flags->server.tls_cert, "PEM certificate chain: serve HTTPS.");
  app.add_option("--tls-key", flags->server.tls_key, "PEM private key of --tls-cert.");
  app.add_option("--access-log", flags->server.access_log,
                 "Write a JSON line per request to this file ('-' for stderr).");
  app.add_option("--max-body-bytes", flags->server.max_body_bytes, "Larger bodies get 413.")
      ->capture_default_str();
  app.add_option("--max-header-bytes", flags->server.max_header_bytes,
                 "Larger request heads get 431.")
      ->capture_default_str();
  app.add_option("--max-rows", flags->handler.max_rows, "Records per request; more gets 413.")
      ->capture_default_str();
  app.add_option("--max-json-depth", flags->handler.max_json_depth,
                 "Nesting depth of JSON bodies; deeper gets 400.")
      ->capture_default_str();
  app.add_option("--idle-timeout", flags->idle_timeout_seconds,
                 "Seconds a connection may wait for its next request.")
      ->capture_default_str();
  app.add_option("--read-timeout", flags->read_timeout_seconds,
                 "Seconds a request's body may take to arrive.")
      ->capture_default_str();
  app.add_option("--max-connections", flags->server.max_connections,
                 "Open connections; more are closed at once.")
      ->capture_default_str();
  app.add_option("--drain-timeout", flags->drain_timeout_seconds,
                 "Seconds requests in flight get to finish after SIGTERM.")
      ->capture_default_str();
  CLI::Option* async_queue = app.add_option("--async-queue", flags->async.queue,
                 "Where asynchronous requests are queued: embedded (SQLite in --state-dir, "
                 "scored by this server), kafka://host:port/topic, redis://host:port[/db]/stream "
                 "(a name may contain {model}), or none (API off).")
      ->capture_default_str();
  CLI::Option* async_results = app.add_option("--async-results", flags->async.results,
                 "Result store of asynchronous requests: sqlite:///path.db or "
                 "postgresql://user@host/db (default: ferry-async.db in --state-dir).");
  app.add_option("--async-table", flags->async.results_table, "Table of the result store.")
      ->capture_default_str();
  app.add_option("--async-workers", flags->async.workers,
                 "Threads scoring the embedded queue; 0 queues without scoring.")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--async-retention", flags->async_retention,
                 "How long results are kept (then GET /v1/requests/{id} answers 404).")
      ->capture_default_str();
  CLI::Option* state_dir = app.add_option("--state-dir", flags->async.state_dir,
                 "Directory of the embedded queue and default result store (created).")
      ->capture_default_str();
  return [flags, async_queue, async_results, state_dir] {
    flags->async_explicit =
        async_queue->count() + async_results->count() + state_dir->count() > 0;
    return RunServe(*flags);
  };
}

}  // namespace ferry::cli
