// Node factories for compiled expressions (private to the bundle library). Each factory
// REQUIRES operands whose types the compiler (expr_compile.cc) has already checked.
#ifndef FERRY_BUNDLE_EXPR_NODES_H_
#define FERRY_BUNDLE_EXPR_NODES_H_

#include <memory>
#include <string>
#include <vector>

#include "bundle/expr.h"
#include "core/value.h"

namespace ferry::bundle::nodes {

using NodePtr = std::unique_ptr<const ExprNode>;

enum class DatePart { kYear, kMonth, kDayOfMonth, kDayOfWeek, kDayOfYear, kHour, kMinute, kSecond };
enum class MathFn { kLog, kLog10, kExp, kSqrt, kAbs, kFloor, kCeil, kRound };
enum class StringFn { kLower, kUpper, kStrip };

// Result type of mixing numeric types: float if any is float, else int (bool counts as int).
Type NumericResult(Type a, Type b);
// `c` converted to `to` (int/bool -> float widening, or a null column to any type).
ColumnData Widen(ColumnData c, Type to);

NodePtr Literal(const Value& v);
NodePtr Field(size_t index, Type type);
NodePtr Arith(char op, NodePtr a, NodePtr b);  // + - * / over numbers
NodePtr Negate(NodePtr a);
NodePtr Compare(const std::string& op, NodePtr a, NodePtr b);
NodePtr Concat(std::vector<NodePtr> args);
NodePtr Coalesce(std::vector<NodePtr> args, Type result);
NodePtr If(NodePtr cond, NodePtr a, NodePtr b, Type result);
NodePtr Cast(NodePtr a, Type to);  // int(), float(), string(), date()
NodePtr StringMap(StringFn f, NodePtr a);

NodePtr Lookup(const LookupTable* table, std::vector<NodePtr> keys, size_t column);
NodePtr DatePartOf(DatePart part, NodePtr a);
NodePtr Math(MathFn f, NodePtr a);
NodePtr RoundTo(NodePtr a, int digits);
NodePtr MinMax(bool is_max, std::vector<NodePtr> args);
NodePtr Bucketize(NodePtr x, std::vector<double> splits);

}  // namespace ferry::bundle::nodes

#endif  // FERRY_BUNDLE_EXPR_NODES_H_
