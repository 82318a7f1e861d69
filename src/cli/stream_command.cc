// `ferry stream --config FILE`: scores events from Kafka or Redis Streams into sinks until
// SIGTERM or SIGINT (the batch in hand is finished and committed first). See docs/stream.md.
// Exit 0 after a clean stop; 2 when the config is wrong, something cannot be reached at start,
// or a sink stayed unavailable (nothing uncommitted is lost: a restart resumes from the
// last commit).
#include <csignal>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "cli/commands.h"
#include "stream/config.h"
#include "stream/stream_runner.h"

namespace ferry::cli {
namespace {

std::atomic<bool> stop_requested{false};

void RequestStop(int) { stop_requested = true; }

}  // namespace

CommandRun ConfigureStreamCommand(CLI::App& app) {
  auto config_path = std::make_shared<std::string>();
  app.add_option("--config,-c", *config_path, "Stream configuration (YAML; see docs/stream.md).")
      ->required();
  app.footer(
      "Runs until SIGTERM or SIGINT; the batch in hand is finished and committed first.\n"
      "Exit status: 0 after a clean stop; 2 when the stream could not start or a sink stayed\n"
      "unavailable (a restart resumes from the last committed position).");
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
    if (!status.ok()) return ReportCannotRun("stream", status.message(), "");
    return kExitOk;
  };
}

}  // namespace ferry::cli
