// Links (raw scores -> outputs) and label rules, each computed the way the training library
// computes it so that results match: float64 for scikit-learn, float32 for XGBoost.
#ifndef FERRY_MODEL_LINK_H_
#define FERRY_MODEL_LINK_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "model/ir.h"

namespace ferry::model {

// Checks that `link` maps num_raw scores to num_outputs values.
absl::Status CheckLink(Link link, Task task, int32_t num_raw, int32_t num_outputs);

// raw: num_raw scores of one row; out: num_outputs values.
void ApplyLink(Link link, Task task, const double* raw, int32_t num_raw, double* out,
               int32_t num_outputs);

// Index of the predicted class for one row.
int32_t PickLabel(LabelRule rule, const double* raw, int32_t num_raw, const double* out,
                  int32_t num_outputs);

}  // namespace ferry::model

#endif  // FERRY_MODEL_LINK_H_
