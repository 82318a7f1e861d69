#include "registry/dir_scan.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
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

namespace {

void AddEntry(const fs::path& path, const std::string& name, DirSignature* sig,
              std::vector<std::string>* entries) {
  std::error_code e;
  auto mtime = fs::last_write_time(path, e);
  if (e) return;
  auto sys = std::chrono::file_clock::to_sys(mtime);
  sig->newest =
      std::max(sig->newest, std::chrono::time_point_cast<std::chrono::system_clock::duration>(sys));
  uintmax_t size = fs::is_regular_file(path, e) ? fs::file_size(path, e) : 0;
  entries->push_back(absl::StrCat(name, "|", size, "|", mtime.time_since_epoch().count()));
}

bool HasModelExtension(std::string name) {
  for (const char* compressed : {".gz", ".bz2", ".xz", ".lzma", ".lz4", ".z"}) {
    if (absl::EndsWith(name, compressed)) name.resize(name.size() - strlen(compressed));
  }
  for (const char* model : {".joblib", ".pkl", ".pickle", ".json", ".ubj"}) {
    if (absl::EndsWith(name, model)) return true;
  }
  return false;
}

}  // namespace

DirSignature SignDirectory(const std::string& dir) {
  DirSignature sig;
  std::vector<std::string> entries;
  std::error_code ec;
  if (fs::is_regular_file(dir, ec)) {
    AddEntry(dir, fs::path(dir).filename().string(), &sig, &entries);
    sig.text = entries.empty() ? "" : entries[0];
    return sig;
  }
  fs::recursive_directory_iterator it(dir, ec), end;
  for (size_t seen = 0; !ec && it != end && seen < 10000; it.increment(ec), ++seen) {
    std::error_code e;
    AddEntry(it->path(), fs::relative(it->path(), dir, e).string(), &sig, &entries);
  }
  std::sort(entries.begin(), entries.end());
  for (const std::string& entry : entries) absl::StrAppend(&sig.text, entry, "\n");
  return sig;
}

std::string SoleModelFile(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(fs::path(dir) / "ferry.yaml", ec)) return "";
  std::string found;
  fs::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (name.empty() || name[0] == '.' || !it->is_regular_file(type_ec)) continue;
    if (!HasModelExtension(name)) continue;
    if (!found.empty()) return "";  // several: which one is meant is not clear
    found = it->path().string();
  }
  return found;
}

}  // namespace ferry::registry
