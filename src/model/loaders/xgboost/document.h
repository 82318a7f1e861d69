// A small format-neutral document tree that the JSON and UBJSON readers both produce and the
// XGBoost converter reads, so the conversion is written once. Arrays made only of numbers
// (or booleans) are stored compactly as doubles; other arrays hold child nodes.
// Accessors return errors naming the dotted path of the offending field.
#ifndef FERRY_MODEL_LOADERS_XGBOOST_DOCUMENT_H_
#define FERRY_MODEL_LOADERS_XGBOOST_DOCUMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ferry::model::xgboost {

// Readers refuse documents nested deeper than this (XGBoost models use about 8 levels).
inline constexpr int kMaxDocumentDepth = 64;

struct DocNode {
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kNumbers, kArray, kObject };

  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;              // kNumber
  std::string text;               // kString
  std::vector<double> numbers;    // kNumbers (also an empty array)
  std::vector<DocNode> items;     // kArray
  std::vector<std::string> keys;  // kObject, in file order
  std::vector<DocNode> values;    // kObject, values[i] is keys[i]'s

  // The member named `key` of an object, or nullptr (also when this is not an object).
  const DocNode* Find(absl::string_view key) const;
};

// "object", "string", ... for messages.
absl::string_view KindName(DocNode::Kind kind);

// Typed access with errors that name `path` (e.g. "learner.objective.name").
absl::StatusOr<const DocNode*> GetObject(const DocNode& parent, absl::string_view key,
                                         const std::string& path);
// Like GetObject but the member may be absent: returns nullptr then.
absl::StatusOr<const DocNode*> GetOptional(const DocNode& parent, absl::string_view key,
                                           const std::string& path);
absl::StatusOr<std::string> GetString(const DocNode& parent, absl::string_view key,
                                      const std::string& path);
// A number, or a string holding a number (XGBoost stores parameters as strings).
absl::StatusOr<double> GetNumberOrNumericString(const DocNode& parent, absl::string_view key,
                                                const std::string& path);
// An array of numbers; `path` names the member.
absl::StatusOr<const std::vector<double>*> GetNumbers(const DocNode& parent, absl::string_view key,
                                                      const std::string& path);
// An array of nodes (an empty array is accepted whatever its stored form).
absl::StatusOr<const std::vector<DocNode>*> GetArray(const DocNode& parent, absl::string_view key,
                                                     const std::string& path);

// Parses a decimal number written by XGBoost ("5E-1", "0.5", "3"), rejecting trailing junk.
absl::StatusOr<double> ParseNumberText(absl::string_view text, const std::string& path);

}  // namespace ferry::model::xgboost

#endif  // FERRY_MODEL_LOADERS_XGBOOST_DOCUMENT_H_
