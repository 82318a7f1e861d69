// Snapshot: an immutable picture of what the server serves at one moment: models, their
// loaded versions (each an immutable Bundle), aliases, and the status of every version seen
// (loaded or why not). A request takes the current snapshot once and uses it to the end, so a
// reload never changes a model under a request in flight. Thread-safe (never modified).
#ifndef FERRY_REGISTRY_SNAPSHOT_H_
#define FERRY_REGISTRY_SNAPSHOT_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/bundle.h"

namespace ferry::registry {

struct ServedVersion {
  std::string version;
  std::string path;  // the bundle directory
  std::shared_ptr<const bundle::Bundle> bundle;
};

struct ServedModel {
  std::string name;
  std::vector<ServedVersion> versions;  // oldest first; never empty
  std::map<std::string, std::string> aliases;
  bool auth_required = false;

  // The version named `version`, or null when it is not served.
  const ServedVersion* FindVersion(std::string_view version) const;
  // The newest served version: what /v1/models/<name>/predict uses.
  const ServedVersion& Latest() const { return versions.back(); }
};

// One row of the repository index (KServe's /v2/repository/index).
struct VersionState {
  std::string model;
  std::string version;
  std::string state;   // "READY", "UNAVAILABLE" (failed to load) or "UNLOADED"
  std::string reason;  // why it is not READY; for a READY version, a newer load failure if any
};

struct Snapshot {
  std::map<std::string, ServedModel> models;
  std::vector<VersionState> index;  // every model and version seen, sorted

  const ServedModel* FindModel(std::string_view name) const;
};

}  // namespace ferry::registry

#endif  // FERRY_REGISTRY_SNAPSHOT_H_
