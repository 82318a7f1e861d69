// InputParser: turns the caller's fields (a RecordBatch of Values) into typed columns, one per
// declared input, checking each record against its field's type and rules. A record that
// breaks a rule gets a per-row error naming the field and the rule, e.g.
//   "FlightDate: '2016-13-45' is not a date (YYYY-MM-DD)", "DepDelay: 5000 is above the
//   maximum 1500", "Carrier: 'xyz' does not match ^[A-Z0-9]{2}$", "Origin: required field is
//   missing"; the other records are unaffected. Immutable once made; thread-safe.
#ifndef FERRY_BUNDLE_INPUTS_H_
#define FERRY_BUNDLE_INPUTS_H_

#include <regex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bundle/column.h"
#include "bundle/spec.h"
#include "core/record_batch.h"

namespace ferry::bundle {

class InputParser {
 public:
  // Compiles the rules (regexes, typed defaults and enum values). Errors name the field.
  static absl::StatusOr<InputParser> Make(const std::vector<InputSpec>& inputs, bool reject_unknown);

  // One column per declared input, in declared order. errors->size() == batch.num_rows().
  std::vector<ColumnData> Parse(const RecordBatch& batch, std::vector<std::string>* errors) const;

  const std::vector<InputSpec>& inputs() const { return inputs_; }

 private:
  struct Rules {
    std::regex regex;
    bool has_regex = false;
    bool regex_backtracks = false;  // the recursive matcher: inputs to it are bounded in length
    ColumnData default_value;   // scalar of the field's type (null when none)
    ColumnData enum_values;     // of the field's type
  };
  // Parses `v` into cell `row` of `out`; returns an error message ("" when fine).
  std::string ParseCell(const InputSpec& in, const Rules& rules, const Value& v, size_t row,
                        ColumnData* out) const;

  std::vector<InputSpec> inputs_;
  std::vector<Rules> rules_;
  bool reject_unknown_ = false;
};

}  // namespace ferry::bundle

#endif  // FERRY_BUNDLE_INPUTS_H_
