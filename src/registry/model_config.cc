#include "registry/model_config.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "registry/names.h"
#include "yaml-cpp/yaml.h"

namespace ferry::registry {
namespace {

absl::StatusOr<YAML::Node> LoadYaml(const std::string& path) {
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not valid YAML: ", e.what()));
  }
}

absl::Status PolicyError(const std::string& path, const std::string& why) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": version_policy: ", why,
                   " (write latest, all, {latest: N} or {specific: [\"1\", \"3\"]})"));
}

absl::StatusOr<VersionPolicy> ParsePolicy(const YAML::Node& node, const std::string& path) {
  VersionPolicy policy;
  if (node.IsScalar()) {
    std::string word = node.as<std::string>();
    if (word == "latest") return policy;
    if (word == "all") {
      policy.kind = VersionPolicy::Kind::kAll;
      return policy;
    }
    return PolicyError(path, absl::StrCat("unknown policy '", word, "'"));
  }
  if (!node.IsMap() || node.size() != 1) return PolicyError(path, "expected one word or one key");
  const std::string key = node.begin()->first.as<std::string>();
  const YAML::Node value = node.begin()->second;
  if (key == "latest") {
    int n = 0;
    if (!value.IsScalar() || !YAML::convert<int>::decode(value, n) || n < 1) {
      return PolicyError(path, "latest: expected a count of at least 1");
    }
    policy.latest_count = n;
    return policy;
  }
  if (key == "specific") {
    if (!value.IsSequence() || value.size() == 0) {
      return PolicyError(path, "specific: expected a list of versions");
    }
    policy.kind = VersionPolicy::Kind::kSpecific;
    for (const YAML::Node& v : value) {
      std::string version = v.IsScalar() ? v.as<std::string>() : "";
      if (!IsValidName(version)) {
        return PolicyError(path, absl::StrCat("specific: '", version, "' is not a version name"));
      }
      policy.specific.push_back(version);
    }
    return policy;
  }
  return PolicyError(path, absl::StrCat("unknown key '", key, "'"));
}

}  // namespace

absl::StatusOr<ModelConfig> ReadModelConfig(const std::string& path) {
  ModelConfig config;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return config;
  absl::StatusOr<YAML::Node> root = LoadYaml(path);
  if (!root.ok()) return root.status();
  if (root->IsNull()) return config;
  if (!root->IsMap()) return absl::InvalidArgumentError(absl::StrCat(path, ": expected a map"));
  for (const auto& entry : *root) {
    const std::string key = entry.first.as<std::string>();
    if (key == "version_policy") {
      absl::StatusOr<VersionPolicy> policy = ParsePolicy(entry.second, path);
      if (!policy.ok()) return policy.status();
      config.policy = *policy;
    } else if (key == "auth") {
      std::string word = entry.second.IsScalar() ? entry.second.as<std::string>() : "";
      if (word != "required" && word != "none") {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": auth: expected 'required' or 'none', got '", word, "'"));
      }
      config.auth_required = word == "required";
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": unknown key '", key, "' (keys: version_policy, auth)"));
    }
  }
  return config;
}

absl::StatusOr<std::map<std::string, std::string>> ReadAliases(const std::string& path) {
  std::map<std::string, std::string> aliases;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return aliases;
  absl::StatusOr<YAML::Node> root = LoadYaml(path);
  if (!root.ok()) return root.status();
  if (root->IsNull()) return aliases;
  if (!root->IsMap()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected a map of alias to version, e.g. production: \"2\""));
  }
  for (const auto& entry : *root) {
    const std::string alias = entry.first.as<std::string>();
    const std::string version = entry.second.IsScalar() ? entry.second.as<std::string>() : "";
    if (!IsValidName(alias) || !IsValidName(version)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": alias '", alias, "' -> '", version,
                       "': aliases and versions may only use letters, digits, '_', '.' and '-'"));
    }
    aliases[alias] = version;
  }
  return aliases;
}

std::vector<std::string> SelectVersions(const VersionPolicy& policy,
                                        const std::vector<std::string>& loaded) {
  switch (policy.kind) {
    case VersionPolicy::Kind::kAll:
      return loaded;
    case VersionPolicy::Kind::kLatest: {
      size_t n = std::min(loaded.size(), static_cast<size_t>(policy.latest_count));
      return std::vector<std::string>(loaded.end() - n, loaded.end());
    }
    case VersionPolicy::Kind::kSpecific: {
      std::vector<std::string> out;
      for (const std::string& v : loaded) {
        if (std::find(policy.specific.begin(), policy.specific.end(), v) != policy.specific.end()) {
          out.push_back(v);
        }
      }
      return out;
    }
  }
  return {};
}

}  // namespace ferry::registry
