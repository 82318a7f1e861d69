#include "model/loaders/sklearn/common.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ferry::model::sklearn {

std::string ClassName(const Object& o) { return o.TypeName(); }

bool IsString(const Object& o, const std::string& s) {
  return o.kind == Object::Kind::kString && o.str == s;
}

absl::Status Error(const Object& est, const std::string& message) {
  return absl::InvalidArgumentError(absl::StrCat(ClassName(est), ": ", message));
}

absl::Status Annotate(const Object& est, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(ClassName(est), ": ", status.message()));
}

const Object* Optional(const Object& est, const std::string& key) {
  const Object* o = est.Get(key);
  if (o == nullptr || o->IsNone()) return nullptr;
  return o;
}

absl::StatusOr<const Object*> Need(const Object& est, const std::string& key) {
  const Object* o = Optional(est, key);
  if (o == nullptr) {
    return Error(est, absl::StrCat("missing attribute '", key,
                                   "' (is the estimator fitted, and saved by scikit-learn 1.0 "
                                   "to 1.5?)"));
  }
  return o;
}

absl::StatusOr<int64_t> NeedInt(const Object& est, const std::string& key) {
  auto o = Need(est, key);
  if (!o.ok()) return o.status();
  auto v = (*o)->AsInt(key);
  if (!v.ok()) return Annotate(est, v.status());
  return *v;
}

absl::StatusOr<double> NeedDouble(const Object& est, const std::string& key) {
  auto o = Need(est, key);
  if (!o.ok()) return o.status();
  auto v = Doubles(**o, key);
  if (!v.ok()) return Annotate(est, v.status());
  if (v->size() != 1) {
    return Error(est, absl::StrCat("attribute '", key, "': expected one number, got ", v->size()));
  }
  return (*v)[0];
}

absl::StatusOr<std::string> NeedString(const Object& est, const std::string& key) {
  auto o = Need(est, key);
  if (!o.ok()) return o.status();
  auto v = (*o)->AsString(key);
  if (!v.ok()) return Annotate(est, v.status());
  return *v;
}

absl::StatusOr<std::string> StringOr(const Object& est, const std::string& key,
                                     const std::string& fallback) {
  const Object* o = Optional(est, key);
  if (o == nullptr) return std::string(fallback);
  if (o->kind != Object::Kind::kString) {
    return Error(est,
                 absl::StrCat("attribute '", key, "': expected a string, got ", ClassName(*o)));
  }
  return o->str;
}

absl::StatusOr<bool> BoolOr(const Object& est, const std::string& key, bool fallback) {
  const Object* o = Optional(est, key);
  if (o == nullptr) return fallback;
  auto v = o->AsInt(key);
  if (!v.ok()) return Annotate(est, v.status());
  return *v != 0;
}

std::vector<int64_t> ShapeOf(const Object& o) {
  if (o.kind == Object::Kind::kArray && o.array) return o.array->shape;
  if (o.kind == Object::Kind::kList || o.kind == Object::Kind::kTuple) {
    return {static_cast<int64_t>(o.items.size())};
  }
  return {};
}

bool Version::AtLeast(int ma, int mi, int pa) const {
  if (major != ma) return major > ma;
  if (minor != mi) return minor > mi;
  return patch >= pa;
}

std::optional<Version> VersionOf(const Object& est) {
  const Object* o = Optional(est, "_sklearn_version");
  if (o == nullptr || o->kind != Object::Kind::kString) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(o->str, '.');
  Version v;
  int* slots[3] = {&v.major, &v.minor, &v.patch};
  for (size_t i = 0; i < parts.size() && i < 3; ++i) {
    // "0rc1" / "dev0": keep the leading digits only.
    std::string digits;
    for (char c : parts[i]) {
      if (c < '0' || c > '9') break;
      digits.push_back(c);
    }
    if (digits.empty() || !absl::SimpleAtoi(digits, slots[i])) break;
  }
  return v;
}

}  // namespace ferry::model::sklearn
