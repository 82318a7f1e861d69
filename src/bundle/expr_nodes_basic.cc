// Operators, concat, coalesce, if, casts and string functions over typed columns.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "bundle/dates.h"
#include "bundle/expr_nodes.h"

namespace ferry::bundle::nodes {
namespace {

// Rows to compute: one when every operand is scalar, else the batch.
size_t OutRows(const EvalContext& ctx, const std::vector<const ColumnData*>& cols, bool* scalar) {
  *scalar = std::all_of(cols.begin(), cols.end(), [](const ColumnData* c) { return c->scalar; });
  return *scalar ? 1 : ctx.num_rows;
}

ColumnData Output(Type type, size_t n, bool scalar) {
  ColumnData out = ColumnData::Make(type, n);
  out.scalar = scalar;
  return out;
}

class LiteralNode : public ExprNode {
 public:
  explicit LiteralNode(ColumnData c) : ExprNode(c.type), c_(std::move(c)) {}
  ColumnData Eval(EvalContext&) const override { return c_; }

 private:
  ColumnData c_;
};

class FieldNode : public ExprNode {
 public:
  FieldNode(size_t index, Type type) : ExprNode(type), index_(index) {}
  ColumnData Eval(EvalContext& ctx) const override { return (*ctx.inputs)[index_]; }

 private:
  size_t index_;
};

class ArithNode : public ExprNode {
 public:
  ArithNode(char op, NodePtr a, NodePtr b)
      : ExprNode(op == '/' ? Type::kFloat : NumericResult(a->type(), b->type())),
        op_(op), a_(std::move(a)), b_(std::move(b)) {}

  ColumnData Eval(EvalContext& ctx) const override {
    ColumnData a = a_->Eval(ctx), b = b_->Eval(ctx);
    bool scalar;
    size_t n = OutRows(ctx, {&a, &b}, &scalar);
    ColumnData out = Output(type(), n, scalar);
    for (size_t r = 0; r < n; ++r) {
      if (!a.is_valid(r) || !b.is_valid(r)) continue;
      if (type() == Type::kInt) {
        int64_t x = a.ints[a.at(r)], y = b.ints[b.at(r)], z = 0;
        bool overflow = op_ == '+'   ? __builtin_add_overflow(x, y, &z)
                        : op_ == '-' ? __builtin_sub_overflow(x, y, &z)
                                     : __builtin_mul_overflow(x, y, &z);
        if (overflow) {
          ctx.Fail(out, r, absl::StrCat("integer overflow in ", x, " ", std::string(1, op_), " ", y));
          continue;
        }
        out.ints[r] = z;
      } else {
        double x = a.number(r), y = b.number(r);
        if (op_ == '/' && y == 0) {
          ctx.Fail(out, r, absl::StrCat("division by zero (", FormatDouble(x), " / 0)"));
          continue;
        }
        out.floats[r] = op_ == '+' ? x + y : op_ == '-' ? x - y : op_ == '*' ? x * y : x / y;
      }
      out.valid[r] = 1;
    }
    return out;
  }

 private:
  char op_;
  NodePtr a_, b_;
};

class NegateNode : public ExprNode {
 public:
  explicit NegateNode(NodePtr a)
      : ExprNode(a->type() == Type::kFloat ? Type::kFloat : Type::kInt), a_(std::move(a)) {}
  ColumnData Eval(EvalContext& ctx) const override {
    ColumnData a = a_->Eval(ctx);
    ColumnData out = Output(type(), a.valid.size(), a.scalar);
    for (size_t r = 0; r < out.valid.size(); ++r) {
      out.valid[r] = a.valid[r];
      if (!a.valid[r]) continue;
      if (type() == Type::kFloat) {
        out.floats[r] = -a.floats[r];
      } else {
        out.ints[r] = static_cast<int64_t>(0ULL - static_cast<uint64_t>(a.ints[r]));
      }
    }
    return out;
  }

 private:
  NodePtr a_;
};

class CompareNode : public ExprNode {
 public:
  CompareNode(std::string op, NodePtr a, NodePtr b)
      : ExprNode(Type::kBool), op_(std::move(op)), a_(std::move(a)), b_(std::move(b)) {}
  ColumnData Eval(EvalContext& ctx) const override {
    ColumnData a = a_->Eval(ctx), b = b_->Eval(ctx);
    bool scalar;
    size_t n = OutRows(ctx, {&a, &b}, &scalar);
    ColumnData out = Output(Type::kBool, n, scalar);
    for (size_t r = 0; r < n; ++r) {
      if (!a.is_valid(r) || !b.is_valid(r)) continue;
      int c;  // -1, 0, 1
      if (a.type == Type::kString) {
        int k = a.strings[a.at(r)].compare(b.strings[b.at(r)]);
        c = k < 0 ? -1 : k > 0;
      } else if (IsNumeric(a.type)) {
        double x = a.number(r), y = b.number(r);
        c = x < y ? -1 : x > y;
      } else {
        int64_t x = a.ints[a.at(r)], y = b.ints[b.at(r)];
        c = x < y ? -1 : x > y;
      }
      bool v = op_ == "==" ? c == 0 : op_ == "!=" ? c != 0 : op_ == "<" ? c < 0
               : op_ == "<=" ? c <= 0 : op_ == ">" ? c > 0 : c >= 0;
      out.ints[r] = v;
      out.valid[r] = 1;
    }
    return out;
  }

 private:
  std::string op_;
  NodePtr a_, b_;
};

class ConcatNode : public ExprNode {
 public:
  explicit ConcatNode(std::vector<NodePtr> args) : ExprNode(Type::kString), args_(std::move(args)) {}
  ColumnData Eval(EvalContext& ctx) const override {
    std::vector<ColumnData> cols;
    std::vector<const ColumnData*> ptrs;
    cols.reserve(args_.size());
    for (const auto& a : args_) cols.push_back(a->Eval(ctx));
    for (const auto& c : cols) ptrs.push_back(&c);
    bool scalar;
    size_t n = OutRows(ctx, ptrs, &scalar);
    ColumnData out = Output(Type::kString, n, scalar);
    for (size_t r = 0; r < n; ++r) {
      bool ok = std::all_of(cols.begin(), cols.end(), [r](const ColumnData& c) { return c.is_valid(r); });
      if (!ok) continue;
      std::string& s = out.strings[r];
      for (const ColumnData& c : cols) {
        if (c.type == Type::kString) {
          s += c.strings[c.at(r)];
        } else {
          s += c.ToText(r);
        }
      }
      out.valid[r] = 1;
    }
    return out;
  }

 private:
  std::vector<NodePtr> args_;
};

class CoalesceNode : public ExprNode {
 public:
  CoalesceNode(std::vector<NodePtr> args, Type t) : ExprNode(t), args_(std::move(args)) {}
  ColumnData Eval(EvalContext& ctx) const override {
    ColumnData out = Widen(args_[0]->Eval(ctx), type());
    for (size_t i = 1; i < args_.size(); ++i) {
      if (std::all_of(out.valid.begin(), out.valid.end(), [](uint8_t v) { return v != 0; })) break;
      ColumnData next = Widen(args_[i]->Eval(ctx), type());
      if (out.scalar && !next.scalar) out = Spread(out, ctx.num_rows);
      for (size_t r = 0; r < out.valid.size(); ++r) {
        if (out.valid[r] || !next.is_valid(r)) continue;
        size_t j = next.at(r);
        out.valid[r] = 1;
        if (type() == Type::kFloat) out.floats[r] = next.floats[j];
        else if (type() == Type::kString) out.strings[r] = next.strings[j];
        else out.ints[r] = next.ints[j];
      }
    }
    return out;
  }

  static ColumnData Spread(const ColumnData& c, size_t n) {
    ColumnData out = ColumnData::Make(c.type, n);
    for (size_t r = 0; r < n; ++r) {
      out.valid[r] = c.valid[0];
      if (c.type == Type::kFloat) out.floats[r] = c.floats[0];
      else if (c.type == Type::kString) out.strings[r] = c.strings[0];
      else if (c.type != Type::kNull) out.ints[r] = c.ints[0];
    }
    return out;
  }

 private:
  std::vector<NodePtr> args_;
};

class IfNode : public ExprNode {
 public:
  IfNode(NodePtr c, NodePtr a, NodePtr b, Type t)
      : ExprNode(t), c_(std::move(c)), a_(std::move(a)), b_(std::move(b)) {}
  ColumnData Eval(EvalContext& ctx) const override {
    ColumnData c = c_->Eval(ctx);
    ColumnData a = Widen(a_->Eval(ctx), type()), b = Widen(b_->Eval(ctx), type());
    bool scalar;
    size_t n = OutRows(ctx, {&c, &a, &b}, &scalar);
    ColumnData out = Output(type(), n, scalar);
    for (size_t r = 0; r < n; ++r) {
      if (!c.is_valid(r)) continue;
      const ColumnData& src = c.ints[c.at(r)] ? a : b;
      if (!src.is_valid(r)) continue;
      size_t j = src.at(r);
      out.valid[r] = 1;
      if (type() == Type::kFloat) out.floats[r] = src.floats[j];
      else if (type() == Type::kString) out.strings[r] = src.strings[j];
      else if (type() != Type::kNull) out.ints[r] = src.ints[j];
    }
    return out;
  }

 private:
  NodePtr c_, a_, b_;
};

class CastNode : public ExprNode {
 public:
  CastNode(NodePtr a, Type to) : ExprNode(to), a_(std::move(a)) {}
  ColumnData Eval(EvalContext& ctx) const override {
    ColumnData a = a_->Eval(ctx);
    ColumnData out = Output(type(), a.valid.size(), a.scalar);
    for (size_t r = 0; r < out.valid.size(); ++r) {
      if (!a.valid[r]) continue;
      if (Convert(a, r, &out, ctx)) out.valid[r] = 1;
    }
    return out;
  }

 private:
  bool Convert(const ColumnData& a, size_t r, ColumnData* out, EvalContext& ctx) const {
    const char* what = TypeName(type());
    auto fail = [&](const char* why) {
      ctx.Fail(*out, r, absl::StrCat(what, "(", a.type == Type::kString ? "'" : "", a.ToText(r),
                                     a.type == Type::kString ? "'" : "", "): ", why));
      return false;
    };
    switch (type()) {
      case Type::kString:
        out->strings[r] = a.ToText(r);
        return true;
      case Type::kFloat:
        if (a.type == Type::kString) {
          absl::string_view s = absl::StripAsciiWhitespace(a.strings[r]);
          double d;
          auto res = std::from_chars(s.data(), s.data() + s.size(), d);
          if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) {
            return fail("not a number");
          }
          out->floats[r] = d;
        } else {
          out->floats[r] = a.number(r);
        }
        return true;
      case Type::kInt:
        if (a.type == Type::kString) {
          absl::string_view s = absl::StripAsciiWhitespace(a.strings[r]);
          int64_t i;
          auto res = std::from_chars(s.data(), s.data() + s.size(), i);
          if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) {
            return fail("not an integer");
          }
          out->ints[r] = i;
        } else if (a.type == Type::kFloat) {
          double d = std::trunc(a.floats[r]);
          if (!(d >= -9.2e18 && d <= 9.2e18)) return fail("out of the integer range");
          out->ints[r] = static_cast<int64_t>(d);
        } else {
          out->ints[r] = a.ints[r];
        }
        return true;
      case Type::kDate:
        if (a.type == Type::kTimestamp) {
          out->ints[r] = DaysOfTimestamp(a.ints[r]);
        } else if (a.type == Type::kDate) {
          out->ints[r] = a.ints[r];
        } else {
          auto d = ParseDate(a.strings[r]);
          if (!d) return fail("not a date (YYYY-MM-DD)");
          out->ints[r] = *d;
        }
        return true;
      default:
        return false;
    }
  }

  NodePtr a_;
};

class StringMapNode : public ExprNode {
 public:
  StringMapNode(StringFn f, NodePtr a) : ExprNode(Type::kString), f_(f), a_(std::move(a)) {}
  ColumnData Eval(EvalContext& ctx) const override {
    ColumnData out = a_->Eval(ctx);
    for (size_t r = 0; r < out.valid.size(); ++r) {
      if (!out.valid[r]) continue;
      std::string& s = out.strings[r];
      if (f_ == StringFn::kLower) absl::AsciiStrToLower(&s);
      else if (f_ == StringFn::kUpper) absl::AsciiStrToUpper(&s);
      else absl::StripAsciiWhitespace(&s);
    }
    return out;
  }

 private:
  StringFn f_;
  NodePtr a_;
};

}  // namespace

Type NumericResult(Type a, Type b) {
  return (a == Type::kFloat || b == Type::kFloat) ? Type::kFloat : Type::kInt;
}

ColumnData Widen(ColumnData c, Type to) {
  if (c.type == to) return c;
  ColumnData out = ColumnData::Make(to, c.valid.size());
  out.scalar = c.scalar;
  if (c.type == Type::kNull) return out;
  out.valid = c.valid;
  if (to == Type::kFloat) {
    for (size_t r = 0; r < c.valid.size(); ++r) out.floats[r] = c.valid[r] ? c.number(r) : 0.0;
  } else {
    out.ints = std::move(c.ints);  // bool -> int
  }
  return out;
}

NodePtr Literal(const Value& v) {
  Type t = v.kind() == Value::Kind::kBool    ? Type::kBool
           : v.kind() == Value::Kind::kInt   ? Type::kInt
           : v.kind() == Value::Kind::kFloat ? Type::kFloat
           : v.is_string()                   ? Type::kString
                                             : Type::kNull;
  return std::make_unique<LiteralNode>(ColumnData::Scalar(v, t));
}
NodePtr Field(size_t index, Type type) { return std::make_unique<FieldNode>(index, type); }
NodePtr Arith(char op, NodePtr a, NodePtr b) {
  return std::make_unique<ArithNode>(op, std::move(a), std::move(b));
}
NodePtr Negate(NodePtr a) { return std::make_unique<NegateNode>(std::move(a)); }
NodePtr Compare(const std::string& op, NodePtr a, NodePtr b) {
  return std::make_unique<CompareNode>(op, std::move(a), std::move(b));
}
NodePtr Concat(std::vector<NodePtr> args) { return std::make_unique<ConcatNode>(std::move(args)); }
NodePtr Coalesce(std::vector<NodePtr> args, Type result) {
  return std::make_unique<CoalesceNode>(std::move(args), result);
}
NodePtr If(NodePtr c, NodePtr a, NodePtr b, Type result) {
  return std::make_unique<IfNode>(std::move(c), std::move(a), std::move(b), result);
}
NodePtr Cast(NodePtr a, Type to) { return std::make_unique<CastNode>(std::move(a), to); }
NodePtr StringMap(StringFn f, NodePtr a) { return std::make_unique<StringMapNode>(f, std::move(a)); }

}  // namespace ferry::bundle::nodes
