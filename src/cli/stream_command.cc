// `ferry stream --config FILE`: scores events from Kafka or Redis Streams into sinks until
// SIGTERM or SIGINT (the batch in hand is finished and committed first). See docs/stream.md.
// Exit 0 after a clean stop; 1 when a sink (or the source's commit) stayed unavailable through
// errors.max_retries attempts: retryable, nothing uncommitted is lost, a restart resumes from
// the last commit; 2 when the config is wrong or a sink refuses a batch for good.
#include <dlfcn.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "cli/commands.h"
#include "stream/config.h"
#include "stream/stream_runner.h"

namespace ferry::cli {
namespace {

std::atomic<bool> stop_requested{false};

// A sink outage outlasted the configured retries: a retry (restart) may succeed.
constexpr int kExitSinkUnavailable = 1;

void RequestStop(int) { stop_requested = true; }

// The kernel names a process after the file it executes: "exe" after the restart through
// /proc/self/exe. This gives it back the name it was started under (the last part of argv[0],
// at most 15 bytes as the kernel keeps), so that ps, top and `pgrep -x ferry` see "ferry".
void RestoreProcessName(const char* argv0) {
  std::string name = argv0;
  name = name.substr(name.rfind('/') + 1).substr(0, 15);
  if (!name.empty()) prctl(PR_SET_NAME, name.c_str(), 0, 0, 0);
}

}  // namespace

void RestartStreamWithHugePages(char** argv) {
  if (std::getenv("MALLOC_CONF") != nullptr) {  // the user's choice, or the restart
    RestoreProcessName(argv[0]);
    return;
  }
  if (dlsym(RTLD_DEFAULT, "mallctl") == nullptr) return;  // not jemalloc: nothing to set
  if (setenv("MALLOC_CONF", kStreamMallocConf, 1) != 0) return;
  execv("/proc/self/exe", argv);
  unsetenv("MALLOC_CONF");  // no restart: go on as we are
}

CommandRun ConfigureStreamCommand(CLI::App& app) {
  auto config_path = std::make_shared<std::string>();
  app.add_option("--config,-c", *config_path, "Stream configuration (YAML; see docs/stream.md).")
      ->required();
  app.footer(
      "Runs until SIGTERM or SIGINT; the batch in hand is finished and committed first.\n"
      "Exit status: 0 after a clean stop; 1 when a sink stayed unavailable through\n"
      "errors.max_retries attempts (retryable: a restart resumes from the last committed\n"
      "position); 2 for a bad configuration or a sink error retrying cannot fix.\n"
      "Memory: runs with jemalloc's transparent huge pages (MALLOC_CONF=thp:always; it restarts\n"
      "itself once to set it) unless MALLOC_CONF is set. See docs/stream.md, \"Memory\".");
  return [config_path] {
    auto config = stream::LoadStreamConfig(*config_path);
    if (!config.ok()) {
      return ReportCannotRun("stream", config.status().message(),
                             "see docs/stream.md for every key of the stream config");
    }
    struct sigaction action {};
    action.sa_handler = RequestStop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    signal(SIGPIPE, SIG_IGN);
    absl::Status status = stream::RunStream(*config, stop_requested);
    if (absl::IsUnavailable(status)) {
      std::cerr << "ferry stream: " << status.message()
                << "\nferry stream: exiting with status 1 (retryable); a restart resumes from the "
                   "last committed position\n";
      return kExitSinkUnavailable;
    }
    if (!status.ok()) return ReportCannotRun("stream", status.message(), "");
    return kExitOk;
  };
}

}  // namespace ferry::cli
