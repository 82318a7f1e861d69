// The ferry command line: a table of subcommands (commands.h), parsed with CLI11.
#include <iostream>
#include <string>
#include <string_view>

#include "CLI/CLI.hpp"
#include "cli/commands.h"

namespace {

using ferry::cli::CommandSpec;

constexpr CommandSpec kCommands[] = {
    {"predict", "Score the records of a CSV or JSONL file with a model; one JSON line per record.",
     ferry::cli::ConfigurePredictCommand},
    {"inspect", "Describe what a model file holds, in plain words or as JSON.",
     ferry::cli::ConfigureInspectCommand},
    {"validate", "Check a deployment bundle against its model; print every problem with its place.",
     ferry::cli::ConfigureValidateCommand},
    {"serve", "Serve bundles over HTTP: native JSON and forms, KServe V2, MLflow; hot reload.",
     ferry::cli::ConfigureServeCommand},
    {"score", "Score a period's files or SQL rows into a partition or table, atomically (batch).",
     ferry::cli::ConfigureScoreCommand},
    {"stream", "Score events from Kafka or Redis Streams into topics, streams, tables or files.",
     ferry::cli::ConfigureStreamCommand},
    {"backfill", "Run a batch scoring job for every day or month of a range (batch).",
     ferry::cli::ConfigureBackfillCommand},
    {"schedule", "Run batch jobs on cron schedules with retries and a run history (batch).",
     ferry::cli::ConfigureScheduleCommand},
};

constexpr std::string_view kFooter = R"(Examples:
  ferry predict --model model.joblib --input rows.csv --output predictions.jsonl
  cat rows.jsonl | ferry predict --model booster.json > predictions.jsonl
  ferry inspect --model model.pkl
  ferry validate examples/flight_delays/bundle
  ferry predict examples/flight_delays/bundle --input flights.jsonl --output out.jsonl

Run 'ferry <command> --help' for a command's options.
)";

bool IsKnownCommand(std::string_view name) {
  for (const CommandSpec& spec : kCommands) {
    if (name == spec.name) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "stream") {
    ferry::cli::RestartStreamWithHugePages(argv);
  }
  CLI::App app("ferry: run scikit-learn and XGBoost models natively, without Python.", "ferry");
  app.set_version_flag("--version", std::string("ferry ") + FERRY_VERSION);
  app.footer(std::string(kFooter) + std::string(ferry::cli::kExitStatusHelp));
  app.require_subcommand(1);
  app.fallthrough(false);

  std::vector<std::pair<CLI::App*, ferry::cli::CommandRun>> commands;
  for (const CommandSpec& spec : kCommands) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.summary);
    sub->footer(std::string(ferry::cli::kExitStatusHelp));
    commands.emplace_back(sub, spec.configure(*sub));
  }

  if (argc > 1 && argv[1][0] != '-' && !IsKnownCommand(argv[1])) {
    std::cerr << "ferry: unknown command '" << argv[1] << "'\n\n" << app.help();
    return ferry::cli::kExitCannotRun;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string command;  // the subcommand whose options were wrong, if any
    for (auto& [sub, run] : commands) {
      if (sub->parsed()) command = sub->get_name();
    }
    if (command.empty() && argc <= 1) {
      std::cerr << "ferry: no command given\n\n" << app.help();
      return ferry::cli::kExitCannotRun;
    }
    std::string help = command.empty() ? "ferry --help" : "ferry " + command + " --help";
    return ferry::cli::ReportCannotRun(command, e.what(), "run '" + help + "' to see every option");
  }
  for (auto& [sub, run] : commands) {
    if (sub->parsed()) return run();
  }
  std::cerr << app.help();
  return ferry::cli::kExitCannotRun;
}
