// Names of models, versions and aliases as they appear in URLs and in the repository's
// directory names. Only [A-Za-z0-9_.-]+ is accepted, at most 128 bytes, never "." or "..", so
// a checked name can never climb out of (or into a subfolder of) the repository.
#ifndef FERRY_REGISTRY_NAMES_H_
#define FERRY_REGISTRY_NAMES_H_

#include <string_view>

namespace ferry::registry {

inline constexpr size_t kMaxNameLength = 128;

bool IsValidName(std::string_view name);

// Orders versions as people number them: "2" < "10" (runs of digits compare as numbers),
// otherwise byte order. Returns <0, 0 or >0.
int CompareVersions(std::string_view a, std::string_view b);

}  // namespace ferry::registry

#endif  // FERRY_REGISTRY_NAMES_H_
