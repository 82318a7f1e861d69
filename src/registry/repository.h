// Repository: the models a server serves, kept current. Two sources:
//   - a model repository directory: REPO/<name>/<version>/ holds a bundle (ferry.yaml ...),
//     REPO/<name>/config.yaml and aliases.yaml are optional (model_config.h);
//   - a list of bundle directories, each served as the model and version its ferry.yaml names.
// A version directory holding one model file and no ferry.yaml, or a model file given in the
// list, is served through the bundle its model implies (bundle::Bundle::LoadModelFile).
// Refresh rescans the source, loads new or changed versions (a version is reloaded only when
// its files change) and publishes a new immutable Snapshot with one pointer swap. A version
// that fails to load is reported (listener, index) and never replaces one that serves: the
// last good copy of a version keeps serving, and "latest" means the latest that loaded.
// Thread-safe: snapshot() from any thread; Refresh/LoadModel/UnloadModel are serialized.
#ifndef FERRY_REGISTRY_REPOSITORY_H_
#define FERRY_REGISTRY_REPOSITORY_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "registry/snapshot.h"

namespace ferry::registry {

// One attempt to load a version, for logs and metrics.
struct LoadEvent {
  std::string model;
  std::string version;
  std::string path;
  bool ok = false;
  bool reload = false;  // the version had been loaded before (its files changed)
  std::string error;    // why it failed
};

class Repository {
 public:
  using Listener = std::function<void(const LoadEvent&)>;

  // Fails when `root` is not a readable directory. Versions that fail to load are reported,
  // not fatal (an empty repository is valid: models may be dropped in later).
  static absl::StatusOr<std::unique_ptr<Repository>> OpenDirectory(const std::string& root,
                                                                   Listener listener);
  // Fails when any bundle fails to load (every error in the status), or when two bundles
  // name the same model and version.
  static absl::StatusOr<std::unique_ptr<Repository>> OpenBundles(
      const std::vector<std::string>& dirs, Listener listener);
  // The same sources, empty until the first Refresh, so that a server can listen (and say it
  // is not ready) while the first load runs. ForDirectory fails as OpenDirectory does.
  static absl::StatusOr<std::unique_ptr<Repository>> ForDirectory(const std::string& root,
                                                                  Listener listener);
  static std::unique_ptr<Repository> ForBundles(const std::vector<std::string>& dirs,
                                                Listener listener);
  // Bundle mode, after a Refresh: every bundle that has no loaded copy, and any two bundles
  // naming the same model and version (one line each); OK when there are none.
  absl::Status CheckBundles();

  ~Repository();
  Repository(const Repository&) = delete;
  Repository& operator=(const Repository&) = delete;

  // The current snapshot; never null.
  std::shared_ptr<const Snapshot> snapshot() const;

  // Rescans the source and publishes what it finds.
  void Refresh() { RefreshAll(/*settle=*/false); }
  // Serves `name` again after UnloadModel and retries its versions now. NotFound when no such
  // model exists in the source; FailedPrecondition (with the reasons) when none of its
  // versions loads.
  absl::Status LoadModel(std::string_view name);
  // Stops serving `name` until LoadModel. NotFound when it is not known.
  absl::Status UnloadModel(std::string_view name);

  // Rescans every `interval` on a thread of its own, leaving for the next round any version
  // whose files changed in the last second (a copy still in progress). Stopped by
  // StopPolling or the destructor.
  void StartPolling(std::chrono::milliseconds interval);
  void StopPolling();

  // What the source is, for the startup log: the directory, or "N bundle directories".
  const std::string& description() const { return description_; }

 private:
  struct Cached {
    bool tried = false;
    std::string signature;                       // of the files when last tried
    std::shared_ptr<const bundle::Bundle> good;  // last copy that loaded
    std::string error;                           // the last attempt's error, "" when it loaded
    std::string model, version;                  // as last known (bundle mode: from ferry.yaml)
  };
  struct Candidate {
    std::string model, version, path;
  };

  Repository(std::string root, std::vector<std::string> bundle_dirs, Listener listener);
  void RefreshAll(bool settle);
  // REQUIRES: refresh_mu_ held.
  void RefreshLocked(bool settle);
  std::vector<Candidate> ScanDirectory(std::map<std::string, std::string>* model_errors) const;
  // Brings cache_[path] up to date, loading when the files changed. REQUIRES: refresh_mu_.
  Cached& Update(const Candidate& candidate, bool settle);
  void Publish(std::shared_ptr<const Snapshot> snapshot);

  const std::string root_;                      // directory mode; "" in bundle mode
  const std::vector<std::string> bundle_dirs_;  // bundle mode
  const Listener listener_;
  std::string description_;

  std::mutex refresh_mu_;
  std::map<std::string, Cached> cache_;  // by path
  std::set<std::string> unloaded_;       // model names
  std::set<std::string> retry_;          // model names to retry whatever their files

  mutable std::mutex snapshot_mu_;
  std::shared_ptr<const Snapshot> snapshot_;

  std::mutex poll_mu_;
  std::condition_variable poll_cv_;
  bool poll_stop_ = false;
  std::thread poller_;
};

}  // namespace ferry::registry

#endif  // FERRY_REGISTRY_REPOSITORY_H_
