#include "registry/snapshot.h"

namespace ferry::registry {

const ServedVersion* ServedModel::FindVersion(std::string_view version) const {
  for (const ServedVersion& v : versions) {
    if (v.version == version) return &v;
  }
  return nullptr;
}

const ServedModel* Snapshot::FindModel(std::string_view name) const {
  auto it = models.find(std::string(name));
  return it == models.end() ? nullptr : &it->second;
}

}  // namespace ferry::registry
