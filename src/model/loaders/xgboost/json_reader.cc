#include "model/loaders/xgboost/json_reader.h"

#include <simdjson.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"

namespace ferry::model::xgboost {
namespace {

absl::Status JsonError(absl::string_view what, simdjson::error_code code) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid JSON (", what, "): ", simdjson::error_message(code)));
}

// XGBoost writes non-finite floats as the bare words NaN, Infinity and -Infinity (categorical
// splits have NaN split_conditions), which JSON does not allow. Outside string literals they are
// replaced by these strings, which the conversion below reads back as numbers.
constexpr std::string_view kNaNText = "\\u0000NaN";
constexpr std::string_view kInfinityText = "\\u0000Infinity";
constexpr std::string_view kMinusInfinityText = "\\u0000-Infinity";

bool MayHaveNonFiniteWords(std::string_view bytes) {
  return bytes.find("NaN") != std::string_view::npos ||
         bytes.find("Infinity") != std::string_view::npos;
}

std::string ReplaceNonFiniteWords(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 64);
  bool in_string = false;
  for (size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < bytes.size()) {
        out.push_back(bytes[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    std::string_view rest = bytes.substr(i);
    if (rest.starts_with("NaN")) {
      out.append("\"").append(kNaNText).append("\"");
      i += 2;
    } else if (rest.starts_with("Infinity")) {
      out.append("\"").append(kInfinityText).append("\"");
      i += 7;
    } else if (rest.starts_with("-Infinity")) {
      out.append("\"").append(kMinusInfinityText).append("\"");
      i += 8;
    } else {
      if (c == '"') in_string = true;
      out.push_back(c);
    }
  }
  return out;
}

// The value of a string that stands for a non-finite number, if it is one.
std::optional<double> NonFiniteValue(std::string_view text) {
  if (text.size() < 2 || text[0] != '\0') return std::nullopt;
  if (text == std::string_view("\0NaN", 4)) return std::numeric_limits<double>::quiet_NaN();
  if (text == std::string_view("\0Infinity", 9)) return std::numeric_limits<double>::infinity();
  if (text == std::string_view("\0-Infinity", 10)) return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

bool IsNumber(simdjson::dom::element item) {
  switch (item.type()) {
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
    case simdjson::dom::element_type::BOOL:
      return true;
    case simdjson::dom::element_type::STRING:
      return NonFiniteValue(std::string_view(item)).has_value();
    default:
      return false;
  }
}

// True when every element is a number or a boolean, so the array can be stored compactly.
bool IsNumericArray(simdjson::dom::array array) {
  for (simdjson::dom::element item : array) {
    if (!IsNumber(item)) return false;
  }
  return true;
}

double NumericValue(simdjson::dom::element item) {
  switch (item.type()) {
    case simdjson::dom::element_type::STRING:
      return *NonFiniteValue(std::string_view(item));
    case simdjson::dom::element_type::INT64:
      return static_cast<double>(int64_t(item));
    case simdjson::dom::element_type::UINT64:
      return static_cast<double>(uint64_t(item));
    case simdjson::dom::element_type::BOOL:
      return bool(item) ? 1.0 : 0.0;
    default:
      return double(item);
  }
}

absl::Status Convert(simdjson::dom::element element, int depth, DocNode* out) {
  if (depth > kMaxDocumentDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON nested deeper than ", kMaxDocumentDepth, " levels"));
  }
  switch (element.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      out->kind = DocNode::Kind::kNull;
      return absl::OkStatus();
    case simdjson::dom::element_type::BOOL:
      out->kind = DocNode::Kind::kBool;
      out->boolean = bool(element);
      return absl::OkStatus();
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
      out->kind = DocNode::Kind::kNumber;
      out->number = NumericValue(element);
      return absl::OkStatus();
    case simdjson::dom::element_type::STRING:
      if (IsNumber(element)) {
        out->kind = DocNode::Kind::kNumber;
        out->number = NumericValue(element);
        return absl::OkStatus();
      }
      out->kind = DocNode::Kind::kString;
      out->text = std::string(std::string_view(element));
      return absl::OkStatus();
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array array = element;
      if (IsNumericArray(array)) {
        out->kind = DocNode::Kind::kNumbers;
        out->numbers.reserve(array.size());
        for (simdjson::dom::element item : array) out->numbers.push_back(NumericValue(item));
        return absl::OkStatus();
      }
      out->kind = DocNode::Kind::kArray;
      out->items.reserve(array.size());
      for (simdjson::dom::element item : array) {
        out->items.emplace_back();
        if (auto s = Convert(item, depth + 1, &out->items.back()); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    case simdjson::dom::element_type::OBJECT: {
      out->kind = DocNode::Kind::kObject;
      simdjson::dom::object object = element;
      for (simdjson::dom::key_value_pair field : object) {
        out->keys.emplace_back(field.key);
        out->values.emplace_back();
        if (auto s = Convert(field.value, depth + 1, &out->values.back()); !s.ok()) {
          return s;
        }
      }
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError("invalid JSON: unknown element type");
}

}  // namespace

absl::StatusOr<DocNode> ReadJsonDocument(std::string_view bytes) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded = MayHaveNonFiniteWords(bytes)
                                       ? simdjson::padded_string(ReplaceNonFiniteWords(bytes))
                                       : simdjson::padded_string(bytes);
  simdjson::dom::element root;
  if (auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    return JsonError("parsing the model file", error);
  }
  DocNode doc;
  if (auto s = Convert(root, 0, &doc); !s.ok()) return s;
  return doc;
}

}  // namespace ferry::model::xgboost
