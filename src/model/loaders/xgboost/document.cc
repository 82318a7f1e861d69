#include "model/loaders/xgboost/document.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ferry::model::xgboost {
namespace {

std::string Join(const std::string& path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

absl::Status WrongKind(const std::string& where, absl::string_view expected, DocNode::Kind got) {
  return absl::InvalidArgumentError(
      absl::StrCat("field '", where, "' should be ", expected, " but is ", KindName(got)));
}

absl::StatusOr<const DocNode*> GetRequired(const DocNode& parent, absl::string_view key,
                                           const std::string& path) {
  auto node = GetOptional(parent, key, path);
  if (!node.ok()) return node.status();
  if (*node == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("required field '", Join(path, key), "' is missing"));
  }
  return *node;
}

}  // namespace

const DocNode* DocNode::Find(absl::string_view key) const {
  if (kind != Kind::kObject) return nullptr;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &values[i];
  }
  return nullptr;
}

absl::string_view KindName(DocNode::Kind kind) {
  switch (kind) {
    case DocNode::Kind::kNull:
      return "null";
    case DocNode::Kind::kBool:
      return "a boolean";
    case DocNode::Kind::kNumber:
      return "a number";
    case DocNode::Kind::kString:
      return "a string";
    case DocNode::Kind::kNumbers:
      return "an array of numbers";
    case DocNode::Kind::kArray:
      return "an array";
    case DocNode::Kind::kObject:
      return "an object";
  }
  return "unknown";
}

absl::StatusOr<const DocNode*> GetOptional(const DocNode& parent, absl::string_view key,
                                           const std::string& path) {
  if (parent.kind != DocNode::Kind::kObject) {
    return WrongKind(path.empty() ? "<root>" : path, "an object", parent.kind);
  }
  return parent.Find(key);
}

absl::StatusOr<const DocNode*> GetObject(const DocNode& parent, absl::string_view key,
                                         const std::string& path) {
  auto node = GetOptional(parent, key, path);
  if (!node.ok()) return node.status();
  std::string where = Join(path, key);
  if (*node == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("required field '", where,
                                                   "' is missing; is this an XGBoost model "
                                                   "saved with save_model()?"));
  }
  if ((*node)->kind != DocNode::Kind::kObject) {
    return WrongKind(where, "an object", (*node)->kind);
  }
  return *node;
}

absl::StatusOr<std::string> GetString(const DocNode& parent, absl::string_view key,
                                      const std::string& path) {
  auto node = GetRequired(parent, key, path);
  if (!node.ok()) return node.status();
  if ((*node)->kind != DocNode::Kind::kString) {
    return WrongKind(Join(path, key), "a string", (*node)->kind);
  }
  return (*node)->text;
}

absl::StatusOr<double> ParseNumberText(absl::string_view text, const std::string& path) {
  double value = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(text), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("field '", path, "' should hold a number but holds \"", text, "\""));
  }
  return value;
}

absl::StatusOr<double> GetNumberOrNumericString(const DocNode& parent, absl::string_view key,
                                                const std::string& path) {
  auto node = GetRequired(parent, key, path);
  if (!node.ok()) return node.status();
  std::string where = Join(path, key);
  switch ((*node)->kind) {
    case DocNode::Kind::kNumber:
      return (*node)->number;
    case DocNode::Kind::kString:
      return ParseNumberText((*node)->text, where);
    default:
      return WrongKind(where, "a number or a numeric string", (*node)->kind);
  }
}

absl::StatusOr<const std::vector<double>*> GetNumbers(const DocNode& parent, absl::string_view key,
                                                      const std::string& path) {
  auto node = GetRequired(parent, key, path);
  if (!node.ok()) return node.status();
  if ((*node)->kind != DocNode::Kind::kNumbers) {
    return WrongKind(Join(path, key), "an array of numbers", (*node)->kind);
  }
  return &(*node)->numbers;
}

absl::StatusOr<const std::vector<DocNode>*> GetArray(const DocNode& parent, absl::string_view key,
                                                     const std::string& path) {
  static const std::vector<DocNode> kEmpty;
  auto node = GetRequired(parent, key, path);
  if (!node.ok()) return node.status();
  if ((*node)->kind == DocNode::Kind::kNumbers && (*node)->numbers.empty()) return &kEmpty;
  if ((*node)->kind != DocNode::Kind::kArray) {
    return WrongKind(Join(path, key), "an array", (*node)->kind);
  }
  return &(*node)->items;
}

}  // namespace ferry::model::xgboost
