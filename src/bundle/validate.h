// Validation of a bundle: the spec's keys and types, its files, lookup tables, expressions,
// and whether the features, labels and probability outputs fit the model (feature count and
// names, DictVectorizer vocabulary, classes). Reports every problem with its place.
#ifndef FERRY_BUNDLE_VALIDATE_H_
#define FERRY_BUNDLE_VALIDATE_H_

#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "bundle/spec.h"

namespace ferry::bundle {

// Checks the compiled parts against the model; appends problems (errors and warnings).
void CheckModelFit(const BundleParts& parts, std::vector<Problem>* problems);

// CompileBundleParts + CheckModelFit: every problem of the bundle in `dir`. Valid when
// !HasErrors(result).
std::vector<Problem> ValidateBundle(const std::string& dir);

}  // namespace ferry::bundle

#endif  // FERRY_BUNDLE_VALIDATE_H_
