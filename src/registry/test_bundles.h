// Test helper: tiny bundles trained at test time by tests/serve/make_tiny_bundle.py with
// /usr/bin/python3 (scikit-learn), made once per test binary and copied where a test needs
// them. "tiny" v1 answers "yes" for x1 + x2 > 0, a flipped copy answers the opposite.
#ifndef FERRY_REGISTRY_TEST_BUNDLES_H_
#define FERRY_REGISTRY_TEST_BUNDLES_H_

#include <string>

namespace ferry::registry::testing {

// A fresh empty directory under the system temp dir.
std::string MakeTempDir(const std::string& prefix);

// Directory of a made bundle (built on first use). `flipped` picks the opposite-answer model.
// The bundle's ferry.yaml says name "tiny", version "1".
const std::string& TinyBundle(bool flipped);

// Copies a made bundle to `dest` (created), writing `name`/`version` into its ferry.yaml.
void CopyTinyBundle(bool flipped, const std::string& dest, const std::string& name,
                    const std::string& version);

// Writes `text` to `path`, replacing it.
void WriteFile(const std::string& path, const std::string& text);

}  // namespace ferry::registry::testing

#endif  // FERRY_REGISTRY_TEST_BUNDLES_H_
