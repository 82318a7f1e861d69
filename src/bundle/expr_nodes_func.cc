// Lookups, date parts, math, min/max and bucketize over typed columns.
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "bundle/dates.h"
#include "bundle/expr_nodes.h"
#include "bundle/lookup_table.h"

namespace ferry::bundle {

void EvalContext::Fail(const ColumnData& column, size_t row, const std::string& message,
                       bool with_feature) {
  std::string text = with_feature ? std::string(feature) + ": " + message : message;
  if (!column.scalar) {
    if ((*errors)[row].empty()) (*errors)[row] = std::move(text);
    return;
  }
  for (std::string& e : *errors) {
    if (e.empty()) e = text;
  }
}

namespace nodes {
namespace {

std::vector<ColumnData> EvalAll(const std::vector<NodePtr>& args, EvalContext& ctx, bool* scalar) {
  std::vector<ColumnData> cols;
  cols.reserve(args.size());
  *scalar = true;
  for (const auto& a : args) {
    cols.push_back(a->Eval(ctx));
    *scalar = *scalar && cols.back().scalar;
  }
  return cols;
}

ColumnData Output(Type type, size_t n, bool scalar) {
  ColumnData out = ColumnData::Make(type, n);
  out.scalar = scalar;
  return out;
}

void CopyCell(const ColumnData& from, size_t i, ColumnData* to, size_t r) {
  to->valid[r] = from.valid[i];
  if (!from.valid[i]) return;
  if (to->type == Type::kFloat) to->floats[r] = from.floats[i];
  else if (to->type == Type::kString) to->strings[r] = from.strings[i];
  else if (to->type != Type::kNull) to->ints[r] = from.ints[i];
}

class LookupNode : public ExprNode {
 public:
  LookupNode(const LookupTable* table, std::vector<NodePtr> keys, size_t column)
      : ExprNode(table->column(column).type), table_(table), keys_(std::move(keys)),
        column_(column) {}

  ColumnData Eval(EvalContext& ctx) const override {
    bool scalar;
    std::vector<ColumnData> keys = EvalAll(keys_, ctx, &scalar);
    size_t n = scalar ? 1 : ctx.num_rows;
    ColumnData out = Output(type(), n, scalar);
    const ColumnData& values = table_->column(column_);
    std::string key;
    for (size_t r = 0; r < n; ++r) {
      key.clear();
      bool has_null = false;
      for (const ColumnData& k : keys) {
        has_null = has_null || !k.is_valid(r);
        LookupTable::AppendKeyPart(k, r, &key);
      }
      int64_t row = has_null ? -1 : table_->Find(key);
      if (row >= 0) {
        CopyCell(values, static_cast<size_t>(row), &out, r);
        continue;
      }
      switch (table_->spec().on_missing) {
        case OnMissing::kError: {
          std::string msg = absl::StrCat("lookup ", table_->name(), ": no row for ");
          for (size_t i = 0; i < keys.size(); ++i) {
            absl::StrAppend(&msg, i ? ", " : "", table_->spec().key[i], "=",
                            keys[i].is_valid(r) ? keys[i].ToText(r) : "null");
          }
          ctx.Fail(out, r, msg, /*with_feature=*/false);  // the message names the table
          break;
        }
        case OnMissing::kDefault:
          CopyCell(table_->default_value(column_), 0, &out, r);
          break;
        case OnMissing::kNull:
          break;
      }
    }
    return out;
  }

 private:
  const LookupTable* table_;
  std::vector<NodePtr> keys_;
  size_t column_;
};

class DatePartNode : public ExprNode {
 public:
  DatePartNode(DatePart part, NodePtr a) : ExprNode(Type::kInt), part_(part), a_(std::move(a)) {}
  ColumnData Eval(EvalContext& ctx) const override {
    ColumnData a = a_->Eval(ctx);
    ColumnData out = Output(Type::kInt, a.valid.size(), a.scalar);
    bool ts = a.type == Type::kTimestamp;
    constexpr int64_t kMicrosPerDay = 86'400'000'000;
    for (size_t r = 0; r < out.valid.size(); ++r) {
      if (!a.valid[r]) continue;
      out.valid[r] = 1;
      int64_t v = a.ints[r];
      int64_t days = ts ? DaysOfTimestamp(v) : v;
      if (part_ == DatePart::kHour || part_ == DatePart::kMinute || part_ == DatePart::kSecond) {
        int64_t secs = (v - days * kMicrosPerDay) / 1'000'000;
        out.ints[r] = part_ == DatePart::kHour     ? secs / 3600
                      : part_ == DatePart::kMinute ? secs / 60 % 60
                                                   : secs % 60;
        continue;
      }
      DateParts p = PartsOfDay(days);
      out.ints[r] = part_ == DatePart::kYear         ? p.year
                    : part_ == DatePart::kMonth      ? p.month
                    : part_ == DatePart::kDayOfMonth ? p.day
                    : part_ == DatePart::kDayOfWeek  ? p.day_of_week
                                                     : p.day_of_year;
    }
    return out;
  }

 private:
  DatePart part_;
  NodePtr a_;
};

class MathNode : public ExprNode {
 public:
  MathNode(MathFn f, NodePtr a, Type t) : ExprNode(t), f_(f), a_(std::move(a)) {}
  ColumnData Eval(EvalContext& ctx) const override {
    ColumnData a = a_->Eval(ctx);
    ColumnData out = Output(type(), a.valid.size(), a.scalar);
    for (size_t r = 0; r < out.valid.size(); ++r) {
      if (!a.valid[r]) continue;
      if (f_ == MathFn::kAbs && type() == Type::kInt) {  // abs of an int or bool
        out.ints[r] = a.ints[r] < 0 ? static_cast<int64_t>(0ULL - static_cast<uint64_t>(a.ints[r]))
                                    : a.ints[r];
        out.valid[r] = 1;
        continue;
      }
      double x = a.number(r);
      if ((f_ == MathFn::kLog || f_ == MathFn::kLog10) && !(x > 0)) {
        ctx.Fail(out, r, absl::StrCat(f_ == MathFn::kLog ? "log(" : "log10(", FormatDouble(x),
                                      "): the argument must be > 0"));
        continue;
      }
      if (f_ == MathFn::kSqrt && x < 0) {
        ctx.Fail(out, r, absl::StrCat("sqrt(", FormatDouble(x), "): the argument must be >= 0"));
        continue;
      }
      double y = f_ == MathFn::kLog     ? std::log(x)
                 : f_ == MathFn::kLog10 ? std::log10(x)
                 : f_ == MathFn::kExp   ? std::exp(x)
                 : f_ == MathFn::kSqrt  ? std::sqrt(x)
                 : f_ == MathFn::kAbs   ? std::fabs(x)
                 : f_ == MathFn::kFloor ? std::floor(x)
                 : f_ == MathFn::kCeil  ? std::ceil(x)
                                        : std::nearbyint(x);  // half to even, like Python round()
      if (type() == Type::kInt) {
        if (!(y >= -9.2e18 && y <= 9.2e18)) {
          ctx.Fail(out, r, absl::StrCat(FormatDouble(x), " is out of the integer range"));
          continue;
        }
        out.ints[r] = static_cast<int64_t>(y);
      } else {
        out.floats[r] = y;
      }
      out.valid[r] = 1;
    }
    return out;
  }

 private:
  MathFn f_;
  NodePtr a_;
};

class RoundToNode : public ExprNode {
 public:
  RoundToNode(NodePtr a, int digits) : ExprNode(Type::kFloat), a_(std::move(a)), scale_(std::pow(10.0, digits)) {}
  ColumnData Eval(EvalContext& ctx) const override {
    ColumnData a = a_->Eval(ctx);
    ColumnData out = Output(Type::kFloat, a.valid.size(), a.scalar);
    for (size_t r = 0; r < out.valid.size(); ++r) {
      out.valid[r] = a.valid[r];
      if (a.valid[r]) out.floats[r] = std::nearbyint(a.number(r) * scale_) / scale_;
    }
    return out;
  }

 private:
  NodePtr a_;
  double scale_;
};

class MinMaxNode : public ExprNode {
 public:
  MinMaxNode(bool is_max, std::vector<NodePtr> args, Type t)
      : ExprNode(t), is_max_(is_max), args_(std::move(args)) {}
  ColumnData Eval(EvalContext& ctx) const override {
    bool scalar;
    std::vector<ColumnData> cols = EvalAll(args_, ctx, &scalar);
    size_t n = scalar ? 1 : ctx.num_rows;
    ColumnData out = Output(type(), n, scalar);
    for (size_t r = 0; r < n; ++r) {
      bool ok = std::all_of(cols.begin(), cols.end(), [r](const ColumnData& c) { return c.is_valid(r); });
      if (!ok) continue;
      out.valid[r] = 1;
      if (type() == Type::kInt) {
        int64_t best = cols[0].ints[cols[0].at(r)];
        for (const ColumnData& c : cols) {
          int64_t v = c.ints[c.at(r)];
          best = is_max_ ? std::max(best, v) : std::min(best, v);
        }
        out.ints[r] = best;
      } else {
        double best = cols[0].number(r);
        for (const ColumnData& c : cols) {
          double v = c.number(r);
          best = is_max_ ? (v > best ? v : best) : (v < best ? v : best);
        }
        out.floats[r] = best;
      }
    }
    return out;
  }

 private:
  bool is_max_;
  std::vector<NodePtr> args_;
};

class BucketizeNode : public ExprNode {
 public:
  BucketizeNode(NodePtr x, std::vector<double> splits)
      : ExprNode(Type::kInt), x_(std::move(x)), splits_(std::move(splits)) {}
  ColumnData Eval(EvalContext& ctx) const override {
    ColumnData a = x_->Eval(ctx);
    ColumnData out = Output(Type::kInt, a.valid.size(), a.scalar);
    for (size_t r = 0; r < out.valid.size(); ++r) {
      if (!a.valid[r]) continue;
      double x = a.number(r);
      // Buckets [s0, s1), [s1, s2), ..., [s(n-2), s(n-1)]: left-closed, the last one closed.
      if (std::isnan(x) || x < splits_.front() || x > splits_.back()) {
        ctx.Fail(out, r, absl::StrCat("bucketize: ", FormatDouble(x), " is outside the splits [",
                                      FormatDouble(splits_.front()), ", ",
                                      FormatDouble(splits_.back()), "]"));
        continue;
      }
      auto it = std::upper_bound(splits_.begin(), splits_.end(), x);
      int64_t bucket = (it - splits_.begin()) - 1;
      int64_t last = static_cast<int64_t>(splits_.size()) - 2;
      out.ints[r] = std::min(bucket, last);
      out.valid[r] = 1;
    }
    return out;
  }

 private:
  NodePtr x_;
  std::vector<double> splits_;
};

}  // namespace

NodePtr Lookup(const LookupTable* table, std::vector<NodePtr> keys, size_t column) {
  return std::make_unique<LookupNode>(table, std::move(keys), column);
}
NodePtr DatePartOf(DatePart part, NodePtr a) {
  return std::make_unique<DatePartNode>(part, std::move(a));
}
NodePtr Math(MathFn f, NodePtr a) {
  bool to_int = f == MathFn::kFloor || f == MathFn::kCeil || f == MathFn::kRound ||
                (f == MathFn::kAbs && a->type() != Type::kFloat);
  Type t = to_int ? Type::kInt : Type::kFloat;
  return std::make_unique<MathNode>(f, std::move(a), t);
}
NodePtr RoundTo(NodePtr a, int digits) { return std::make_unique<RoundToNode>(std::move(a), digits); }
NodePtr MinMax(bool is_max, std::vector<NodePtr> args) {
  Type t = Type::kInt;
  for (const auto& a : args) t = NumericResult(t, a->type());
  return std::make_unique<MinMaxNode>(is_max, std::move(args), t);
}
NodePtr Bucketize(NodePtr x, std::vector<double> splits) {
  return std::make_unique<BucketizeNode>(std::move(x), std::move(splits));
}

}  // namespace nodes
}  // namespace ferry::bundle
