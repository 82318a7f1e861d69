// `ferry validate BUNDLE`: checks a deployment bundle (spec keys and types, files, lookup
// tables, expressions, fit with the model) and prints every problem with its place. Exit 0
// when valid (warnings allowed), 2 otherwise.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "bundle/validate.h"
#include "cli/commands.h"

namespace ferry::cli {
namespace {

constexpr char kName[] = "validate";

constexpr char kDescription[] =
    R"TEXT(Checks a deployment bundle without scoring anything: ferry.yaml's keys and types, the
model file (it must load), lookup tables, input rules, every feature expression, and that the
features and outputs fit what the model expects. Every problem is printed, not only the first:
  ferry.yaml:12:3: error: inputs.DepDelay: unknown key 'maximum' (allowed: type, min, max, ...)
then a summary line "BUNDLE: valid (0 errors, 1 warning)" or "BUNDLE: invalid (...)".)TEXT";

constexpr char kExamples[] = R"(Examples:
  ferry validate examples/flight_delays/bundle
  ferry validate my_bundle && ferry predict my_bundle --input rows.csv
)";

}  // namespace

CommandRun ConfigureValidateCommand(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  app.add_option("bundle", *dir, "Bundle directory (holding ferry.yaml, the model and lookups).")
      ->required();
  app.footer(std::string(kDescription) + "\n\n" + kExamples + "\n" +
             "Exit status: 0 when the bundle is valid (warnings allowed); 2 when it has errors\n"
             "(each one printed on standard output) or is not a bundle directory (stderr).");
  return [dir] {
    std::error_code ec;
    if (std::filesystem::is_regular_file(*dir, ec)) {
      return ReportCannotRun(kName, absl::StrCat("'", *dir, "' is a file, not a bundle directory"),
                             "pass the directory holding ferry.yaml; 'ferry inspect --model FILE' "
                             "checks a model file alone");
    }
    if (!std::filesystem::is_directory(*dir, ec)) {
      return ReportCannotRun(kName, absl::StrCat("no bundle directory '", *dir, "'"),
                             "check the path; a bundle is a directory holding ferry.yaml");
    }
    std::vector<bundle::Problem> problems = bundle::ValidateBundle(*dir);
    int errors = 0, warnings = 0;
    for (const bundle::Problem& p : problems) {
      std::cout << p.ToString() << "\n";
      (p.warning ? warnings : errors)++;
    }
    std::cout << *dir << ": " << (errors ? "invalid" : "valid") << " (" << errors << " error"
              << (errors == 1 ? "" : "s") << ", " << warnings << " warning" << (warnings == 1 ? "" : "s")
              << ")\n";
    return errors ? kExitCannotRun : kExitOk;
  };
}

}  // namespace ferry::cli
