// Type-checks an expression's syntax tree and builds its compiled node tree.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bundle/expr.h"
#include "bundle/expr_ast.h"
#include "bundle/expr_nodes.h"
#include "bundle/lookup_table.h"

namespace ferry::bundle {
namespace {

using nodes::NodePtr;
using Result = absl::StatusOr<NodePtr>;

absl::Status At(const Ast& a, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("column ", a.column, ": ", what));
}

std::string Describe(const Ast& a, Type t) {
  if (a.kind == Ast::Kind::kField) return absl::StrCat(TypeName(t), " (", a.name, ")");
  return std::string(TypeName(t));
}

bool Comparable(Type a, Type b) {
  if (IsNumeric(a) && IsNumeric(b)) return true;
  return a == b && a != Type::kNull;
}

// Common type of coalesce/if branches, or nullopt when they do not mix.
std::optional<Type> Unify(Type a, Type b) {
  if (a == Type::kNull) return b;
  if (b == Type::kNull || a == b) return a;
  if (IsNumeric(a) && IsNumeric(b)) return nodes::NumericResult(a, b);
  return std::nullopt;
}

class Compiler {
 public:
  explicit Compiler(const CompileEnv& env) : env_(env) {}

  Result Compile(const Ast& a) {
    switch (a.kind) {
      case Ast::Kind::kLiteral:
        return nodes::Literal(a.literal);
      case Ast::Kind::kField:
        return CompileField(a);
      case Ast::Kind::kNegate: {
        auto x = Compile(*a.args[0]);
        if (!x.ok()) return x;
        if (!IsNumeric((*x)->type())) {
          return At(a, absl::StrCat("'-' needs a number, got ", Describe(*a.args[0], (*x)->type())));
        }
        return nodes::Negate(std::move(*x));
      }
      case Ast::Kind::kBinary:
        return CompileBinary(a);
      case Ast::Kind::kMember:
        if (a.args[0]->kind != Ast::Kind::kCall || a.args[0]->name != "lookup") {
          return At(a, absl::StrCat("'.", a.name, "' can only follow lookup(...)"));
        }
        return CompileLookup(*a.args[0], a.name);
      case Ast::Kind::kCall:
        return CompileCall(a);
      case Ast::Kind::kList:
        return At(a, "a list [...] is only allowed as the splits of bucketize");
    }
    return At(a, "unknown expression");
  }

 private:
  Result CompileField(const Ast& a) {
    for (size_t i = 0; i < env_.inputs.size(); ++i) {
      if (env_.inputs[i].first == a.name) return nodes::Field(i, env_.inputs[i].second);
    }
    std::vector<std::string> names;
    for (const auto& in : env_.inputs) names.push_back(in.first);
    return At(a, absl::StrCat("unknown field '", a.name, "' (declared inputs: ",
                              absl::StrJoin(names, ", "), ")"));
  }

  Result CompileBinary(const Ast& a) {
    auto x = Compile(*a.args[0]);
    if (!x.ok()) return x;
    auto y = Compile(*a.args[1]);
    if (!y.ok()) return y;
    Type tx = (*x)->type(), ty = (*y)->type();
    std::string got = absl::StrCat(Describe(*a.args[0], tx), " and ", Describe(*a.args[1], ty));
    const std::string& op = a.name;
    if (op == "+" && tx == Type::kString && ty == Type::kString) {
      std::vector<NodePtr> parts;
      parts.push_back(std::move(*x));
      parts.push_back(std::move(*y));
      return nodes::Concat(std::move(parts));
    }
    if (op == "+" || op == "-" || op == "*" || op == "/") {
      if (!IsNumeric(tx) || !IsNumeric(ty)) {
        return At(a, absl::StrCat("'", op, "' needs two numbers", op == "+" ? " or two strings" : "",
                                  ", got ", got));
      }
      return nodes::Arith(op[0], std::move(*x), std::move(*y));
    }
    if (!Comparable(tx, ty)) return At(a, absl::StrCat("cannot compare ", got));
    return nodes::Compare(op, std::move(*x), std::move(*y));
  }

  absl::StatusOr<std::vector<NodePtr>> Args(const Ast& a, size_t from, size_t to) {
    std::vector<NodePtr> out;
    for (size_t i = from; i < to; ++i) {
      auto x = Compile(*a.args[i]);
      if (!x.ok()) return x.status();
      out.push_back(std::move(*x));
    }
    return out;
  }

  absl::Status Arity(const Ast& a, size_t min, size_t max, const std::string& usage) {
    if (a.args.size() < min || a.args.size() > max) {
      return At(a, absl::StrCat(a.name, " takes ", usage, ", got ", a.args.size(), " argument",
                                a.args.size() == 1 ? "" : "s"));
    }
    return absl::OkStatus();
  }

  Result CompileLookup(const Ast& a, std::string column_name) {
    if (a.args.empty() || a.args[0]->kind != Ast::Kind::kField) {
      return At(a, "lookup takes a table name first: lookup(table, key1, ...)");
    }
    const std::string& table_name = a.args[0]->name;
    auto it = std::find_if(env_.lookups.begin(), env_.lookups.end(),
                           [&](const LookupTable* t) { return t->name() == table_name; });
    if (it == env_.lookups.end()) {
      std::vector<std::string> names;
      for (const LookupTable* t : env_.lookups) names.push_back(t->name());
      return At(*a.args[0], absl::StrCat("unknown lookup table '", table_name, "' (tables: ",
                                         names.empty() ? "none" : absl::StrJoin(names, ", "), ")"));
    }
    const LookupTable& table = **it;
    size_t num_keys = table.spec().key.size();
    size_t key_end = a.args.size();
    if (column_name.empty() && a.args.size() == num_keys + 2 &&
        a.args.back()->kind == Ast::Kind::kLiteral && a.args.back()->literal.is_string()) {
      column_name = a.args.back()->literal.as_string();
      key_end = a.args.size() - 1;
    }
    if (key_end - 1 != num_keys) {
      return At(a, absl::StrCat("lookup ", table_name, " has ", num_keys, " key column",
                                num_keys == 1 ? "" : "s", " (", absl::StrJoin(table.spec().key, ", "),
                                "), got ", key_end - 1, " key value", key_end == 2 ? "" : "s"));
    }
    std::string columns = absl::StrJoin(table.column_names(), ", ");
    if (column_name.empty()) {
      if (table.column_names().size() != 1) {
        return At(a, absl::StrCat("lookup ", table_name, " has several columns (", columns,
                                  "): pick one with lookup(...).Column"));
      }
      column_name = table.column_names()[0];
    }
    int column = table.FindColumn(column_name);
    if (column < 0) {
      return At(a, absl::StrCat("lookup ", table_name, " has no column '", column_name,
                                "' (columns: ", columns, ")"));
    }
    auto keys = Args(a, 1, key_end);
    if (!keys.ok()) return keys.status();
    return nodes::Lookup(&table, std::move(*keys), static_cast<size_t>(column));
  }

  Result CompileCall(const Ast& a) {
    const std::string& f = a.name;
    if (f == "lookup") return CompileLookup(a, "");
    if (f == "bucketize") return CompileBucketize(a);
    size_t n = a.args.size();
    auto args = Args(a, 0, n);
    if (!args.ok()) return args.status();
    std::vector<NodePtr>& v = *args;
    auto type_error = [&](size_t i, const std::string& need) {
      return At(*a.args[i], absl::StrCat(f, " needs ", need, ", got ", Describe(*a.args[i], v[i]->type())));
    };
    if (f == "concat") {
      if (auto s = Arity(a, 1, 1000, "one or more values"); !s.ok()) return s;
      return nodes::Concat(std::move(v));
    }
    static const std::pair<std::string_view, nodes::DatePart> kParts[] = {
        {"year", nodes::DatePart::kYear},          {"month", nodes::DatePart::kMonth},
        {"day_of_month", nodes::DatePart::kDayOfMonth}, {"day_of_week", nodes::DatePart::kDayOfWeek},
        {"day_of_year", nodes::DatePart::kDayOfYear},   {"hour", nodes::DatePart::kHour},
        {"minute", nodes::DatePart::kMinute},      {"second", nodes::DatePart::kSecond}};
    for (const auto& [name, part] : kParts) {
      if (f != name) continue;
      if (auto s = Arity(a, 1, 1, "one date or timestamp"); !s.ok()) return s;
      bool time_part = part == nodes::DatePart::kHour || part == nodes::DatePart::kMinute ||
                       part == nodes::DatePart::kSecond;
      Type t = v[0]->type();
      if (t != Type::kTimestamp && (time_part || t != Type::kDate)) {
        return type_error(0, time_part ? "a timestamp" : "a date or timestamp");
      }
      return nodes::DatePartOf(part, std::move(v[0]));
    }
    static const std::pair<std::string_view, nodes::MathFn> kMath[] = {
        {"log", nodes::MathFn::kLog},   {"log10", nodes::MathFn::kLog10}, {"exp", nodes::MathFn::kExp},
        {"sqrt", nodes::MathFn::kSqrt}, {"abs", nodes::MathFn::kAbs},     {"floor", nodes::MathFn::kFloor},
        {"ceil", nodes::MathFn::kCeil}, {"round", nodes::MathFn::kRound}};
    for (const auto& [name, fn] : kMath) {
      if (f != name) continue;
      bool is_round = fn == nodes::MathFn::kRound;
      if (auto s = Arity(a, 1, is_round ? 2 : 1, is_round ? "a number and optional digits" : "one number");
          !s.ok()) {
        return s;
      }
      if (!IsNumeric(v[0]->type())) return type_error(0, "a number");
      if (n == 2) {
        const Ast& d = *a.args[1];
        if (d.kind != Ast::Kind::kLiteral || d.literal.kind() != Value::Kind::kInt) {
          return At(d, "round's digits must be an integer literal, e.g. round(x, 2)");
        }
        return nodes::RoundTo(std::move(v[0]), static_cast<int>(d.literal.as_int()));
      }
      return nodes::Math(fn, std::move(v[0]));
    }
    if (f == "min" || f == "max") {
      if (auto s = Arity(a, 1, 1000, "one or more numbers"); !s.ok()) return s;
      for (size_t i = 0; i < n; ++i) {
        if (!IsNumeric(v[i]->type())) return type_error(i, "numbers");
      }
      return nodes::MinMax(f == "max", std::move(v));
    }
    if (f == "coalesce") {
      if (auto s = Arity(a, 1, 1000, "one or more values"); !s.ok()) return s;
      Type t = Type::kNull;
      for (size_t i = 0; i < n; ++i) {
        auto u = Unify(t, v[i]->type());
        if (!u) {
          return At(*a.args[i], absl::StrCat("coalesce mixes ", TypeName(t), " and ",
                                             Describe(*a.args[i], v[i]->type()),
                                             "; convert with int(), float() or string()"));
        }
        t = *u;
      }
      return nodes::Coalesce(std::move(v), t);
    }
    if (f == "if") {
      if (auto s = Arity(a, 3, 3, "a condition and two values"); !s.ok()) return s;
      if (v[0]->type() != Type::kBool) return type_error(0, "a bool condition");
      auto u = Unify(v[1]->type(), v[2]->type());
      if (!u) return At(a, absl::StrCat("if's branches mix ", TypeName(v[1]->type()), " and ", TypeName(v[2]->type())));
      return nodes::If(std::move(v[0]), std::move(v[1]), std::move(v[2]), *u);
    }
    if (f == "int" || f == "float" || f == "string" || f == "date") {
      if (auto s = Arity(a, 1, 1, "one value"); !s.ok()) return s;
      Type from = v[0]->type();
      if (f == "int" && !IsNumeric(from) && from != Type::kString) return type_error(0, "a number or string");
      if (f == "float" && !IsNumeric(from) && from != Type::kString) return type_error(0, "a number or string");
      if (f == "date" && from != Type::kString && from != Type::kDate && from != Type::kTimestamp) {
        return type_error(0, "a string, date or timestamp");
      }
      Type to = f == "int" ? Type::kInt : f == "float" ? Type::kFloat : f == "string" ? Type::kString : Type::kDate;
      return nodes::Cast(std::move(v[0]), to);
    }
    if (f == "lower" || f == "upper" || f == "strip") {
      if (auto s = Arity(a, 1, 1, "one string"); !s.ok()) return s;
      if (v[0]->type() != Type::kString) return type_error(0, "a string");
      auto fn = f == "lower" ? nodes::StringFn::kLower : f == "upper" ? nodes::StringFn::kUpper : nodes::StringFn::kStrip;
      return nodes::StringMap(fn, std::move(v[0]));
    }
    return At(a, absl::StrCat("unknown function '", f, "' (functions: ",
                              absl::StrJoin(FunctionNames(), ", "), ")"));
  }

  Result CompileBucketize(const Ast& a) {
    if (a.args.size() != 2 || a.args[1]->kind != Ast::Kind::kList) {
      return At(a, "bucketize takes a number and a list of splits: bucketize(x, [-inf, 0, 10, inf])");
    }
    std::vector<double> splits;
    for (const auto& item : a.args[1]->args) {
      const Ast* lit = item.get();
      double sign = 1;
      if (lit->kind == Ast::Kind::kNegate) {
        sign = -1;
        lit = lit->args[0].get();
      }
      if (lit->kind != Ast::Kind::kLiteral || !lit->literal.is_number()) {
        return At(*item, "bucketize splits must be number literals (or inf, -inf)");
      }
      splits.push_back(sign * *lit->literal.ToDouble());
      if (splits.size() > 1 && !(splits[splits.size() - 2] < splits.back())) {
        return At(*item, "bucketize splits must be strictly increasing");
      }
    }
    if (splits.size() < 2) return At(*a.args[1], "bucketize needs at least two splits");
    auto x = Compile(*a.args[0]);
    if (!x.ok()) return x;
    if (!IsNumeric((*x)->type())) {
      return At(*a.args[0], absl::StrCat("bucketize needs a number, got ", Describe(*a.args[0], (*x)->type())));
    }
    return nodes::Bucketize(std::move(*x), std::move(splits));
  }

  const CompileEnv& env_;
};

}  // namespace

const std::vector<std::string>& FunctionNames() {
  static const std::vector<std::string> kNames = {
      "abs", "bucketize", "ceil", "coalesce", "concat", "date", "day_of_month", "day_of_week",
      "day_of_year", "exp", "float", "floor", "hour", "if", "int", "log", "log10", "lookup",
      "lower", "max", "min", "minute", "month", "round", "second", "sqrt", "string", "strip",
      "upper", "year"};
  return kNames;
}

absl::StatusOr<std::unique_ptr<const ExprNode>> CompileExpression(std::string_view text,
                                                                  const CompileEnv& env) {
  auto ast = ParseExpression(text);
  if (!ast.ok()) return ast.status();
  return Compiler(env).Compile(**ast);
}

}  // namespace ferry::bundle
