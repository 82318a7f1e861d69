// `ferry predict BUNDLE`: scores records through a deployment bundle (src/bundle) with the
// same input, output and exit-status contract as for a bare model file; the output lines are
// the bundle's outputs (its names, label decoding, probabilities, passthrough, constants).
#ifndef FERRY_CLI_BUNDLE_PREDICT_H_
#define FERRY_CLI_BUNDLE_PREDICT_H_

#include <string>

#include "cli/predict_command.h"

namespace ferry::cli {

// Loads the bundle in `dir`, then reads options.input and writes one JSON line per record.
// Returns 0, 3 when some records failed, 2 when it cannot run (reason on stderr).
int PredictWithBundle(const std::string& dir, const PredictOptions& options);

}  // namespace ferry::cli

#endif  // FERRY_CLI_BUNDLE_PREDICT_H_
