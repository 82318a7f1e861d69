// Recursive-descent parser for feature expressions (grammar in expr_ast.h).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "absl/strings/str_cat.h"
#include "bundle/expr_ast.h"

namespace ferry::bundle {
namespace {

struct Token {
  enum class Kind { kEnd, kNumber, kString, kIdent, kQuotedIdent, kSymbol };
  Kind kind = Kind::kEnd;
  std::string text;  // identifier, symbol or decoded string
  Value number;
  int column = 1;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  absl::StatusOr<std::unique_ptr<Ast>> Run() {
    if (auto s = Advance(); !s.ok()) return s;
    auto e = Expr();
    if (!e.ok()) return e;
    if (tok_.kind != Token::Kind::kEnd) return Error(absl::StrCat("unexpected '", tok_.text, "'"));
    return e;
  }

 private:
  using Result = absl::StatusOr<std::unique_ptr<Ast>>;

  // Counts the parser's recursion (nested parentheses, calls, lists, unary minus) while alive.
  class DepthGuard {
   public:
    explicit DepthGuard(int* depth) : depth_(depth) { ++*depth_; }
    ~DepthGuard() { --*depth_; }
    bool too_deep() const { return *depth_ > kMaxExpressionDepth; }

   private:
    int* depth_;
  };

  absl::Status TooDeep() const {
    return Error(absl::StrCat("the expression nests more than ", kMaxExpressionDepth,
                              " levels deep; split it into several features"));
  }

  // Sets n's height from its operands; an error when the tree is too deep to evaluate.
  absl::Status Seal(Ast* n) const {
    n->height = 1;
    for (const auto& a : n->args) n->height = std::max(n->height, a->height + 1);
    return n->height > kMaxExpressionDepth ? TooDeep() : absl::OkStatus();
  }

  absl::Status Error(const std::string& what) const {
    return absl::InvalidArgumentError(absl::StrCat("column ", tok_.column, ": ", what));
  }

  bool IsSymbol(std::string_view s) const {
    return tok_.kind == Token::Kind::kSymbol && tok_.text == s;
  }

  absl::Status Advance() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    tok_ = Token();
    tok_.column = static_cast<int>(pos_) + 1;
    if (pos_ >= text_.size()) return absl::OkStatus();
    char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && pos_ + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
      return LexNumber();
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = pos_;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
        ++pos_;
      }
      tok_.kind = Token::Kind::kIdent;
      tok_.text = std::string(text_.substr(start, pos_ - start));
      return absl::OkStatus();
    }
    if (c == '"' || c == '\'') return LexString(c);
    if (c == '`') {
      size_t end = text_.find('`', pos_ + 1);
      if (end == std::string_view::npos) return Error("unterminated `name`");
      tok_.kind = Token::Kind::kQuotedIdent;
      tok_.text = std::string(text_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
      return absl::OkStatus();
    }
    static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">="};
    for (std::string_view two : kTwo) {
      if (text_.substr(pos_, 2) == two) {
        tok_.kind = Token::Kind::kSymbol;
        tok_.text = std::string(two);
        pos_ += 2;
        return absl::OkStatus();
      }
    }
    if (std::string_view("+-*/(),.[]<>").find(c) != std::string_view::npos) {
      tok_.kind = Token::Kind::kSymbol;
      tok_.text = std::string(1, c);
      ++pos_;
      return absl::OkStatus();
    }
    return Error(absl::StrCat("unexpected character '", std::string(1, c), "'"));
  }

  absl::Status LexNumber() {
    size_t start = pos_;
    bool is_float = false;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (std::isdigit(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '.' || c == 'e' || c == 'E') {
        is_float = true;
        ++pos_;
        if ((c == 'e' || c == 'E') && pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      } else {
        break;
      }
    }
    std::string_view s = text_.substr(start, pos_ - start);
    tok_.kind = Token::Kind::kNumber;
    tok_.text = std::string(s);
    if (!is_float) {
      int64_t i = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), i);
      if (r.ec == std::errc() && r.ptr == s.data() + s.size()) {
        tok_.number = Value::Int(i);
        return absl::OkStatus();
      }
    }
    double d = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
      return Error(absl::StrCat("'", std::string(s), "' is not a number"));
    }
    tok_.number = Value::Float(d);
    return absl::OkStatus();
  }

  absl::Status LexString(char quote) {
    std::string out;
    size_t i = pos_ + 1;
    for (; i < text_.size() && text_[i] != quote; ++i) {
      char c = text_[i];
      if (c == '\\' && i + 1 < text_.size()) {
        char n = text_[++i];
        out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
      } else {
        out += c;
      }
    }
    if (i >= text_.size()) return Error("unterminated string");
    pos_ = i + 1;
    tok_.kind = Token::Kind::kString;
    tok_.text = std::move(out);
    return absl::OkStatus();
  }

  static std::unique_ptr<Ast> Node(Ast::Kind kind, int column) {
    auto n = std::make_unique<Ast>();
    n->kind = kind;
    n->column = column;
    return n;
  }

  Result Expr() {
    DepthGuard guard(&depth_);
    if (guard.too_deep()) return TooDeep();
    auto left = Additive();
    if (!left.ok()) return left;
    for (std::string_view op : {"==", "!=", "<", "<=", ">", ">="}) {
      if (!IsSymbol(op)) continue;
      auto n = Node(Ast::Kind::kBinary, tok_.column);
      n->name = std::string(op);
      if (auto s = Advance(); !s.ok()) return s;
      auto right = Additive();
      if (!right.ok()) return right;
      n->args.push_back(std::move(*left));
      n->args.push_back(std::move(*right));
      if (auto s = Seal(n.get()); !s.ok()) return s;
      return n;
    }
    return left;
  }

  Result Additive() { return BinaryLevel(&Parser::Term, "+", "-"); }
  Result Term() { return BinaryLevel(&Parser::Unary, "*", "/"); }

  Result BinaryLevel(Result (Parser::*next)(), std::string_view a, std::string_view b) {
    auto left = (this->*next)();
    if (!left.ok()) return left;
    while (IsSymbol(a) || IsSymbol(b)) {
      auto n = Node(Ast::Kind::kBinary, tok_.column);
      n->name = tok_.text;
      if (auto s = Advance(); !s.ok()) return s;
      auto right = (this->*next)();
      if (!right.ok()) return right;
      n->args.push_back(std::move(*left));
      n->args.push_back(std::move(*right));
      if (auto s = Seal(n.get()); !s.ok()) return s;
      left = std::move(n);
    }
    return left;
  }

  Result Unary() {
    if (IsSymbol("-")) {
      DepthGuard guard(&depth_);
      if (guard.too_deep()) return TooDeep();
      auto n = Node(Ast::Kind::kNegate, tok_.column);
      if (auto s = Advance(); !s.ok()) return s;
      auto operand = Unary();
      if (!operand.ok()) return operand;
      n->args.push_back(std::move(*operand));
      if (auto s = Seal(n.get()); !s.ok()) return s;
      return n;
    }
    auto base = Primary();
    if (!base.ok()) return base;
    while (IsSymbol(".")) {
      auto n = Node(Ast::Kind::kMember, tok_.column);
      if (auto s = Advance(); !s.ok()) return s;
      if (tok_.kind != Token::Kind::kIdent && tok_.kind != Token::Kind::kQuotedIdent) {
        return Error("expected a column name after '.'");
      }
      n->name = tok_.text;
      n->args.push_back(std::move(*base));
      if (auto s = Seal(n.get()); !s.ok()) return s;
      if (auto s = Advance(); !s.ok()) return s;
      base = std::move(n);
    }
    return base;
  }

  // Items up to `close`, separated by commas; the opening symbol is already consumed.
  absl::Status Items(const char* close, const std::string& what, Ast* into) {
    if (IsSymbol(close)) return Advance();
    while (true) {
      auto item = Expr();
      if (!item.ok()) return item.status();
      into->args.push_back(std::move(*item));
      if (IsSymbol(close)) return Advance();
      if (!IsSymbol(",")) return Error(absl::StrCat("expected ',' or '", close, "' in ", what));
      if (auto s = Advance(); !s.ok()) return s;
    }
  }

  Result Primary() {
    int column = tok_.column;
    switch (tok_.kind) {
      case Token::Kind::kEnd:
        return Error("expected a value, found the end of the expression");
      case Token::Kind::kNumber:
      case Token::Kind::kString: {
        auto n = Node(Ast::Kind::kLiteral, column);
        n->literal = tok_.kind == Token::Kind::kNumber ? tok_.number : Value::String(tok_.text);
        if (auto s = Advance(); !s.ok()) return s;
        return n;
      }
      case Token::Kind::kQuotedIdent: {
        auto n = Node(Ast::Kind::kField, column);
        n->name = tok_.text;
        if (auto s = Advance(); !s.ok()) return s;
        return n;
      }
      case Token::Kind::kIdent: {
        std::string name = tok_.text;
        if (auto s = Advance(); !s.ok()) return s;
        if (IsSymbol("(")) {
          auto n = Node(Ast::Kind::kCall, column);
          n->name = name;
          if (auto s = Advance(); !s.ok()) return s;
          if (auto s = Items(")", absl::StrCat("the arguments of ", name), n.get()); !s.ok()) return s;
          if (auto s = Seal(n.get()); !s.ok()) return s;
          return n;
        }
        auto n = Node(Ast::Kind::kLiteral, column);
        if (name == "true" || name == "false") {
          n->literal = Value::Bool(name == "true");
        } else if (name == "null") {
          n->literal = Value::Null();
        } else if (name == "inf") {
          n->literal = Value::Float(std::numeric_limits<double>::infinity());
        } else {
          n->kind = Ast::Kind::kField;
          n->name = std::move(name);
        }
        return n;
      }
      case Token::Kind::kSymbol:
        break;
    }
    if (IsSymbol("(")) {
      if (auto s = Advance(); !s.ok()) return s;
      auto inner = Expr();
      if (!inner.ok()) return inner;
      if (!IsSymbol(")")) return Error("expected ')'");
      if (auto s = Advance(); !s.ok()) return s;
      return inner;
    }
    if (IsSymbol("[")) {
      auto n = Node(Ast::Kind::kList, column);
      if (auto s = Advance(); !s.ok()) return s;
      if (auto s = Items("]", "a list", n.get()); !s.ok()) return s;
      if (auto s = Seal(n.get()); !s.ok()) return s;
      return n;
    }
    return Error(absl::StrCat("unexpected '", tok_.text, "'"));
  }

  std::string_view text_;
  size_t pos_ = 0;
  Token tok_;
  int depth_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Ast>> ParseExpression(std::string_view text) {
  return Parser(text).Run();
}

}  // namespace ferry::bundle
