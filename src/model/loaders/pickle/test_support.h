// Test helpers: temp directories, running /usr/bin/python3 fixture scripts, reading files,
// and checking decoded numpy arrays against the JSON the fixture script wrote.
#ifndef FERRY_MODEL_LOADERS_PICKLE_TEST_SUPPORT_H_
#define FERRY_MODEL_LOADERS_PICKLE_TEST_SUPPORT_H_

#include <string>

#include "model/loaders/pickle/object.h"

namespace ferry::pickle::testing {

// A fresh directory under the system temp dir, removed (with its contents) when the
// TempDir goes out of scope.
std::string MakeTempDir();
class TempDir {
 public:
  TempDir() : path_(MakeTempDir()) {}
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};
// Writes `script` to dir/gen.py and runs `/usr/bin/python3 dir/gen.py dir`; fails the
// current test (and returns false) if it exits non-zero.
bool RunPython(const std::string& dir, const std::string& script);
std::string ReadFile(const std::string& path);
bool FileExists(const std::string& path);

// `json` maps array names to {"shape": [...], "kind": "f", "values": [...]} (C order; numbers,
// strings, or for structured arrays {"field": [...]}); `root` must be a dict holding arrays
// of those names. Every element is compared exactly (EXPECT failures name the array).
void ExpectArraysMatch(const Object& root, const std::string& json, const std::string& where);

}  // namespace ferry::pickle::testing

#endif  // FERRY_MODEL_LOADERS_PICKLE_TEST_SUPPORT_H_
