// Per-model settings of a repository: REPO/<name>/config.yaml (which versions to serve, and
// whether prediction needs an API key) and REPO/<name>/aliases.yaml (alias -> version).
//
//   # config.yaml; every key optional
//   version_policy: latest          # latest | all | {latest: N} | {specific: ["1", "3"]}
//   auth: required                  # required | none (default none)
//
//   # aliases.yaml
//   production: "2"
//   staging: "3"
#ifndef FERRY_REGISTRY_MODEL_CONFIG_H_
#define FERRY_REGISTRY_MODEL_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ferry::registry {

struct VersionPolicy {
  enum class Kind { kLatest, kAll, kSpecific };
  Kind kind = Kind::kLatest;
  int latest_count = 1;               // kLatest: how many of the newest versions
  std::vector<std::string> specific;  // kSpecific: exactly these
};

struct ModelConfig {
  VersionPolicy policy;
  bool auth_required = false;
};

// Reads config.yaml at `path`; a missing file gives the defaults. Errors name the file and key.
absl::StatusOr<ModelConfig> ReadModelConfig(const std::string& path);

// Reads aliases.yaml at `path` (a map of alias -> version); a missing file gives no aliases.
absl::StatusOr<std::map<std::string, std::string>> ReadAliases(const std::string& path);

// The versions `policy` serves out of `loaded` (sorted oldest first); result sorted likewise.
std::vector<std::string> SelectVersions(const VersionPolicy& policy,
                                        const std::vector<std::string>& loaded);

}  // namespace ferry::registry

#endif  // FERRY_REGISTRY_MODEL_CONFIG_H_
