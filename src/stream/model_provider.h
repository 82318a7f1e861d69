// ModelProvider: the bundle the stream scores with, kept current by the model repository
// (src/registry) exactly as `ferry serve` keeps it: a bundle directory, or a repository with a
// model name and optional alias, polled every reload_seconds. Each batch takes Current() once,
// so a reload switches versions between two batches, never inside one, and never leaves a gap.
// Thread-safe.
#ifndef FERRY_STREAM_MODEL_PROVIDER_H_
#define FERRY_STREAM_MODEL_PROVIDER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bundle/bundle.h"
#include "registry/repository.h"
#include "stream/config.h"

namespace ferry::stream {

struct ModelChoice {
  std::shared_ptr<const bundle::Bundle> bundle;
  std::string name;     // the model's name
  std::string version;  // the version served
};

class ModelProvider {
 public:
  // Fails when the bundle does not load, or the named model (and alias) is not in the
  // repository at start.
  static absl::StatusOr<std::unique_ptr<ModelProvider>> Open(const ModelConfig& config);

  // The version to score the next batch with. Fails only when the model or its alias
  // disappeared from the repository (the loop keeps the last good choice then).
  absl::StatusOr<ModelChoice> Current() const;

 private:
  ModelProvider(ModelConfig config, std::unique_ptr<registry::Repository> repository)
      : config_(std::move(config)), repository_(std::move(repository)) {}

  ModelConfig config_;
  std::unique_ptr<registry::Repository> repository_;
};

}  // namespace ferry::stream

#endif  // FERRY_STREAM_MODEL_PROVIDER_H_
