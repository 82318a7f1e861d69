// Tests of the expression language: parsing, type checking, and every function's values.
#include "bundle/expr.h"

#include <cmath>

#include "bundle/dates.h"
#include "bundle/expr_ast.h"
#include "gtest/gtest.h"

namespace ferry::bundle {
namespace {

// Inputs: s (string), i (int), f (float), d (date), t (timestamp), b (bool); three rows.
class ExprTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.inputs = {{"s", Type::kString}, {"i", Type::kInt},  {"f", Type::kFloat},
                   {"d", Type::kDate},   {"t", Type::kTimestamp}, {"b", Type::kBool}};
    ColumnData s = ColumnData::Make(Type::kString, 3);
    s.strings = {"ab", "Cd", ""};
    s.valid = {1, 1, 0};
    ColumnData i = ColumnData::Make(Type::kInt, 3);
    i.ints = {7, -2, 0};
    i.valid = {1, 1, 1};
    ColumnData f = ColumnData::Make(Type::kFloat, 3);
    f.floats = {2.5, 0.0, -1.0};
    f.valid = {1, 1, 1};
    ColumnData d = ColumnData::Make(Type::kDate, 3);
    d.ints = {*ParseDate("2016-12-25"), *ParseDate("2024-02-29"), 0};
    d.valid = {1, 1, 0};
    ColumnData t = ColumnData::Make(Type::kTimestamp, 3);
    t.ints = {*ParseTimestamp("2016-12-25T14:30:05Z"), *ParseTimestamp("2024-01-01 00:07:00"), 0};
    t.valid = {1, 1, 0};
    ColumnData b = ColumnData::Make(Type::kBool, 3);
    b.ints = {1, 0, 1};
    b.valid = {1, 1, 1};
    inputs_ = {s, i, f, d, t, b};
  }

  ColumnData Eval(std::string_view text) {
    auto node = CompileExpression(text, env_);
    EXPECT_TRUE(node.ok()) << text << ": " << node.status();
    if (!node.ok()) return {};
    errors_.assign(3, "");
    EvalContext ctx{3, &inputs_, &errors_, "feat"};
    ColumnData out = (*node)->Eval(ctx);
    EXPECT_EQ(out.type, (*node)->type());
    return out;
  }
  // Row `r` of `text` as text ("" for null).
  std::string At(std::string_view text, size_t r) { return Eval(text).ToText(r); }
  std::string CompileError(std::string_view text) {
    auto node = CompileExpression(text, env_);
    return node.ok() ? "compiled" : std::string(node.status().message());
  }

  CompileEnv env_;
  std::vector<ColumnData> inputs_;
  std::vector<std::string> errors_;
};

TEST_F(ExprTest, ArithmeticPrecedenceAndTypes) {
  EXPECT_EQ(At("1 + 2 * 3", 0), "7");
  EXPECT_EQ(At("(1 + 2) * 3", 0), "9");
  EXPECT_EQ(At("-i + 1", 0), "-6");
  EXPECT_EQ(At("7 / 2", 0), "3.5");
  EXPECT_EQ(At("i * f", 0), "17.5");
  EXPECT_EQ(At("i - 10 - 1", 1), "-13");
  EXPECT_EQ(Eval("i + 1").type, Type::kInt);
  EXPECT_EQ(Eval("i / 1").type, Type::kFloat);
  EXPECT_EQ(At("s + \"x\"", 0), "abx");
}

TEST_F(ExprTest, DivisionByZeroIsARowError) {
  ColumnData out = Eval("i / f");
  EXPECT_TRUE(out.is_valid(0));
  EXPECT_FALSE(out.is_valid(1));
  EXPECT_EQ(errors_[1], "feat: division by zero (-2.0 / 0)");
  EXPECT_EQ(errors_[0], "");
}

TEST_F(ExprTest, ConcatFormatsLikePythonStr) {
  EXPECT_EQ(At("concat(s, \"-\", i, \"-\", f, '-', b)", 0), "ab-7-2.5-True");
  EXPECT_EQ(At("concat(d, \"|\", t)", 0), "2016-12-25|2016-12-25 14:30:05");
  EXPECT_FALSE(Eval("concat(s, i)").is_valid(2));  // null propagates
}

TEST_F(ExprTest, DateParts) {
  EXPECT_EQ(At("day_of_month(d)", 0), "25");
  EXPECT_EQ(At("day_of_week(d)", 0), "6");  // 2016-12-25 was a Sunday
  EXPECT_EQ(At("day_of_week(d)", 1), "3");  // 2024-02-29 was a Thursday
  EXPECT_EQ(At("day_of_year(d)", 1), "60");
  EXPECT_EQ(At("month(d)", 1), "2");
  EXPECT_EQ(At("year(t)", 1), "2024");
  EXPECT_EQ(At("hour(t)", 0), "14");
  EXPECT_EQ(At("minute(t)", 0), "30");
  EXPECT_EQ(At("second(t)", 0), "5");
  EXPECT_EQ(At("minute(t)", 1), "7");
  EXPECT_EQ(At("day_of_week(t)", 0), "6");
  EXPECT_EQ(At("date(t)", 0), "2016-12-25");
  EXPECT_FALSE(Eval("year(d)").is_valid(2));
}

TEST_F(ExprTest, MathFunctions) {
  EXPECT_EQ(At("log(f)", 0), FormatDouble(std::log(2.5)));
  EXPECT_EQ(At("log10(100)", 0), "2.0");
  EXPECT_EQ(At("exp(0)", 0), "1.0");
  EXPECT_EQ(At("sqrt(16)", 0), "4.0");
  EXPECT_EQ(At("abs(i)", 1), "2");
  EXPECT_EQ(At("abs(f)", 2), "1.0");
  EXPECT_EQ(At("floor(f)", 0), "2");
  EXPECT_EQ(At("ceil(f)", 0), "3");
  EXPECT_EQ(At("round(f)", 0), "2");  // half to even, like Python
  EXPECT_EQ(At("round(3.5)", 0), "4");
  EXPECT_EQ(At("round(2.345, 1)", 0), "2.3");
  EXPECT_EQ(At("min(i, f, 3)", 0), "2.5");
  EXPECT_EQ(At("max(i, 3)", 0), "7");
  EXPECT_EQ(Eval("max(i, 3)").type, Type::kInt);
  Eval("log(f)");
  EXPECT_EQ(errors_[1], "feat: log(0.0): the argument must be > 0");
  Eval("sqrt(f)");
  EXPECT_EQ(errors_[2], "feat: sqrt(-1.0): the argument must be >= 0");
}

TEST_F(ExprTest, BucketizeIsLeftClosedWithTheLastBucketClosed) {
  EXPECT_EQ(At("bucketize(-15, [-inf, -15, 0, 30, inf])", 0), "1");
  EXPECT_EQ(At("bucketize(-15.5, [-inf, -15, 0, 30, inf])", 0), "0");
  EXPECT_EQ(At("bucketize(0, [-inf, -15, 0, 30, inf])", 0), "2");
  EXPECT_EQ(At("bucketize(1e9, [-inf, -15, 0, 30, inf])", 0), "3");
  EXPECT_EQ(At("bucketize(10, [0, 5, 10])", 0), "1");
  ColumnData out = Eval("bucketize(i, [0, 5, 10])");
  EXPECT_FALSE(out.is_valid(1));
  EXPECT_EQ(errors_[1], "feat: bucketize: -2.0 is outside the splits [0.0, 10.0]");
  EXPECT_EQ(CompileError("bucketize(i, [0, 0, 1])"), "column 18: bucketize splits must be strictly increasing");
  EXPECT_EQ(CompileError("bucketize(i, [0])"), "column 14: bucketize needs at least two splits");
  EXPECT_EQ(CompileError("bucketize(i, [i, 2])"), "column 15: bucketize splits must be number literals (or inf, -inf)");
}

TEST_F(ExprTest, CoalesceIfAndComparisons) {
  EXPECT_EQ(At("coalesce(s, \"none\")", 2), "none");
  EXPECT_EQ(At("coalesce(s, \"none\")", 0), "ab");
  EXPECT_EQ(At("coalesce(null, i, f)", 1), "-2.0");
  EXPECT_EQ(At("if(i > 0, \"pos\", \"neg\")", 0), "pos");
  EXPECT_EQ(At("if(i > 0, \"pos\", \"neg\")", 1), "neg");
  EXPECT_EQ(At("if(b, 1, 2.5)", 1), "2.5");
  EXPECT_EQ(At("i == 7", 0), "True");
  EXPECT_EQ(At("s != \"ab\"", 0), "False");
  EXPECT_EQ(At("d < date(\"2017-01-01\")", 0), "True");
  EXPECT_EQ(CompileError("d < t"), "column 3: cannot compare date (d) and timestamp (t)");
}

TEST_F(ExprTest, CastsAndStrings) {
  EXPECT_EQ(At("int(f)", 0), "2");
  EXPECT_EQ(At("int(\" 42 \")", 0), "42");
  EXPECT_EQ(At("float(\"1.5\")", 0), "1.5");
  EXPECT_EQ(At("float(i)", 0), "7.0");
  EXPECT_EQ(At("string(i)", 0), "7");
  EXPECT_EQ(At("string(d)", 0), "2016-12-25");
  EXPECT_EQ(At("date(\"2020-03-01\")", 0), "2020-03-01");
  EXPECT_EQ(At("lower(s)", 1), "cd");
  EXPECT_EQ(At("upper(s)", 0), "AB");
  EXPECT_EQ(At("strip(\"  x \")", 0), "x");
  EXPECT_EQ(At("`s`", 0), "ab");
  Eval("int(\"x1\")");
  EXPECT_EQ(errors_[0], "feat: int('x1'): not an integer");
  Eval("date(\"2016-13-45\")");
  EXPECT_EQ(errors_[0], "feat: date('2016-13-45'): not a date (YYYY-MM-DD)");
}

TEST_F(ExprTest, TypeErrorsNameTheColumnAndTheMistake) {
  EXPECT_EQ(CompileError("day_of_week(s)"), "column 13: day_of_week needs a date or timestamp, got string (s)");
  EXPECT_EQ(CompileError("hour(d)"), "column 6: hour needs a timestamp, got date (d)");
  EXPECT_EQ(CompileError("i + s"), "column 3: '+' needs two numbers or two strings, got int (i) and string (s)");
  EXPECT_EQ(CompileError("s * 2"), "column 3: '*' needs two numbers, got string (s) and int");
  EXPECT_EQ(CompileError("-s"), "column 1: '-' needs a number, got string (s)");
  EXPECT_EQ(CompileError("log(s)"), "column 5: log needs a number, got string (s)");
  EXPECT_EQ(CompileError("Origin"), "column 1: unknown field 'Origin' (declared inputs: s, i, f, d, t, b)");
  EXPECT_NE(CompileError("nope(i)").find("unknown function 'nope'"), std::string::npos);
  EXPECT_EQ(CompileError("coalesce(s, i)"), "column 13: coalesce mixes string and int (i); convert with int(), float() or string()");
  EXPECT_EQ(CompileError("s < i"), "column 3: cannot compare string (s) and int (i)");
  EXPECT_EQ(CompileError("if(i, 1, 2)"), "column 4: if needs a bool condition, got int (i)");
  EXPECT_EQ(CompileError("round(f, 1.5)"), "column 10: round's digits must be an integer literal, e.g. round(x, 2)");
  EXPECT_EQ(CompileError("abs(i, f)"), "column 1: abs takes one number, got 2 arguments");
  EXPECT_EQ(CompileError("s.x"), "column 2: '.x' can only follow lookup(...)");
  EXPECT_EQ(CompileError("[1, 2]"), "column 1: a list [...] is only allowed as the splits of bucketize");
  EXPECT_EQ(CompileError("lookup(t, i)"), "column 8: unknown lookup table 't' (tables: none)");
}

TEST_F(ExprTest, SyntaxErrors) {
  EXPECT_EQ(CompileError("concat(s, "), "column 11: expected a value, found the end of the expression");
  EXPECT_EQ(CompileError("(i + 1"), "column 7: expected ')'");
  EXPECT_EQ(CompileError("i + 1)"), "column 6: unexpected ')'");
  EXPECT_EQ(CompileError("\"abc"), "column 1: unterminated string");
  EXPECT_EQ(CompileError("i # 2"), "column 3: unexpected character '#'");
  EXPECT_EQ(CompileError("concat(s i)"), "column 10: expected ',' or ')' in the arguments of concat");
}

// Compiling and evaluating recurse over the tree, so nesting is bounded at parse time: deep
// parentheses, long operator chains and runs of unary minus are errors, not stack overflows.
TEST_F(ExprTest, NestingDeeperThanTheLimitIsAnError) {
  const std::string limit = std::to_string(kMaxExpressionDepth);
  auto repeat = [](std::string_view s, int n) {
    std::string out;
    for (int k = 0; k < n; ++k) out += s;
    return out;
  };
  EXPECT_EQ(At(repeat("(", 50) + "i" + repeat(")", 50), 0), "7");
  EXPECT_EQ(At("i" + repeat(" + 1", 100), 0), "107");
  EXPECT_EQ(At(repeat("-", 100) + "i", 0), "7");
  const std::string deep[] = {
      repeat("(", 100000) + "i" + repeat(")", 100000),
      "i" + repeat("+1", 50000),
      repeat("-", 100000) + "i",
      repeat("abs(", 5000) + "i" + repeat(")", 5000),
      repeat("[", 5000) + "1" + repeat("]", 5000),
  };
  for (const std::string& text : deep) {
    std::string error = CompileError(text);
    EXPECT_NE(error.find("nests more than " + limit + " levels deep"), std::string::npos)
        << text.substr(0, 20) << ": " << error;
  }
}

}  // namespace
}  // namespace ferry::bundle
