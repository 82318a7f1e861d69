// The feature expression language: syntax tree and parser. Grammar (lowest precedence first):
//   expr       := comparison
//   comparison := additive [("==" | "!=" | "<" | "<=" | ">" | ">=") additive]
//   additive   := term {("+" | "-") term}
//   term       := unary {("*" | "/") unary}
//   unary      := "-" unary | postfix
//   postfix    := primary ["." IDENT]                 (a column of a lookup(...) result)
//   primary    := NUMBER | STRING | true | false | null | inf | IDENT | `any name`
//               | IDENT "(" [expr {"," expr}] ")" | "(" expr ")" | "[" [expr {"," expr}] "]"
// Strings use double or single quotes with backslash escapes. Parsing happens once, at load.
// Trees nest at most kMaxExpressionDepth levels.
#ifndef FERRY_BUNDLE_EXPR_AST_H_
#define FERRY_BUNDLE_EXPR_AST_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/value.h"

namespace ferry::bundle {

struct Ast {
  enum class Kind { kLiteral, kField, kCall, kBinary, kNegate, kMember, kList };
  Kind kind = Kind::kLiteral;
  int column = 1;     // 1-based column of the node's first character in the expression
  Value literal;      // kLiteral
  std::string name;   // kField: field; kCall: function; kBinary: operator; kMember: column
  std::vector<std::unique_ptr<Ast>> args;  // operands, call arguments, list items, member base
  int height = 1;     // levels of nodes from this one down to its deepest leaf
};

// How deep an expression may nest (parentheses, calls, operators in a chain); compiling and
// evaluating recurse over the tree, so the parser refuses deeper ones with an error.
inline constexpr int kMaxExpressionDepth = 200;

// Parses one expression. Errors read "column 12: expected ')' after the arguments of concat".
absl::StatusOr<std::unique_ptr<Ast>> ParseExpression(std::string_view text);

}  // namespace ferry::bundle

#endif  // FERRY_BUNDLE_EXPR_AST_H_
