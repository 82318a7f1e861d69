// `ferry validate BUNDLE`: checks a deployment bundle (spec keys and types, files, lookup
// tables, expressions, fit with the model) and prints every problem with its place. Exit 0
// when valid (warnings allowed), 2 otherwise.
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "bundle/validate.h"
#include "cli/commands.h"

namespace ferry::cli {

CommandRun ConfigureValidateCommand(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  app.add_option("bundle", *dir, "Bundle directory (holding ferry.yaml).")->required();
  app.footer(
      "Prints each problem as FILE:LINE:COLUMN: error|warning: MESSAGE, then a summary line.\n"
      "Exit status: 0 when the bundle is valid (warnings allowed); 2 when it has errors.");
  return [dir] {
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
