#include "bundle/lookup_table.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bundle/dates.h"

namespace ferry::bundle {
namespace {

void AppendNumber(double d, std::string* key) {
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e18) {
    absl::StrAppend(key, static_cast<int64_t>(d));
  } else {
    key->append(FormatDouble(d));
  }
}

Type InferType(const std::vector<Value>& values) {
  bool any = false, all_int = true, all_num = true, all_bool = true;
  for (const Value& v : values) {
    if (v.is_null()) continue;
    any = true;
    all_int = all_int && v.kind() == Value::Kind::kInt;
    all_num = all_num && v.is_number();
    all_bool = all_bool && v.kind() == Value::Kind::kBool;
  }
  if (!any) return Type::kString;
  return all_int ? Type::kInt : all_num ? Type::kFloat : all_bool ? Type::kBool : Type::kString;
}

// Sets cell `r` of `c` from `v` (converted to c's type). False when it does not convert.
bool SetCell(const Value& v, size_t r, ColumnData* c) {
  if (v.is_null()) return true;
  switch (c->type) {
    case Type::kInt:
      if (v.kind() != Value::Kind::kInt) return false;
      c->ints[r] = v.as_int();
      break;
    case Type::kFloat:
      if (!v.is_number()) return false;
      c->floats[r] = *v.ToDouble();
      break;
    case Type::kBool:
      if (v.kind() != Value::Kind::kBool) return false;
      c->ints[r] = v.as_bool();
      break;
    default:
      c->strings[r] = v.ToString();
  }
  c->valid[r] = 1;
  return true;
}

}  // namespace

void LookupTable::AppendKeyPart(const Value& v, std::string* key) {
  switch (v.kind()) {
    case Value::Kind::kInt:
      absl::StrAppend(key, v.as_int());
      break;
    case Value::Kind::kFloat:
      AppendNumber(v.as_float(), key);
      break;
    default:
      key->append(v.ToString());
  }
  key->push_back('\x1f');
}

void LookupTable::AppendKeyPart(const ColumnData& c, size_t row, std::string* key) {
  size_t i = c.at(row);
  if (c.type == Type::kNull || !c.valid[i]) {
    key->append("null");
  } else if (c.type == Type::kInt) {
    absl::StrAppend(key, c.ints[i]);
  } else if (c.type == Type::kFloat) {
    AppendNumber(c.floats[i], key);
  } else if (c.type == Type::kBool) {
    key->append(c.ints[i] ? "true" : "false");
  } else if (c.type == Type::kString) {
    key->append(c.strings[i]);
  } else {
    key->append(c.ToText(row));
  }
  key->push_back('\x1f');
}

int LookupTable::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

int64_t LookupTable::Find(absl::string_view key) const {
  auto it = index_.find(key);
  return it == index_.end() ? -1 : it->second;
}

absl::StatusOr<LookupTable> LookupTable::FromColumns(const LookupSpec& spec,
                                                     std::vector<Column> columns,
                                                     const std::vector<std::string>& where) {
  std::string prefix = absl::StrCat("lookup ", spec.name, ": ", spec.file);
  LookupTable t;
  t.spec_ = spec;
  t.num_rows_ = where.size();
  std::vector<std::string> all_names;
  for (const Column& c : columns) all_names.push_back(c.name);
  std::vector<const Column*> key_columns;
  for (const std::string& k : spec.key) {
    const Column* found = nullptr;
    for (const Column& c : columns) {
      if (c.name == k) found = &c;
    }
    if (found == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(prefix, ": no key column '", k, "' (columns: ",
                                                     absl::StrJoin(all_names, ", "), ")"));
    }
    key_columns.push_back(found);
  }
  if (spec.key.empty()) return absl::InvalidArgumentError(absl::StrCat(prefix, ": no key columns given"));
  t.index_.reserve(t.num_rows_);
  std::string key;
  for (size_t r = 0; r < t.num_rows_; ++r) {
    key.clear();
    for (const Column* c : key_columns) {
      if (c->values[r].is_null()) {
        return absl::InvalidArgumentError(
            absl::StrCat(prefix, " ", where[r], ": key column '", c->name, "' is empty"));
      }
      AppendKeyPart(c->values[r], &key);
    }
    auto [it, inserted] = t.index_.emplace(key, static_cast<int64_t>(r));
    if (!inserted) {
      std::vector<std::string> parts;
      for (const Column* c : key_columns) parts.push_back(absl::StrCat(c->name, "=", c->values[r].ToString()));
      return absl::InvalidArgumentError(absl::StrCat(prefix, " ", where[r], ": duplicate key ",
                                                     absl::StrJoin(parts, ", "), " (first at ",
                                                     where[it->second], ")"));
    }
  }
  for (Column& c : columns) {
    if (std::find(spec.key.begin(), spec.key.end(), c.name) != spec.key.end()) continue;
    ColumnData data = ColumnData::Make(InferType(c.values), t.num_rows_);
    for (size_t r = 0; r < t.num_rows_; ++r) SetCell(c.values[r], r, &data);
    t.names_.push_back(c.name);
    t.columns_.push_back(std::move(data));
  }
  for (const auto& [name, value] : spec.defaults) {
    if (t.FindColumn(name) < 0) {
      return absl::InvalidArgumentError(absl::StrCat("lookup ", spec.name, ": default for '", name,
                                                     "', which is not a column of ", spec.file,
                                                     " (columns: ", absl::StrJoin(t.names_, ", "), ")"));
    }
  }
  for (size_t i = 0; i < t.names_.size(); ++i) {
    ColumnData d = ColumnData::Make(t.columns_[i].type, 1);
    d.scalar = true;
    auto it = spec.defaults.find(t.names_[i]);
    if (it != spec.defaults.end() && !SetCell(it->second, 0, &d)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "lookup ", spec.name, ": default for '", t.names_[i], "' is ", it->second.ToString(),
          " but the column holds ", TypeName(t.columns_[i].type), " values"));
    }
    t.defaults_.push_back(std::move(d));
  }
  return t;
}

}  // namespace ferry::bundle
