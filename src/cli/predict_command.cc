#include "cli/predict_command.h"

#include <memory>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "cli/bundle_predict.h"
#include "cli/commands.h"
#include "cli/predict_runner.h"
#include "cli/prediction_writer.h"
#include "io/output_file.h"
#include "model/loaders/load.h"

namespace ferry::cli {
namespace {

constexpr char kName[] = "predict";

constexpr char kDescription[] =
    R"(Scores every record of the input with the model and writes one JSON line per record,
in input order:
  regressor          {"prediction": 12.5}        (several targets: a list)
  classifier         {"prediction": "yes", "probabilities": {"no": 0.2, "yes": 0.8}}
  failed record      {"row": 7, "error": "line 8: expected 3 fields as in the header, found 2"}
"row" counts data records from 1 (a CSV header and blank lines are not records). The label
keeps its type (numbers stay numbers, strings strings, booleans true/false); probability keys
are the labels as Python's str() writes them (1, 1.0, yes, True), in the model's class order.

Input: CSV with a header row, or JSONL (one object per line, or one array per line for
positional records). Columns are matched to the model's inputs by name when the model knows
its feature names, otherwise by position. CSV cells are typed: empty -> missing, integers,
floats (also nan, inf), else text.)";

constexpr char kExamples[] = R"(Examples:
  ferry predict --model model.joblib --input rows.csv --output predictions.jsonl
  ferry predict -m booster.ubj -i rows.jsonl --threads 2
  cat rows.txt | ferry predict -m model.pkl --format csv --no-probabilities > out.jsonl
  ferry predict examples/flight_delays/bundle --input flights.jsonl --output scored.jsonl

With a bundle directory instead of --model, records are checked against ferry.yaml's inputs,
its features are computed, and each line holds the bundle's outputs (names, labels,
passthrough fields); a record that breaks an input rule is a failed record, as above.
)";

}  // namespace

int PredictWithScorer(const Scorer& scorer, const PredictOptions& options) {
  auto format = io::ParseRecordFormat(options.format);
  if (!format.ok()) {
    return ReportCannotRun(kName, format.status().message(), "pass --format csv or --format jsonl");
  }
  io::ReaderOptions reader_options;
  reader_options.chunk_rows = options.chunk_rows;
  auto reader = io::OpenRecordReader(options.input_path, *format, reader_options);
  if (!reader.ok()) {
    return ReportCannotRun(kName, reader.status().message(),
                           reader.status().code() == absl::StatusCode::kInvalidArgument
                               ? "fix the input file's first line, or pass --format jsonl if "
                                 "it is JSON lines"
                               : "check the --input path, or pass --input - to read standard "
                                 "input");
  }
  auto output = io::OutputFile::Open(options.output_path);
  if (!output.ok()) {
    return ReportCannotRun(kName, output.status().message(),
                           "check that the --output folder exists and is writable");
  }
  PredictionWriterOptions writer_options;
  writer_options.probabilities = options.probabilities;
  PredictionWriter writer(scorer, writer_options);
  auto counts = RunPredictions(scorer, writer, **reader, **output, options.threads);
  absl::Status closed = (*output)->Close();
  if (!counts.ok()) return ReportCannotRun(kName, counts.status().message(), "");
  if (!closed.ok()) return ReportCannotRun(kName, closed.message(), "");
  return counts->failed > 0 ? kExitSomeRecordsFailed : kExitOk;
}

CommandRun ConfigurePredictCommand(CLI::App& app) {
  auto options = std::make_shared<PredictOptions>();
  app.footer(std::string(kDescription) + "\n\n" + kExamples + "\n" + std::string(kExitStatusHelp));
  app.add_option("-m,--model", options->model_path,
                 "Model file: scikit-learn pickle/joblib or XGBoost JSON/UBJSON (detected from "
                 "the bytes).");
  app.add_option("bundle", options->bundle_dir,
                 "A deployment bundle directory (ferry.yaml) to score with instead of --model.");
  app.add_option("-i,--input", options->input_path,
                 "Records to score, CSV or JSONL; - reads standard input.")
      ->capture_default_str();
  app.add_option("-o,--output", options->output_path,
                 "Where to write the JSON lines (a file is replaced); - is standard output.")
      ->capture_default_str();
  app.add_option("-f,--format", options->format,
                 "csv, jsonl or auto: by extension (.csv; .jsonl .ndjson .json), else the "
                 "first byte ({ or [ is JSONL).")
      ->capture_default_str();
  app.add_option("-t,--threads", options->threads,
                 "Chunks scored at the same time; the output order never changes.")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--chunk-rows", options->chunk_rows,
                 "Records per chunk; memory grows with threads x chunk-rows.")
      ->check(CLI::Range(static_cast<size_t>(1), static_cast<size_t>(1) << 24))
      ->capture_default_str();
  app.add_flag_callback(
      "--no-probabilities", [options] { options->probabilities = false; },
      "Classifiers: write only the predicted label, not the class probabilities.");
  return [options] {
    if (options->model_path.empty() == options->bundle_dir.empty()) {
      return ReportCannotRun(kName, "give either --model FILE or a bundle directory",
                             "ferry predict --model model.joblib ... or ferry predict BUNDLE ...");
    }
    if (!options->bundle_dir.empty()) return PredictWithBundle(options->bundle_dir, *options);
    auto model = model::LoadModel(options->model_path);
    if (!model.ok()) {
      return ReportCannotRun(kName,
                             absl::StrCat("cannot load the model: ", model.status().message()),
                             "check that --model names a scikit-learn pickle/joblib or XGBoost "
                             "JSON/UBJSON file; 'ferry inspect --model FILE' shows what loads");
    }
    return PredictWithScorer(ModelScorer(*model), *options);
  };
}

}  // namespace ferry::cli
