// Fuzz target for a bundle's ferry.yaml and its feature expressions, without a model file:
// the input is parsed as ferry.yaml text, the declared inputs' rules are compiled, every feature
// expression is compiled against the declared inputs and evaluated over three rows. The input
// is also compiled as one expression against fixed inputs of every type and evaluated. Problems
// and per-row errors are expected; a crash, hang or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/expr.h"
#include "bundle/inputs.h"
#include "bundle/spec.h"
#include "core/record_batch.h"

namespace {

using ferry::Value;
using ferry::bundle::ColumnData;
using ferry::bundle::CompileEnv;
using ferry::bundle::EvalContext;
using ferry::bundle::Type;

constexpr size_t kRows = 3;

void EvalChecked(const ferry::bundle::ExprNode& node, const std::vector<ColumnData>& inputs) {
  std::vector<std::string> errors(kRows);
  EvalContext ctx{kRows, &inputs, &errors, "fuzz"};
  ColumnData out = node.Eval(ctx);
  if (out.type != node.type()) __builtin_trap();
  for (size_t r = 0; r < kRows; ++r) (void)out.ToText(r);
}

// Every declared input compiled from the spec and parsed from three records of plausible text.
void FuzzSpec(std::string_view text) {
  std::vector<ferry::bundle::Problem> problems;
  ferry::bundle::BundleSpec spec = ferry::bundle::ParseSpecText("/nonexistent", text, &problems);
  for (const auto& p : problems) (void)p.ToString();
  auto parser = ferry::bundle::InputParser::Make(spec.inputs, spec.reject_unknown);
  if (!parser.ok()) return;
  ferry::RecordBatch batch(kRows);
  const Value samples[kRows] = {Value::String("2016-12-25 10:30:00"), Value::Int(7), Value::Null()};
  for (const auto& in : spec.inputs) {
    if (batch.FindColumn(in.name) >= 0) continue;
    batch.AddColumn(in.name, {samples[0], samples[1], samples[2]});
  }
  std::vector<std::string> errors(kRows);
  std::vector<ColumnData> inputs = parser->Parse(batch, &errors);
  CompileEnv env;
  for (const auto& in : spec.inputs) env.inputs.emplace_back(in.name, in.type);
  for (const auto& feature : spec.features) {
    auto node = ferry::bundle::CompileExpression(feature.expression, env);
    if (node.ok()) EvalChecked(**node, inputs);
  }
}

// The input as one expression over inputs s, i, f, d, t, b (string, int, float, date,
// timestamp, bool), with nulls, zeros, negatives and extremes among their rows.
void FuzzExpression(std::string_view text) {
  static const CompileEnv* env = [] {
    auto* e = new CompileEnv;
    e->inputs = {{"s", Type::kString}, {"i", Type::kInt},       {"f", Type::kFloat},
                 {"d", Type::kDate},   {"t", Type::kTimestamp}, {"b", Type::kBool}};
    return e;
  }();
  static const std::vector<ColumnData>* inputs = [] {
    auto column = [](Type type, std::vector<int64_t> ints, std::vector<double> floats,
                     std::vector<std::string> strings) {
      ColumnData c = ColumnData::Make(type, kRows);
      if (!ints.empty()) c.ints = ints;
      if (!floats.empty()) c.floats = floats;
      if (!strings.empty()) c.strings = strings;
      c.valid = {1, 1, 0};
      return c;
    };
    constexpr int64_t kBig = INT64_MAX;
    return new std::vector<ColumnData>{
        column(Type::kString, {}, {}, {"ab", "", ""}),
        column(Type::kInt, {kBig, -kBig - 1, 0}, {}, {}),
        column(Type::kFloat, {}, {1e308, -0.0, 0.0}, {}),
        column(Type::kDate, {17160, -719162, 0}, {}, {}),
        column(Type::kTimestamp, {1482676205000000, -62135596800000000, 0}, {}, {}),
        column(Type::kBool, {1, 0, 0}, {}, {})};
  }();
  auto node = ferry::bundle::CompileExpression(text, *env);
  if (node.ok()) EvalChecked(**node, *inputs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  FuzzSpec(text);
  FuzzExpression(text);
  return 0;
}
