// DictCompactEncoder: the compact form (compact_rows.h) of Pipeline(DictVectorizer, estimator).
// A DictVectorizer feature "key=value" is one-hot: it belongs to the group of `key`, and a
// record has one value per key, so at most one feature of each group is 1.0. Features without
// the separator are numeric and get a slot. Built once from the stage; Encode is thread-safe.
#ifndef FERRY_MODEL_DICT_COMPACT_H_
#define FERRY_MODEL_DICT_COMPACT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/record_batch.h"
#include "model/compact_rows.h"
#include "model/ir.h"

namespace ferry::model {

class DictCompactEncoder {
 public:
  // nullptr when the compact form does not apply: no one-hot feature, or a separator that is
  // not one character (then "key=value" cannot be split back without ambiguity).
  static std::unique_ptr<DictCompactEncoder> Build(const DictVectorizerStage& dv);

  const CompactLayout& layout() const { return layout_; }

  // Encodes every record of `input`, exactly as the DictVectorizer would densely. Returns false
  // when a record does not fit the compact form, and the batch must take the dense path: a NaN
  // number, a number under a key that names a one-hot feature, or a string value that reaches
  // a feature of another key's group (a key containing the separator).
  bool Encode(const RecordBatch& input, CompactRows* rows) const;

 private:
  CompactLayout layout_;
  std::string separator_;
  absl::flat_hash_map<std::string, int32_t> vocabulary_;  // feature name -> feature index
  absl::flat_hash_map<std::string, int32_t> group_of_key_;
  std::vector<absl::flat_hash_map<std::string, int32_t>> feature_of_value_;  // per group
};

}  // namespace ferry::model

#endif  // FERRY_MODEL_DICT_COMPACT_H_
