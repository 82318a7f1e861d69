// The ferry subcommands. Each one configures its options on a CLI11 sub-app and returns the
// function that runs it once the command line is parsed; main.cc lists them in one table, so
// adding a command is a declaration here and a row there.
//
// Exit status contract shared by every command:
//   0  everything succeeded
//   2  the command could not run (bad options, unreadable model or input); reason on stderr
//   3  the command ran but some records failed (each is reported in the output)
#ifndef FERRY_CLI_COMMANDS_H_
#define FERRY_CLI_COMMANDS_H_

#include <functional>
#include <string_view>

#include "absl/strings/string_view.h"

namespace CLI {
class App;
}  // namespace CLI

namespace ferry::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCannotRun = 2;
inline constexpr int kExitSomeRecordsFailed = 3;

// The part of --help every command ends with.
inline constexpr std::string_view kExitStatusHelp =
    "Exit status: 0 when everything succeeded; 3 when some records failed (each one is\n"
    "reported in the output); 2 when the command could not run (the reason is on stderr).";

using CommandRun = std::function<int()>;

struct CommandSpec {
  const char* name;
  const char* summary;
  CommandRun (*configure)(CLI::App& app);
};

CommandRun ConfigurePredictCommand(CLI::App& app);
CommandRun ConfigureInspectCommand(CLI::App& app);
CommandRun ConfigureValidateCommand(CLI::App& app);  // validate_command.cc (bundles)
CommandRun ConfigureBackfillCommand(CLI::App& app);  // backfill_command.cc (batch)
CommandRun ConfigureScheduleCommand(CLI::App& app);  // schedule_command.cc (batch)
CommandRun ConfigureStreamCommand(CLI::App& app);    // stream_command.cc (Kafka/Redis)

// `ferry stream` runs with jemalloc's transparent huge pages: its Kafka consumer fills a
// prefetch queue of up to 64 MiB (plus librdkafka's per-message overhead) with fresh memory,
// and clearing those pages 4 KiB at a time took 8-15% of its CPU reading a backlog; with huge
// pages it used 20% less CPU and ran 15-25% faster (docs/stream.md, "Memory"). The allocator
// reads its options before main(), so unless MALLOC_CONF is set (the user's choice is kept),
// this re-executes the same binary (same process id and arguments) with MALLOC_CONF set to
// kStreamMallocConf. Call first thing, before any thread starts; does nothing without jemalloc,
// and returns if the restart fails. `serve` and the batch commands keep 4 KiB pages (huge
// pages cost a small server about 18 MB more memory).
inline constexpr char kStreamMallocConf[] = "thp:always";
void RestartStreamWithHugePages(char** argv);
CommandRun ConfigureScoreCommand(CLI::App& app);     // score_command.cc (batch run)
CommandRun ConfigureServeCommand(CLI::App& app);     // serve_command.cc (HTTP server)

// Prints "ferry <command>: <what went wrong>" and, when given, a line "  hint: <how to fix>" to
// stderr; returns kExitCannotRun.
int ReportCannotRun(absl::string_view command, absl::string_view message, absl::string_view hint);

}  // namespace ferry::cli

#endif  // FERRY_CLI_COMMANDS_H_
