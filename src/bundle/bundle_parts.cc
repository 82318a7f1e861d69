// CompileBundleParts: spec -> model, lookup tables, input rules and compiled features, with
// every problem collected (nothing stops at the first one).
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "bundle/bundle.h"
#include "model/loaders/load.h"

namespace ferry::bundle {
namespace {

// First 12 hex digits of the FNV-1a 64-bit hash of the file; "" when unreadable.
std::string ContentVersion(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  uint64_t h = 14695981039346656037ULL;
  char buf[1 << 16];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      h = (h ^ static_cast<unsigned char>(buf[i])) * 1099511628211ULL;
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(h));
  return std::string(hex, 12);
}

}  // namespace

BundleParts CompileBundleParts(const std::string& dir, std::vector<Problem>* problems) {
  return CompileSpecParts(ParseSpec(dir, problems), nullptr, problems);
}

BundleParts CompileSpecParts(BundleSpec parsed, std::shared_ptr<const model::Model> loaded,
                             std::vector<Problem>* problems) {
  BundleParts parts;
  parts.spec = std::move(parsed);
  BundleSpec& spec = parts.spec;
  auto add = [&](std::string file, int line, int column, std::string message) {
    problems->push_back({std::move(file), line, column, std::move(message), false});
  };

  if (loaded != nullptr) {
    parts.model = std::move(loaded);
    if (spec.version.empty()) spec.version = ContentVersion(spec.model_path);
  } else if (!spec.model_path.empty()) {
    auto model = model::LoadModel(spec.model_path);
    if (model.ok()) {
      parts.model = *model;
    } else {
      add(spec.model, 0, 0, absl::StrCat("the model does not load: ", model.status().message()));
    }
    if (spec.version.empty()) spec.version = ContentVersion(spec.model_path);
  }

  for (const LookupEntry& e : spec.lookups) {
    auto table = LookupTable::Load(e.spec);
    if (!table.ok()) {
      add("ferry.yaml", e.line, 0, std::string(table.status().message()));
      continue;
    }
    parts.lookups.push_back(std::make_unique<LookupTable>(std::move(*table)));
  }

  auto inputs = InputParser::Make(spec.inputs, spec.reject_unknown);
  if (inputs.ok()) {
    parts.inputs = std::make_unique<InputParser>(std::move(*inputs));
  } else {
    add("ferry.yaml", 0, 0, std::string(inputs.status().message()));
  }

  CompileEnv env;
  for (const InputSpec& in : spec.inputs) env.inputs.emplace_back(in.name, in.type);
  for (const auto& t : parts.lookups) env.lookups.push_back(t.get());
  for (const FeatureSpec& f : spec.features) {
    std::string where = absl::StrCat("features.", f.name, ": '", f.expression, "'");
    auto expr = CompileExpression(f.expression, env);
    if (!expr.ok()) {
      bool lookup_failed = spec.lookups.size() != parts.lookups.size() &&
                           f.expression.find("lookup") != std::string::npos;
      if (!lookup_failed) add("ferry.yaml", f.line, f.column, absl::StrCat(where, ": ", expr.status().message()));
      continue;
    }
    Type t = (*expr)->type();
    if (t == Type::kDate || t == Type::kTimestamp || t == Type::kNull) {
      add("ferry.yaml", f.line, f.column,
          absl::StrCat(where, " gives a ", TypeName(t), "; a model takes numbers, bools or strings: use "
                       "year(), month(), day_of_week(), day_of_year(), hour() ... or string()"));
      continue;
    }
    parts.features.push_back({f.name, std::move(*expr)});
  }
  return parts;
}

}  // namespace ferry::bundle
