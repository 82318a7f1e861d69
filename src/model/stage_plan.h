// Internal to src/model: the column frame that flows between preprocessing stages and the
// compiled form of one stage (StagePlan), shared by the dense Transform (stages.cc) and the
// compact one-hot encoder (onehot_compact.cc). Plans are immutable after planning.
#ifndef FERRY_MODEL_STAGE_PLAN_H_
#define FERRY_MODEL_STAGE_PLAN_H_

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/record_batch.h"
#include "model/ir.h"

namespace ferry::model {

// A column between stages: numbers, or Values (strings, mixed) borrowed from the input or owned.
struct FrameColumn {
  std::string_view name;  // for messages; points into the IR, the input batch or a plan
  bool numeric = false;
  std::vector<double> numbers;
  const std::vector<Value>* values = nullptr;
  std::shared_ptr<std::vector<Value>> owned;
};
using Frame = std::vector<FrameColumn>;
using Errors = std::vector<std::string>;

// Category lookup for one OneHotEncoder column: by string or by numeric value.
struct CategoryIndex {
  absl::flat_hash_map<std::string, int32_t> by_string;
  absl::flat_hash_map<double, int32_t> by_number;
  int32_t null_index = -1;  // a None/NaN category
  int32_t Find(const Value& v) const;
  int32_t FindNumber(double d) const;
};

struct StagePlan {
  const Stage* stage = nullptr;
  int32_t in_width = 0;
  int32_t out_width = 0;
  std::vector<CategoryIndex> categories;                   // OneHotEncoder
  std::vector<std::vector<std::string>> category_names;    // OneHotEncoder output names
  absl::flat_hash_map<std::string, int32_t> vocabulary;    // DictVectorizer
  std::vector<std::vector<std::unique_ptr<StagePlan>>> branches;  // ColumnTransformer
  std::vector<uint8_t> keep;                               // SimpleImputer

  void Apply(Frame& frame, Errors& errors, size_t rows) const;
  // OneHotEncoder: which of input column j's outputs row r of `in` sets to 1, counted among
  // the column's kept (not dropped) categories; -1 for none. An unknown category sets the
  // row's error unless the encoder ignores unknowns.
  int32_t OneHotOutput(size_t j, const FrameColumn& in, size_t r, Errors& errors) const;
};

// Turns a column into numbers in place; cells that are not numbers get a row error.
void MakeNumeric(FrameColumn& c, Errors& errors);

// The model's input columns (by name, or by position) as a frame; a missing column, or a
// wrong column count, becomes an error on every row.
Frame InputFrame(const ModelIR& ir, const std::vector<std::string>& positional_names,
                 const RecordBatch& input, Errors& errors);

}  // namespace ferry::model

#endif  // FERRY_MODEL_STAGE_PLAN_H_
