// Model IR: the one structure every loader (scikit-learn pickle, XGBoost JSON/UBJSON, ...)
// produces and the compiler turns into a predictor, as Treelite does. Plain data, no behaviour:
// a loader fills it, CompileModel() (model.h) checks and freezes it.
//
// A model is: optional preprocessing stages (DictVectorizer, OneHotEncoder, scalers, ...)
// that turn input records into a dense float64 feature matrix, then one estimator (linear or
// tree ensemble) giving raw scores, then a link (sigmoid, softmax, ...) and, for classifiers,
// a rule that picks the label. Each field states which library semantics it carries, so that
// predictions equal the library's own.
#ifndef FERRY_MODEL_IR_H_
#define FERRY_MODEL_IR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/value.h"

namespace ferry::model {

// ---------------------------------------------------------------- preprocessing stages

struct Stage;

// DictVectorizer: a record (dict) -> features. A numeric value v of key k sets feature k to v;
// a string value s sets feature "k<separator>s" to 1. Keys absent from the vocabulary are ignored.
struct DictVectorizerStage {
  std::vector<std::string> feature_names;  // output order
  std::string separator = "=";
};

// OneHotEncoder over the stage's input columns (one category list per column).
struct OneHotEncoderStage {
  std::vector<std::vector<Value>> categories;  // per input column, in output order
  std::vector<int32_t> drop_index;             // per input column: category index dropped, or -1
  bool ignore_unknown = false;                 // else an unknown category is a row error
};

// StandardScaler: (x - mean) / scale; MinMaxScaler: x * scale + min. Empty vectors mean "off".
struct StandardScalerStage {
  std::vector<double> mean;   // empty when with_mean=False
  std::vector<double> scale;  // empty when with_std=False
};
struct MinMaxScalerStage {
  std::vector<double> scale;
  std::vector<double> min;
  bool clip = false;  // then results are clipped to [clip_min, clip_max] (the feature_range)
  double clip_min = 0;
  double clip_max = 1;
};

// SimpleImputer: a cell equal to `missing` (NaN/null when missing_is_nan) becomes statistics[j].
// A column whose statistic is a float NaN (all values missing at fit time) is dropped from the
// output, as scikit-learn does.
struct SimpleImputerStage {
  std::vector<Value> statistics;  // per input column
  bool missing_is_nan = true;
  Value missing;  // the marker when !missing_is_nan
};

// ColumnTransformer: each branch takes some input columns, runs its stages (none =
// passthrough) and the outputs are concatenated in branch order. Dropped columns make no branch.
struct ColumnBranch {
  std::string name;
  std::vector<int32_t> columns;  // indices into the stage's input columns
  std::vector<Stage> stages;     // empty: passthrough
};
struct ColumnTransformerStage {
  std::vector<ColumnBranch> branches;
};

struct Stage {
  std::string class_name;  // e.g. "StandardScaler", for inspect and errors
  std::variant<DictVectorizerStage, OneHotEncoderStage, StandardScalerStage, MinMaxScalerStage,
               SimpleImputerStage, ColumnTransformerStage>
      op;
};

// ---------------------------------------------------------------- estimators

// Linear: raw[k] = intercept[k] + sum_j coef[k * num_features + j] * x[j].
struct LinearModel {
  int32_t num_features = 0;
  int32_t num_outputs = 1;
  std::vector<double> coef;       // num_outputs x num_features, row-major
  std::vector<double> intercept;  // num_outputs
};

// How a tree node compares a feature value x with its threshold t.
enum class SplitRule : uint8_t {
  kSklearnTree,  // scikit-learn trees: float32(x) <= t (t float64) -> left
  kHistGradientBoosting,  // scikit-learn HGB: x <= t in float64 -> left; categories via uint8 cast
  kXGBoost,      // XGBoost: float32(x) < float32(t) -> left; categories via int cast
};

// A set of categories for a categorical split. Category c is in the set when bit c is set.
struct CategorySet {
  std::vector<uint32_t> bits;     // bit c of word c / 32
  bool member_goes_left = true;   // XGBoost sends members right: false there
};

// One tree as arrays indexed by node id; node 0 is the root. A leaf has left_child == -1.
struct Tree {
  std::vector<int32_t> left_child;
  std::vector<int32_t> right_child;
  std::vector<int32_t> feature;       // split feature (ignored at leaves)
  std::vector<double> threshold;      // split threshold (ignored at leaves and category splits)
  std::vector<uint8_t> missing_left;  // NaN goes left (1) or right (0)
  std::vector<int32_t> category_set;  // -1: numeric split; else index into TreeEnsemble::category_sets
  std::vector<double> leaf_value;     // num_nodes x leaf_width; only leaves are read
  int32_t output = 0;                 // leaf_width == 1: the output this tree adds to
  double weight = 1.0;                // multiplies every leaf (XGBoost dart); 1 elsewhere
  int32_t num_nodes() const { return static_cast<int32_t>(left_child.size()); }
};

enum class Aggregation : uint8_t {
  kSum,   // raw = base + sum of trees (boosting)
  kMean,  // raw = base + (sum of trees) / num_trees (forests)
};

struct TreeEnsemble {
  int32_t num_features = 0;
  int32_t num_outputs = 1;  // width of the raw score
  int32_t leaf_width = 1;   // 1 (each tree adds to its `output`) or num_outputs
  SplitRule split_rule = SplitRule::kSklearnTree;
  Aggregation aggregation = Aggregation::kSum;
  bool float32_sum = false;      // XGBoost sums leaves in float32, tree by tree
  bool missing_allowed = true;   // false: a row with NaN is an error (scikit-learn < 1.3 trees)
  std::vector<double> base_score;  // num_outputs, the starting raw score
  std::vector<Tree> trees;
  std::vector<CategorySet> category_sets;
  // HistGradientBoosting: per feature, the categories seen in training (index into
  // category_sets) or -1; an unseen category follows the missing-value direction.
  std::vector<int32_t> known_categories;
};

// ---------------------------------------------------------------- outputs

// Raw score -> output values (probabilities for classifiers).
enum class Link : uint8_t {
  kIdentity,
  kExp,                // exp(raw): Poisson / gamma
  kSigmoid,            // one raw score d -> [1 - s(d), s(d)], s(d) = 1 / (1 + exp(-d)) (float64)
  kSigmoidTimesTwo,    // exponential loss: [1 - s(2d), s(2d)]
  kSoftmax,            // softmax over raw scores (float64, max subtracted)
  kBinarySoftmax,      // multinomial binary: softmax([-d, d])
  kOneVsRestNormalize, // s(raw_k) for each k, then divided by their sum
  kXGBoostSigmoid,     // float32 s = 1.0f / (1.0f + expf(-d)); a classifier (binary:logistic)
                       // gets [1.0f - s, s], a regressor (reg:logistic) s for each raw score
  kXGBoostSoftmax,     // float32 softmax as XGBoost computes it
  kXGBoostExp,         // float32 expf
  kXGBoostRawBinary,   // binary:logitraw: one raw score d -> [1.0f - d, d] in float32, as
                       // XGBClassifier.predict_proba reports it (labels use kAboveHalf)
};

// How a classifier picks its label from the outputs.
enum class LabelRule : uint8_t {
  kArgmaxOutput,    // first index of the largest output value
  kArgmaxRaw,       // first index of the largest raw score (linear multiclass)
  kRawPositive,     // binary: raw > 0 -> classes[1] (linear binary)
  kAboveHalf,       // binary: output[1] > 0.5 -> classes[1] (XGBoost)
};

enum class Task : uint8_t { kRegression, kClassification };

struct ModelIR {
  // What was loaded, for `ferry inspect` and errors.
  std::string format;            // "scikit-learn pickle", "joblib (zlib)", "XGBoost JSON", ...
  std::string library;           // "scikit-learn" or "XGBoost"
  std::string library_version;   // as recorded in the file; empty when unknown
  std::vector<std::string> chain;  // class names, outermost first: Pipeline, StandardScaler, ...

  // Inputs. With feature_names, CSV columns are matched by name; dict_input means the
  // model takes a record as a dict (a DictVectorizer comes first).
  int32_t num_inputs = 0;
  std::vector<std::string> input_names;
  bool dict_input = false;

  std::vector<Stage> stages;
  std::variant<LinearModel, TreeEnsemble> estimator;

  Task task = Task::kRegression;
  Link link = Link::kIdentity;
  LabelRule label_rule = LabelRule::kArgmaxOutput;
  std::vector<Value> classes;  // classifiers: the labels, in the library's order
  // Width of the final output: classifiers = classes.size(); regressors = number of targets.
  int32_t num_outputs = 1;
};

}  // namespace ferry::model

#endif  // FERRY_MODEL_IR_H_
