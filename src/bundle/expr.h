// Compiled feature expressions: an expression (expr_ast.h) is parsed and type-checked once, at
// load, into a tree of typed column operations. Evaluation walks the tree once per batch (one
// virtual call per node per batch, tight loops over rows inside). Compiled trees are immutable
// and may be evaluated by many threads at once.
#ifndef FERRY_BUNDLE_EXPR_H_
#define FERRY_BUNDLE_EXPR_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "bundle/column.h"

namespace ferry::bundle {

class LookupTable;

// Per-batch evaluation state. Errors are per row; the first one set on a row wins.
struct EvalContext {
  size_t num_rows = 0;
  const std::vector<ColumnData>* inputs = nullptr;  // parsed inputs, in declared order
  std::vector<std::string>* errors = nullptr;       // num_rows slots
  std::string_view feature;                         // prefixes the messages of this feature

  // Records "<feature>: <message>" (or just `message` without with_feature) for `row`, or for
  // every row when `column` is scalar.
  void Fail(const ColumnData& column, size_t row, const std::string& message,
            bool with_feature = true);
};

class ExprNode {
 public:
  explicit ExprNode(Type type) : type_(type) {}
  virtual ~ExprNode() = default;
  Type type() const { return type_; }
  // Computes the column. Rows that fail get an error in ctx and a null value.
  virtual ColumnData Eval(EvalContext& ctx) const = 0;

 private:
  Type type_;
};

// What names an expression may use.
struct CompileEnv {
  std::vector<std::pair<std::string, Type>> inputs;  // declared inputs, in order
  std::vector<const LookupTable*> lookups;           // by name (LookupTable::name())
};

// Parses and type-checks `text`. Errors name the column and the mistake, e.g.
// "column 8: day_of_week needs a date or timestamp, got string (Origin)".
absl::StatusOr<std::unique_ptr<const ExprNode>> CompileExpression(std::string_view text,
                                                                  const CompileEnv& env);

// The names of every function the language knows, for docs and error hints.
const std::vector<std::string>& FunctionNames();

}  // namespace ferry::bundle

#endif  // FERRY_BUNDLE_EXPR_H_
