// `ferry inspect --model FILE [--json]`: loads a model and says what it holds.
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/model_description.h"
#include "model/loaders/load.h"
#include "model/model.h"

namespace ferry::cli {
namespace {

constexpr char kName[] = "inspect";

constexpr char kDescription[] =
    R"(Loads a model file (without running anything from it) and describes what it holds: the
file format and the library version recorded in it, the estimator chain, the inputs (how
many, their names, whether records are taken as dicts), each preprocessing stage with its
sizes, the estimator (linear, or a tree ensemble: trees, nodes, depth, leaf width, split rule,
aggregation), the task, the classes and the link from raw scores to outputs. The text form
ends with how records will be scored: dense feature rows, or compact one-hot rows walked
through the trees, summed as linear terms, or looked up in a table (a forest over one number
and one category).)";

constexpr char kExamples[] = R"(Examples:
  ferry inspect --model model.joblib
  ferry inspect --model booster.json --json | jq .estimator
)";

struct InspectOptions {
  std::string model_path;
  bool json = false;
};

// How Model::Predict scores records of this model (the text form's last line).
std::string ScoringPath(const model::Model& m) {
  const std::string kind = m.compact_kind();
  if (kind == "table") {
    return "a lookup table (one number and one category: the forest is tabulated per category\n"
           "                on first use, exactly), from compact one-hot rows";
  }
  if (kind == "walk") return "tree walk over compact one-hot rows";
  if (kind == "linear") return "linear terms over compact one-hot rows";
  return "dense feature rows";
}

}  // namespace

CommandRun ConfigureInspectCommand(CLI::App& app) {
  auto options = std::make_shared<InspectOptions>();
  app.footer(std::string(kDescription) + "\n\n" + kExamples + "\n" +
             "Exit status: 0 when the model loads and compiles; 2 when it does not (the reason\n"
             "is on stderr; when the file could be read, its description is still printed).");
  app.add_option("-m,--model", options->model_path,
                 "Model file: scikit-learn pickle or joblib, XGBoost JSON or UBJSON.")
      ->required();
  app.add_flag("--json", options->json, "Print one JSON object instead of text.");
  return [options] {
    const std::string hint =
        "check that --model names a scikit-learn pickle/joblib or XGBoost JSON/UBJSON file";
    auto ir = model::LoadModelIR(options->model_path);
    if (!ir.ok()) {
      return ReportCannotRun(kName, absl::StrCat("cannot load the model: ", ir.status().message()),
                             hint);
    }
    std::string description = options->json ? DescribeModelJson(*ir, options->model_path)
                                            : DescribeModelText(*ir, options->model_path);
    std::cout << description << std::flush;
    auto model = model::Model::Compile(*std::move(ir));
    if (!model.ok()) {
      return ReportCannotRun(
          kName, absl::StrCat("the model was read but cannot be used: ", model.status().message()),
          "this model is not supported as it is; the message above names the part at fault");
    }
    if (!options->json) std::cout << "scoring:        " << ScoringPath(**model) << "\n";
    return kExitOk;
  };
}

}  // namespace ferry::cli
