#include "registry/test_bundles.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace ferry::registry::testing {

namespace fs = std::filesystem;

std::string MakeTempDir(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

const std::string& TinyBundle(bool flipped) {
  static const std::string root = MakeTempDir("ferry-tiny-");
  static std::string made[2];
  std::string& dir = made[flipped ? 1 : 0];
  if (dir.empty()) {
    const char* source = std::getenv("FERRY_SOURCE_DIR");
    std::string script = absl::StrCat(source ? source : ".", "/tests/serve/make_tiny_bundle.py");
    std::string target = absl::StrCat(root, flipped ? "/flipped" : "/plain");
    std::string command =
        absl::StrCat("/usr/bin/python3 ", script, " ", target, flipped ? " --flip" : "");
    if (std::system(command.c_str()) != 0) {
      throw std::runtime_error("could not make a tiny bundle: " + command);
    }
    dir = target;
  }
  return dir;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

void CopyTinyBundle(bool flipped, const std::string& dest, const std::string& name,
                    const std::string& version) {
  const std::string& source = TinyBundle(flipped);
  fs::create_directories(dest);
  fs::copy_file(source + "/model.joblib", dest + "/model.joblib",
                fs::copy_options::overwrite_existing);
  std::ifstream in(source + "/ferry.yaml");
  std::stringstream spec;
  spec << in.rdbuf();
  WriteFile(dest + "/ferry.yaml",
            absl::StrReplaceAll(spec.str(), {{"name: tiny", "name: " + name},
                                             {"version: \"1\"", "version: \"" + version + "\""}}));
}

}  // namespace ferry::registry::testing
