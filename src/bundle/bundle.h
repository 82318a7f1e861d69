// Bundle: a deployment bundle (a directory with ferry.yaml, the model file and its lookup
// tables; see docs/bundle.md) compiled once into an immutable object that scores batches of
// input records. Every mode (CLI predict, HTTP serve, streams, batch) calls Score; it is const
// and thread-safe, so one shared_ptr<const Bundle> serves all threads.
//
//   auto bundle = Bundle::Load("examples/flight_delays");      // every problem in the status
//   ScoredBatch out = (*bundle)->Score(records);
//   for (size_t r = 0; r < out.num_rows; ++r) line = out.RowJson(r);
#ifndef FERRY_BUNDLE_BUNDLE_H_
#define FERRY_BUNDLE_BUNDLE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bundle/expr.h"
#include "bundle/inputs.h"
#include "bundle/lookup_table.h"
#include "bundle/spec.h"
#include "core/record_batch.h"
#include "model/model.h"

namespace ferry::bundle {

// The outputs of one batch, row-major. Field order per row: the prediction, then (as its own
// object) the probabilities when requested, then probability_of, passthrough fields and
// constants in the order ferry.yaml lists them.
struct ScoredBatch {
  size_t num_rows = 0;
  std::vector<std::string> field_names;  // scalar outputs, in order
  std::vector<Value> fields;             // num_rows x field_names.size()
  std::string probabilities_name;        // "probabilities" when returned, else ""
  std::vector<std::string> class_labels; // the probabilities' keys (decoded labels)
  std::vector<double> probabilities;     // num_rows x class_labels.size()
  std::vector<std::string> errors;       // per row; "" when the row was scored

  bool ok(size_t row) const { return errors[row].empty(); }
  const Value& field(size_t row, size_t i) const { return fields[row * field_names.size() + i]; }
  double probability(size_t row, size_t k) const { return probabilities[row * class_labels.size() + k]; }
  // One JSON object: {"delay_class": "...", "probabilities": {"...": 0.1}, "FlightNum": "1234"}
  // for a scored row, {"row": row_number, "error": "..."} for a failed one.
  std::string RowJson(size_t row, int64_t row_number) const;
};

// Where Score's time went (steady clock), for benchmarks: parsing and checking inputs,
// computing features, the model, and building outputs.
struct ScoreTimings {
  int64_t inputs_ns = 0;
  int64_t features_ns = 0;
  int64_t model_ns = 0;
  int64_t outputs_ns = 0;
};

// Everything compiled from a bundle directory; the parts Validate inspects and Bundle owns.
struct CompiledFeature {
  std::string name;
  std::unique_ptr<const ExprNode> expr;
};
struct BundleParts {
  BundleSpec spec;
  std::shared_ptr<const model::Model> model;         // null when it failed to load
  std::vector<std::unique_ptr<LookupTable>> lookups;  // those that loaded
  std::unique_ptr<InputParser> inputs;                // null when the rules are invalid
  std::vector<CompiledFeature> features;              // those that compiled
};

// Loads and compiles every part of the bundle in `dir`, appending every problem found.
BundleParts CompileBundleParts(const std::string& dir, std::vector<Problem>* problems);
// The same for a spec already parsed; `loaded`, when not null, is its model, already loaded.
BundleParts CompileSpecParts(BundleSpec spec, std::shared_ptr<const model::Model> loaded,
                             std::vector<Problem>* problems);

class Bundle {
 public:
  // Fails with every error problem (one per line, "ferry.yaml:12:3: error: ...") when the
  // bundle does not validate (see validate.h).
  static absl::StatusOr<std::shared_ptr<const Bundle>> Load(const std::string& dir);
  // A bare model file served or scored without a ferry.yaml: the bundle its own inputs imply
  // (implied_spec.h). `name` defaults to the file name without its extension (characters
  // other than [A-Za-z0-9_.-] become '_'); `version` to the file's content hash.
  static absl::StatusOr<std::shared_ptr<const Bundle>> LoadModelFile(const std::string& path,
                                                                     std::string name = "",
                                                                     std::string version = "");

  const BundleSpec& spec() const { return parts_.spec; }
  const std::string& name() const { return parts_.spec.name; }
  const std::string& version() const { return parts_.spec.version; }
  const model::Model& model() const { return *parts_.model; }

  ScoredBatch Score(const RecordBatch& input, ScoreTimings* timings = nullptr) const;

  // The model's input batch (one named column per feature) with per-row errors from input
  // checks and derivation; what Score hands to Model::Predict.
  RecordBatch Features(const RecordBatch& input) const;

 private:
  explicit Bundle(BundleParts parts);
  // The bundle, or every error problem (warnings dropped), introduced by `what`.
  static absl::StatusOr<std::shared_ptr<const Bundle>> FromParts(BundleParts parts,
                                                                 std::vector<Problem> problems,
                                                                 const std::string& what);
  RecordBatch FeaturesFrom(const RecordBatch& input, std::vector<ColumnData>* parsed,
                           ScoreTimings* timings) const;

  BundleParts parts_;
  std::vector<int> class_of_label_;  // per model class: index into spec.outputs.labels or -1
  int probability_of_index_ = -1;    // model class index
  std::vector<Value> constants_;     // substituted
};

}  // namespace ferry::bundle

#endif  // FERRY_BUNDLE_BUNDLE_H_
