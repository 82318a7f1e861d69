// `ferry predict`: options, and the steps that make it up, exposed so that other sources of
// a Scorer (deployment bundles) can reuse the input, output and exit-status handling.
#ifndef FERRY_CLI_PREDICT_COMMAND_H_
#define FERRY_CLI_PREDICT_COMMAND_H_

#include <string>

#include "cli/scorer.h"
#include "io/record_reader.h"

namespace ferry::cli {

struct PredictOptions {
  std::string model_path;         // --model: a model file
  std::string bundle_dir;         // positional: a bundle directory instead of --model
  std::string input_path = "-";   // --input: CSV or JSONL; "-" = standard input
  std::string output_path = "-";  // --output: JSON lines; "-" = standard output
  std::string format = "auto";    // --format: csv, jsonl or auto (extension, then first byte)
  int threads = 1;                // --threads: chunks scored at once
  size_t chunk_rows = 8192;       // --chunk-rows: records per chunk
  bool probabilities = true;      // cleared by --no-probabilities
};

// Reads the input, scores it with `scorer`, writes the output; returns the exit status and
// reports a failure to run on stderr.
int PredictWithScorer(const Scorer& scorer, const PredictOptions& options);

}  // namespace ferry::cli

#endif  // FERRY_CLI_PREDICT_COMMAND_H_
