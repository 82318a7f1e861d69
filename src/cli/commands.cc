#include "cli/commands.h"

#include <iostream>

namespace ferry::cli {

int ReportCannotRun(absl::string_view command, absl::string_view message, absl::string_view hint) {
  std::cerr << "ferry" << (command.empty() ? "" : " ") << command << ": " << message << "\n";
  if (!hint.empty()) std::cerr << "  hint: " << hint << "\n";
  return kExitCannotRun;
}

}  // namespace ferry::cli
