#include "registry/dir_scan.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "registry/names.h"

namespace ferry::registry {

namespace fs = std::filesystem;

std::vector<std::string> ListNamedSubdirectories(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (IsValidName(name) && it->is_directory(type_ec)) names.push_back(name);
  }
  std::sort(names.begin(), names.end(),
            [](const std::string& a, const std::string& b) { return CompareVersions(a, b) < 0; });
  return names;
}

DirSignature SignDirectory(const std::string& dir) {
  DirSignature sig;
  std::vector<std::string> entries;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec), end;
  for (size_t seen = 0; !ec && it != end && seen < 10000; it.increment(ec), ++seen) {
    std::error_code e;
    auto mtime = fs::last_write_time(it->path(), e);
    if (e) continue;
    auto sys = std::chrono::file_clock::to_sys(mtime);
    sig.newest = std::max(sig.newest,
                          std::chrono::time_point_cast<std::chrono::system_clock::duration>(sys));
    uintmax_t size = it->is_regular_file(e) ? it->file_size(e) : 0;
    entries.push_back(absl::StrCat(fs::relative(it->path(), dir, e).string(), "|", size, "|",
                                   mtime.time_since_epoch().count()));
  }
  std::sort(entries.begin(), entries.end());
  for (const std::string& entry : entries) absl::StrAppend(&sig.text, entry, "\n");
  return sig;
}

}  // namespace ferry::registry
