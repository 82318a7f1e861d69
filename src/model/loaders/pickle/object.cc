// Object: iterative destruction, descriptions and typed accessors with precise messages.
#include "model/loaders/pickle/object.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/loaders/pickle/scalar_bytes.h"

namespace ferry::pickle {
namespace {

using Kind = Object::Kind;

bool HasChildren(const Object& o) {
  return !o.items.empty() || !o.entries.empty() || o.state != nullptr ||
         (o.array != nullptr && !o.array->objects.empty());
}

// Moves o's children into `out` so that destroying o itself cannot recurse.
void DetachChildren(Object& o, std::vector<ObjectPtr>* out) {
  for (ObjectPtr& c : o.items) out->push_back(std::move(c));
  o.items.clear();
  for (auto& [k, v] : o.entries) {
    out->push_back(std::move(k));
    out->push_back(std::move(v));
  }
  o.entries.clear();
  if (o.state) out->push_back(std::move(o.state));
  if (o.array && o.array.use_count() == 1) {
    for (ObjectPtr& c : o.array->objects) out->push_back(std::move(c));
    o.array->objects.clear();
  }
}

std::string Quote(absl::string_view s, size_t max_len = 40) {
  if (s.size() <= max_len) return absl::StrCat("'", s, "'");
  return absl::StrCat("'", s.substr(0, max_len), "...'");
}

absl::Status WrongType(absl::string_view what, absl::string_view expected, const Object& got) {
  return absl::InvalidArgumentError(
      absl::StrCat("'", what, "': expected ", expected, ", got ", got.Describe()));
}

}  // namespace

Object::~Object() {
  if (!HasChildren(*this)) return;
  std::vector<ObjectPtr> pending;
  DetachChildren(*this, &pending);
  while (!pending.empty()) {
    ObjectPtr p = std::move(pending.back());
    pending.pop_back();
    if (p && p.use_count() == 1 && HasChildren(*p)) DetachChildren(*p, &pending);
  }
}

std::string Object::TypeName() const {
  switch (kind) {
    case Kind::kNone:
      return "NoneType";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float";
    case Kind::kString:
      return "str";
    case Kind::kBytes:
      return "bytes";
    case Kind::kTuple:
      return "tuple";
    case Kind::kList:
      return "list";
    case Kind::kDict:
      return "dict";
    case Kind::kSet:
      return "set";
    case Kind::kArray:
      return "ndarray";
    case Kind::kDtype:
      return "dtype";
    case Kind::kGlobal:
      return "type";
    case Kind::kInstance: {
      size_t dot = str.rfind('.');
      return dot == std::string::npos ? str : str.substr(dot + 1);
    }
  }
  return "?";
}

std::string Object::Describe() const {
  switch (kind) {
    case Kind::kNone:
      return "None";
    case Kind::kBool:
      return bool_value ? "bool True" : "bool False";
    case Kind::kInt:
      return absl::StrCat("int ", int_value);
    case Kind::kFloat:
      return absl::StrCat("float ", float_value);
    case Kind::kString:
      return absl::StrCat("str ", Quote(str));
    case Kind::kBytes:
      return absl::StrCat("bytes of length ", str.size());
    case Kind::kTuple:
      return absl::StrCat("tuple of ", items.size(), " items");
    case Kind::kList:
      return absl::StrCat("list of ", items.size(), " items");
    case Kind::kSet:
      return absl::StrCat("set of ", items.size(), " items");
    case Kind::kDict:
      return absl::StrCat("dict of ", entries.size(), " entries");
    case Kind::kArray:
      if (!array) return "ndarray (not yet built)";
      return absl::StrCat("ndarray ", array->dtype.ToString(), " shape ", array->ShapeString());
    case Kind::kDtype:
      return absl::StrCat("dtype ", dtype ? dtype->ToString() : "?");
    case Kind::kInstance:
      return absl::StrCat("instance of ", str);
    case Kind::kGlobal:
      return absl::StrCat("global ", str);
  }
  return "?";
}

namespace {

void Render(const Object& o, int depth_left, int max_items, int indent, std::string* out) {
  const std::string pad(static_cast<size_t>(indent) * 2, ' ');
  absl::StrAppend(out, o.Describe());
  const bool has_kids = !o.items.empty() || !o.entries.empty() || o.state != nullptr ||
                        (o.array && !o.array->objects.empty());
  if (!has_kids) return;
  if (depth_left <= 0) {
    absl::StrAppend(out, " ...");
    return;
  }
  auto child = [&](absl::string_view label, const ObjectPtr& c) {
    absl::StrAppend(out, "\n", pad, "  ", label);
    if (c) {
      Render(*c, depth_left - 1, max_items, indent + 1, out);
    } else {
      absl::StrAppend(out, "null");
    }
  };
  int shown = 0;
  auto more = [&](size_t total) {
    if (total > static_cast<size_t>(shown)) {
      absl::StrAppend(out, "\n", pad, "  ... ", total - shown, " more");
    }
  };
  for (const ObjectPtr& c : o.items) {
    if (shown++ >= max_items) break;
    child("- ", c);
  }
  if (!o.items.empty()) more(o.items.size());
  shown = 0;
  for (const auto& [k, v] : o.entries) {
    if (shown++ >= max_items) break;
    std::string label = k && k->kind == Kind::kString ? k->str : (k ? k->Describe() : "null");
    child(absl::StrCat(label, ": "), v);
  }
  if (!o.entries.empty()) more(o.entries.size());
  if (o.state) child("state: ", o.state);
  if (o.array && !o.array->objects.empty()) {
    shown = 0;
    for (const ObjectPtr& c : o.array->objects) {
      if (shown++ >= max_items) break;
      child("- ", c);
    }
    more(o.array->objects.size());
  }
}

}  // namespace

std::string Object::DebugString(int max_depth, int max_items) const {
  std::string out;
  Render(*this, std::clamp(max_depth, 0, 64), std::max(max_items, 0), 0, &out);
  return out;
}

const Object* Object::Get(std::string_view key) const {
  const Object* dict = this;
  if (kind == Kind::kInstance) {
    dict = state.get();
    if (dict != nullptr && dict->kind == Kind::kDict) {
      for (auto it = dict->entries.rbegin(); it != dict->entries.rend(); ++it) {
        if (it->first && it->first->kind == Kind::kString && it->first->str == key) {
          return it->second.get();
        }
      }
    }
    dict = this;  // then the instance's own dict items (dict subclasses)
  } else if (kind != Kind::kDict) {
    return nullptr;
  }
  // Later entries win, as in a Python dict assigned twice.
  for (auto it = dict->entries.rbegin(); it != dict->entries.rend(); ++it) {
    if (it->first && it->first->kind == Kind::kString && it->first->str == key) {
      return it->second.get();
    }
  }
  return nullptr;
}

std::vector<std::string> Object::Keys() const {
  std::vector<std::string> keys;
  auto collect = [&keys](const Object& d) {
    for (const auto& [k, v] : d.entries) {
      if (k && k->kind == Kind::kString) keys.push_back(k->str);
    }
  };
  if (kind == Kind::kInstance && state && state->kind == Kind::kDict) collect(*state);
  if (kind == Kind::kInstance || kind == Kind::kDict) collect(*this);
  return keys;
}

absl::StatusOr<const Object*> Object::Attr(std::string_view key) const {
  if (kind != Kind::kDict && kind != Kind::kInstance) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot look up attribute '", Sv(key), "' in ", Describe()));
  }
  const Object* v = Get(key);
  if (v != nullptr) return v;
  std::vector<std::string> keys = Keys();
  const size_t total = keys.size();
  if (keys.size() > 30) keys.resize(30);
  return absl::NotFoundError(absl::StrCat(
      Describe(), " has no attribute '", Sv(key),
      "' (present: ", keys.empty() ? std::string("none") : absl::StrJoin(keys, ", "),
      total > keys.size() ? ", ..." : "",
      "); the file may come from an unsupported scikit-learn version or estimator option"));
}

absl::StatusOr<double> Object::AsDouble(std::string_view what) const {
  switch (kind) {
    case Kind::kFloat:
      return float_value;
    case Kind::kInt:
      return static_cast<double>(int_value);
    case Kind::kBool:
      return bool_value ? 1.0 : 0.0;
    case Kind::kArray:
      if (array && array->shape.empty() && IsNumericScalar(array->dtype)) {
        return array->GetDouble(0);
      }
      break;
    default:
      break;
  }
  return WrongType(Sv(what), "a number", *this);
}

absl::StatusOr<int64_t> Object::AsInt(std::string_view what) const {
  switch (kind) {
    case Kind::kInt:
      return int_value;
    case Kind::kBool:
      return bool_value ? 1 : 0;
    case Kind::kArray:
      if (array && array->shape.empty() && IsIntegerScalar(array->dtype)) {
        return array->GetInt(0);
      }
      break;
    default:
      break;
  }
  return WrongType(Sv(what), "an integer", *this);
}

absl::StatusOr<bool> Object::AsBool(std::string_view what) const {
  if (kind == Kind::kBool) return bool_value;
  if (kind == Kind::kInt && (int_value == 0 || int_value == 1)) return int_value == 1;
  if (kind == Kind::kArray && array && array->shape.empty() && array->dtype.kind == 'b') {
    return array->GetInt(0) != 0;
  }
  return WrongType(Sv(what), "a bool", *this);
}

absl::StatusOr<std::string> Object::AsString(std::string_view what) const {
  if (kind == Kind::kString) return str;
  if (kind == Kind::kArray && array && array->shape.empty() && array->dtype.kind == 'U') {
    auto s = array->ToStrings();
    if (s.ok() && s->size() == 1) return (*s)[0];
  }
  return WrongType(Sv(what), "a str", *this);
}

absl::StatusOr<const NdArray*> Object::AsArray(std::string_view what) const {
  if (kind == Kind::kArray && array) return array.get();
  return WrongType(Sv(what), "a numpy array", *this);
}

namespace {

absl::Status PrefixWhat(absl::string_view what, const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat("'", what, "': ", s.message()));
}

}  // namespace

absl::StatusOr<std::vector<double>> Object::AsDoubles(std::string_view what) const {
  if (kind == Kind::kList || kind == Kind::kTuple) {
    std::vector<double> out;
    out.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      auto v = items[i]->AsDouble(absl::StrCat(Sv(what), "[", i, "]"));
      if (!v.ok()) return v.status();
      out.push_back(*v);
    }
    return out;
  }
  if (kind == Kind::kArray && array && array->shape.size() == 1) {
    auto v = array->ToDoubles();
    if (!v.ok()) return PrefixWhat(Sv(what), v.status());
    return v;
  }
  return WrongType(Sv(what), "a list or 1-d numeric array", *this);
}

absl::StatusOr<std::vector<int64_t>> Object::AsInts(std::string_view what) const {
  if (kind == Kind::kList || kind == Kind::kTuple) {
    std::vector<int64_t> out;
    out.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      auto v = items[i]->AsInt(absl::StrCat(Sv(what), "[", i, "]"));
      if (!v.ok()) return v.status();
      out.push_back(*v);
    }
    return out;
  }
  if (kind == Kind::kArray && array && array->shape.size() == 1) {
    auto v = array->ToInts();
    if (!v.ok()) return PrefixWhat(Sv(what), v.status());
    return v;
  }
  return WrongType(Sv(what), "a list or 1-d integer array", *this);
}

absl::StatusOr<std::vector<std::string>> Object::AsStrings(std::string_view what) const {
  if (kind == Kind::kList || kind == Kind::kTuple) {
    std::vector<std::string> out;
    out.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      auto v = items[i]->AsString(absl::StrCat(Sv(what), "[", i, "]"));
      if (!v.ok()) return v.status();
      out.push_back(std::move(*v));
    }
    return out;
  }
  if (kind == Kind::kArray && array && array->shape.size() == 1) {
    auto v = array->ToStrings();
    if (!v.ok()) return PrefixWhat(Sv(what), v.status());
    return v;
  }
  return WrongType(Sv(what), "a list or 1-d array of str", *this);
}

}  // namespace ferry::pickle
