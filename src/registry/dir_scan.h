// Filesystem helpers of the repository: listing the entries of a directory whose names are
// valid model/version names, a bare model file served without a bundle, and a signature of a bundle
// directory's files that changes when any file is added, removed, resized or rewritten. Never
// follows names that fail IsValidName.
#ifndef FERRY_REGISTRY_DIR_SCAN_H_
#define FERRY_REGISTRY_DIR_SCAN_H_

#include <chrono>
#include <string>
#include <vector>

namespace ferry::registry {

// Subdirectories of `dir` with valid names, sorted by CompareVersions. Empty on errors.
std::vector<std::string> ListNamedSubdirectories(const std::string& dir);

struct DirSignature {
  std::string text;  // equal texts: same files, sizes and modification times
  std::chrono::system_clock::time_point newest;  // latest modification time seen
};
// Walks at most 10000 entries below `dir`; a regular file is signed alone.
DirSignature SignDirectory(const std::string& dir);

// The one model file (scikit-learn pickle/joblib or XGBoost JSON/UBJSON, by extension,
// possibly compressed) directly in `dir` when it holds no ferry.yaml; "" when there is a
// ferry.yaml, no such file, or several.
std::string SoleModelFile(const std::string& dir);

}  // namespace ferry::registry

#endif  // FERRY_REGISTRY_DIR_SCAN_H_
