#include "registry/repository.h"

#include <algorithm>
#include <exception>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "registry/dir_scan.h"
#include "registry/model_config.h"
#include "registry/names.h"

namespace ferry::registry {
namespace {

namespace fs = std::filesystem;

// `path` is a bundle directory, a model file, or a directory holding one model file and no
// ferry.yaml; `model` and `version` name a bare model (empty: from the file).
absl::StatusOr<std::shared_ptr<const bundle::Bundle>> LoadBundle(const std::string& path,
                                                                 const std::string& model,
                                                                 const std::string& version) {
  try {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return bundle::Bundle::LoadModelFile(path, model, version);
    std::string model_file = SoleModelFile(path);
    if (!model_file.empty()) return bundle::Bundle::LoadModelFile(model_file, model, version);
    return bundle::Bundle::Load(path);
  } catch (const std::exception& e) {  // a defect in a loader must not take the server down
    return absl::InternalError(absl::StrCat(path, ": loading failed: ", e.what()));
  }
}

bool VersionLess(const std::string& a, const std::string& b) { return CompareVersions(a, b) < 0; }

}  // namespace

Repository::Repository(std::string root, std::vector<std::string> bundle_dirs, Listener listener)
    : root_(std::move(root)),
      bundle_dirs_(std::move(bundle_dirs)),
      listener_(std::move(listener)),
      snapshot_(std::make_shared<const Snapshot>()) {
  description_ = root_.empty() ? absl::StrCat(bundle_dirs_.size(), " bundle director",
                                              bundle_dirs_.size() == 1 ? "y" : "ies")
                               : absl::StrCat("repository ", root_);
}

Repository::~Repository() { StopPolling(); }

absl::StatusOr<std::unique_ptr<Repository>> Repository::OpenDirectory(const std::string& root,
                                                                      Listener listener) {
  absl::StatusOr<std::unique_ptr<Repository>> repo = ForDirectory(root, std::move(listener));
  if (repo.ok()) (*repo)->Refresh();
  return repo;
}

absl::StatusOr<std::unique_ptr<Repository>> Repository::ForDirectory(const std::string& root,
                                                                     Listener listener) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return absl::NotFoundError(absl::StrCat(
        root,
        ": not a directory; give a model repository (REPO/<name>/<version>/ferry.yaml) "
        "or bundle directories"));
  }
  return std::unique_ptr<Repository>(new Repository(root, {}, std::move(listener)));
}

absl::StatusOr<std::unique_ptr<Repository>> Repository::OpenBundles(
    const std::vector<std::string>& dirs, Listener listener) {
  std::unique_ptr<Repository> repo = ForBundles(dirs, std::move(listener));
  repo->Refresh();
  if (absl::Status s = repo->CheckBundles(); !s.ok()) return s;
  return repo;
}

std::unique_ptr<Repository> Repository::ForBundles(const std::vector<std::string>& dirs,
                                                   Listener listener) {
  return std::unique_ptr<Repository>(new Repository("", dirs, std::move(listener)));
}

absl::Status Repository::CheckBundles() {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  std::vector<std::string> errors;
  std::set<std::pair<std::string, std::string>> seen;
  for (const std::string& dir : bundle_dirs_) {
    const Cached& c = cache_[dir];
    if (!c.good) {
      errors.push_back(c.tried ? c.error : absl::StrCat(dir, ": not loaded yet"));
    } else if (!seen.emplace(c.model, c.version).second) {
      errors.push_back(absl::StrCat(dir, ": model '", c.model, "' version '", c.version,
                                    "' is already served from another directory"));
    }
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return absl::OkStatus();
}

std::shared_ptr<const Snapshot> Repository::snapshot() const {
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  return snapshot_;
}

void Repository::Publish(std::shared_ptr<const Snapshot> snapshot) {
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  snapshot_.swap(snapshot);
  // The old snapshot is released here or by the last request still holding it.
}

void Repository::RefreshAll(bool settle) {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  RefreshLocked(settle);
}

Repository::Cached& Repository::Update(const Candidate& candidate, bool settle) {
  Cached& c = cache_[candidate.path];
  if (c.model.empty()) {
    c.model = candidate.model;
    c.version = candidate.version;
  }
  DirSignature sig = SignDirectory(candidate.path);
  bool forced = retry_.count(c.model) > 0;
  if (c.tried && sig.text == c.signature && !forced) return c;
  if (settle && !forced &&
      std::chrono::system_clock::now() - sig.newest < std::chrono::seconds(1)) {
    return c;  // still being written; next round
  }
  c.signature = sig.text;
  c.tried = true;
  bool reload = c.good != nullptr;
  absl::StatusOr<std::shared_ptr<const bundle::Bundle>> loaded =
      root_.empty() ? LoadBundle(candidate.path, "", "")
                    : LoadBundle(candidate.path, candidate.model, candidate.version);
  LoadEvent event{c.model, c.version, candidate.path, loaded.ok(), reload, ""};
  if (loaded.ok()) {
    c.good = *loaded;
    c.error.clear();
    if (root_.empty()) {  // bundle mode: the bundle names itself
      c.model = event.model = c.good->name();
      c.version = event.version = c.good->version();
    }
  } else {
    c.error = std::string(loaded.status().message());
    event.error = c.error;
  }
  if (listener_) listener_(event);
  return c;
}

std::vector<Repository::Candidate> Repository::ScanDirectory(
    std::map<std::string, std::string>* model_errors) const {
  std::vector<Candidate> out;
  for (const std::string& model : ListNamedSubdirectories(root_)) {
    std::string model_dir = absl::StrCat(root_, "/", model);
    std::vector<std::string> versions = ListNamedSubdirectories(model_dir);
    int found = 0;
    for (const std::string& version : versions) {
      std::string path = absl::StrCat(model_dir, "/", version);
      std::error_code ec;
      if (!fs::exists(path + "/ferry.yaml", ec) && SoleModelFile(path).empty()) continue;
      out.push_back({model, version, path});
      ++found;
    }
    if (found == 0) {
      (*model_errors)[model] = "no version directory holding a ferry.yaml or a single model file";
    }
  }
  return out;
}

void Repository::RefreshLocked(bool settle) {
  std::vector<Candidate> candidates;
  std::map<std::string, std::string> model_errors;
  if (root_.empty()) {
    for (const std::string& dir : bundle_dirs_) {
      std::string base = fs::path(dir).lexically_normal().filename().string();
      if (base.empty()) base = fs::path(dir).lexically_normal().parent_path().filename().string();
      candidates.push_back({base, "", dir});
    }
  } else {
    candidates = ScanDirectory(&model_errors);
  }

  // Load what changed, and group by model.
  std::map<std::string, std::vector<std::pair<std::string, const Cached*>>> by_model;
  std::set<std::string> live_paths;
  for (const Candidate& candidate : candidates) {
    live_paths.insert(candidate.path);
    auto known = cache_.find(candidate.path);
    std::string model = known != cache_.end() ? known->second.model : candidate.model;
    if (unloaded_.count(model) > 0) {
      by_model[model];  // listed as unloaded
      continue;
    }
    const Cached& c = Update(candidate, settle);
    by_model[c.model].emplace_back(candidate.path, &c);
  }
  retry_.clear();

  auto previous = snapshot();
  auto next = std::make_shared<Snapshot>();
  for (auto& [model, entries] : by_model) {
    if (unloaded_.count(model) > 0) {
      next->index.push_back({model, "", "UNLOADED", "unloaded by request"});
      continue;
    }
    ModelConfig config;
    std::map<std::string, std::string> aliases;
    if (!root_.empty()) {
      std::string model_dir = absl::StrCat(root_, "/", model);
      absl::StatusOr<ModelConfig> read_config = ReadModelConfig(model_dir + "/config.yaml");
      absl::StatusOr<std::map<std::string, std::string>> read_aliases =
          ReadAliases(model_dir + "/aliases.yaml");
      if (!read_config.ok() || !read_aliases.ok()) {
        // Keep serving what was served before the file was broken; say why.
        std::string why(!read_config.ok() ? read_config.status().message()
                                          : read_aliases.status().message());
        if (const ServedModel* old = previous->FindModel(model)) next->models[model] = *old;
        next->index.push_back({model, "", "UNAVAILABLE", why});
        continue;
      }
      config = *read_config;
      aliases = *read_aliases;
    }
    std::map<std::string, const Cached*> loaded;  // version -> entry
    for (auto& [path, c] : entries) {
      if (c->good) loaded.emplace(c->version, c);
    }
    std::vector<std::string> loaded_versions;
    for (auto& [v, c] : loaded) loaded_versions.push_back(v);
    std::sort(loaded_versions.begin(), loaded_versions.end(), VersionLess);
    std::vector<std::string> chosen = SelectVersions(config.policy, loaded_versions);
    for (auto& [alias, version] : aliases) {
      if (loaded.count(version) &&
          std::find(chosen.begin(), chosen.end(), version) == chosen.end()) {
        chosen.push_back(version);
      }
    }
    std::sort(chosen.begin(), chosen.end(), VersionLess);
    if (!chosen.empty()) {
      ServedModel& served = next->models[model];
      served.name = model;
      served.aliases = aliases;
      served.auth_required = config.auth_required;
      for (const std::string& v : chosen) {
        const Cached* c = loaded[v];
        std::string path;
        for (auto& [p, e] : entries) {
          if (e == c) path = p;
        }
        served.versions.push_back({v, path, c->good});
      }
    }
    for (auto& [path, c] : entries) {
      bool serving = std::find(chosen.begin(), chosen.end(), c->version) != chosen.end();
      if (serving) {
        std::string note =
            c->error.empty()
                ? ""
                : absl::StrCat(
                      "the files changed and failed to load; the last good copy keeps serving: ",
                      c->error);
        next->index.push_back({model, c->version, "READY", note});
      } else if (c->good) {
        next->index.push_back(
            {model, c->version, "UNLOADED", "not selected by the version policy"});
      } else {
        next->index.push_back(
            {model, c->version, "UNAVAILABLE",
             c->error.empty() ? "not loaded yet (files still changing)" : c->error});
      }
    }
  }
  for (auto& [model, why] : model_errors) {
    if (!by_model.count(model)) next->index.push_back({model, "", "UNAVAILABLE", why});
  }
  for (auto it = cache_.begin(); it != cache_.end();) {  // versions removed from disk
    it = live_paths.count(it->first) ? std::next(it) : cache_.erase(it);
  }
  Publish(std::move(next));
}

absl::Status Repository::LoadModel(std::string_view name) {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  std::string model(name);
  unloaded_.erase(model);
  retry_.insert(model);
  RefreshLocked(/*settle=*/false);
  auto snap = snapshot();
  if (snap->FindModel(model) != nullptr) return absl::OkStatus();
  std::vector<std::string> reasons;
  for (const VersionState& row : snap->index) {
    if (row.model == model) {
      reasons.push_back(row.version.empty()
                            ? row.reason
                            : absl::StrCat("version ", row.version, ": ", row.reason));
    }
  }
  if (reasons.empty()) {
    return absl::NotFoundError(absl::StrCat("no model named '", model, "' in ", description_));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("model '", model, "' could not be loaded: ", absl::StrJoin(reasons, "; ")));
}

absl::Status Repository::UnloadModel(std::string_view name) {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  std::string model(name);
  bool known = false;
  for (const VersionState& row : snapshot()->index) known = known || row.model == model;
  if (!known) {
    return absl::NotFoundError(absl::StrCat("no model named '", model, "' in ", description_));
  }
  unloaded_.insert(model);
  RefreshLocked(/*settle=*/false);
  return absl::OkStatus();
}

void Repository::StartPolling(std::chrono::milliseconds interval) {
  StopPolling();
  {
    std::lock_guard<std::mutex> lock(poll_mu_);
    poll_stop_ = false;
  }
  poller_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> lock(poll_mu_);
    while (!poll_cv_.wait_for(lock, interval, [this] { return poll_stop_; })) {
      lock.unlock();
      RefreshAll(/*settle=*/true);
      lock.lock();
    }
  });
}

void Repository::StopPolling() {
  {
    std::lock_guard<std::mutex> lock(poll_mu_);
    poll_stop_ = true;
  }
  poll_cv_.notify_all();
  if (poller_.joinable()) poller_.join();
}

}  // namespace ferry::registry
