// What a loaded model holds, in plain words (`ferry inspect`) or as JSON (`--json`): the file
// format and library version, the estimator chain, the inputs, each preprocessing stage with
// its sizes, the estimator (linear, or a tree ensemble with its shape and split rule), the
// task, the classes and the link. Works on any IR, even one that failed to compile.
#ifndef FERRY_CLI_MODEL_DESCRIPTION_H_
#define FERRY_CLI_MODEL_DESCRIPTION_H_

#include <cstdint>
#include <string>

#include "model/ir.h"

namespace ferry::cli {

struct TreeStats {
  int64_t trees = 0;
  int64_t nodes = 0;
  int64_t leaves = 0;
  int32_t max_depth = 0;  // edges from the root to the deepest leaf
};
TreeStats ComputeTreeStats(const model::TreeEnsemble& ensemble);

std::string DescribeModelText(const model::ModelIR& ir, const std::string& path);
// One JSON object, newline-terminated.
std::string DescribeModelJson(const model::ModelIR& ir, const std::string& path);

}  // namespace ferry::cli

#endif  // FERRY_CLI_MODEL_DESCRIPTION_H_
