// ModelProvider over registry::Repository; load events are logged to stderr as JSON lines.
#include "stream/model_provider.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "io/json_writer.h"

namespace ferry::stream {
namespace {

void LogLoad(const registry::LoadEvent& event) {
  std::string line;
  io::JsonWriter w(&line);
  w.BeginObject()
      .Key("event")
      .String(event.ok ? (event.reload ? "model_reloaded" : "model_loaded") : "model_load_failed")
      .Key("model")
      .String(event.model)
      .Key("version")
      .String(event.version)
      .Key("path")
      .String(event.path);
  if (!event.ok) w.Key("error").String(event.error);
  w.EndObject();
  std::cerr << line << std::endl;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ModelProvider>> ModelProvider::Open(const ModelConfig& config) {
  absl::StatusOr<std::unique_ptr<registry::Repository>> repository =
      config.bundle.empty() ? registry::Repository::OpenDirectory(config.repository, LogLoad)
                            : registry::Repository::OpenBundles({config.bundle}, LogLoad);
  if (!repository.ok()) return repository.status();
  std::unique_ptr<ModelProvider> provider(new ModelProvider(config, std::move(*repository)));
  auto first = provider->Current();
  if (!first.ok()) return first.status();
  if (config.reload_seconds > 0) {
    provider->repository_->StartPolling(
        std::chrono::milliseconds(static_cast<int64_t>(config.reload_seconds * 1000)));
  }
  return provider;
}

absl::StatusOr<ModelChoice> ModelProvider::Current() const {
  std::shared_ptr<const registry::Snapshot> snapshot = repository_->snapshot();
  const registry::ServedModel* model = nullptr;
  if (config_.name.empty()) {
    if (snapshot->models.size() != 1) {
      return absl::FailedPreconditionError(
          absl::StrCat("the bundle ", config_.bundle, " did not load (see the log above)"));
    }
    model = &snapshot->models.begin()->second;
  } else {
    model = snapshot->FindModel(config_.name);
    if (model == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("model '", config_.name, "' is not served by ", repository_->description()));
    }
  }
  const registry::ServedVersion* version = &model->Latest();
  if (!config_.alias.empty()) {
    auto alias = model->aliases.find(config_.alias);
    if (alias == model->aliases.end()) {
      return absl::NotFoundError(absl::StrCat("model '", model->name, "' has no alias '",
                                              config_.alias, "' (see its aliases.yaml)"));
    }
    version = model->FindVersion(alias->second);
    if (version == nullptr) {
      return absl::NotFoundError(absl::StrCat("alias '", config_.alias, "' of model '", model->name,
                                              "' names version ", alias->second,
                                              ", which is not loaded"));
    }
  }
  return ModelChoice{version->bundle, model->name, version->version};
}

}  // namespace ferry::stream
