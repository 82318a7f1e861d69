// End-to-end tests of the scikit-learn loader: make_test_models.py trains models with
// Debian's scikit-learn and writes them (pickle protocols 2-5, joblib with every compression)
// with scikit-learn's own predictions; each file is loaded with LoadModel and must predict the
// same probabilities/values (1e-12 relative) and the same labels. Error cases check messages.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "model/loaders/load.h"
#include "simdjson.h"

namespace ferry::model {
namespace {

using simdjson::dom::element;

std::string OutDir() {
  static const std::string* dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ferry_sklearn_XXXXXX").string();
    auto* d = new std::string(mkdtemp(tmpl.data()));
    std::string cmd = "/usr/bin/python3 " FERRY_SKLEARN_TEST_SCRIPT " " + *d;
    int rc = std::system(cmd.c_str());
    if (rc != 0) *d = "";  // tests then fail loudly
    return d;
  }();
  return *dir;
}

class SklearnLoaderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = OutDir();
    ASSERT_FALSE(dir.empty()) << "make_test_models.py failed";
    static simdjson::dom::parser parser;
    manifest_ = new element(parser.load(dir + "/manifest.json").value());
  }
  static element manifest() { return *manifest_; }
  static element* manifest_;
};
element* SklearnLoaderTest::manifest_ = nullptr;

Value ToValue(element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return Value::Null();
    case simdjson::dom::element_type::BOOL:
      return Value::Bool(bool(e));
    case simdjson::dom::element_type::INT64:
      return Value::Int(int64_t(e));
    case simdjson::dom::element_type::UINT64:
      return Value::Int(static_cast<int64_t>(uint64_t(e)));
    case simdjson::dom::element_type::DOUBLE:
      return Value::Float(double(e));
    case simdjson::dom::element_type::STRING:
      return Value::String(std::string(std::string_view(e)));
    default:
      return Value::Null();
  }
}

// Records (JSON objects) -> columns in order of first appearance; absent keys are null.
RecordBatch ToBatch(simdjson::dom::array rows) {
  std::vector<std::string> names;
  for (element row : rows) {
    for (auto field : simdjson::dom::object(row)) {
      std::string key(field.key);
      if (std::find(names.begin(), names.end(), key) == names.end()) names.push_back(key);
    }
  }
  RecordBatch batch(rows.size());
  for (const std::string& name : names) {
    std::vector<Value> values;
    for (element row : rows) {
      element v;
      values.push_back(simdjson::dom::object(row)[name].get(v) ? Value::Null() : ToValue(v));
    }
    batch.AddColumn(name, std::move(values));
  }
  return batch;
}

Value TypedValue(element e) {
  simdjson::dom::object o = e;
  for (auto field : o) {
    if (field.key == "int") return Value::Int(int64_t(field.value));
    if (field.key == "float") return Value::Float(double(field.value));
    if (field.key == "bool") return Value::Bool(bool(field.value));
    return Value::String(std::string(std::string_view(field.value)));
  }
  return Value::Null();
}

std::string LinkName(Link link) {
  switch (link) {
    case Link::kIdentity:
      return "identity";
    case Link::kExp:
      return "exp";
    case Link::kSigmoid:
      return "sigmoid";
    case Link::kSigmoidTimesTwo:
      return "sigmoid_times_two";
    case Link::kSoftmax:
      return "softmax";
    case Link::kBinarySoftmax:
      return "binary_softmax";
    case Link::kOneVsRestNormalize:
      return "ovr";
    default:
      return "other";
  }
}

void CheckStructure(const ModelIR& ir, element expect) {
  int64_t n;
  if (!expect["num_trees"].get(n)) {
    const auto* trees = std::get_if<TreeEnsemble>(&ir.estimator);
    ASSERT_NE(trees, nullptr);
    EXPECT_EQ(static_cast<int64_t>(trees->trees.size()), n);
  }
  if (!expect["num_inputs"].get(n)) {
    EXPECT_EQ(ir.num_inputs, n);
  }
  if (!expect["num_stages"].get(n)) {
    EXPECT_EQ(static_cast<int64_t>(ir.stages.size()), n);
  }
  std::string_view s;
  if (!expect["link"].get(s)) {
    EXPECT_EQ(LinkName(ir.link), s);
  }
  if (!expect["chain"].get(s)) {
    EXPECT_EQ(absl::StrJoin(ir.chain, ","), s);
  }
  bool b;
  if (!expect["input_names"].get(b)) {
    EXPECT_EQ(!ir.input_names.empty(), b);
  }
  if (!expect["dict_input"].get(b)) {
    EXPECT_EQ(ir.dict_input, b);
  }
}

void CheckCase(element c) {
  const std::string file{std::string_view(c["file"])};
  auto ir = LoadModelIR(file);
  ASSERT_TRUE(ir.ok()) << ir.status();
  EXPECT_EQ(ir->library, "scikit-learn");
  EXPECT_FALSE(ir->library_version.empty());
  CheckStructure(*ir, c["expect"]);
  auto model = Model::Compile(std::move(*ir));
  ASSERT_TRUE(model.ok()) << model.status();

  simdjson::dom::array rows = c["rows"];
  RecordBatch batch = ToBatch(rows);
  Predictions p = (*model)->Predict(batch);
  ASSERT_EQ(p.num_rows, rows.size());
  simdjson::dom::array expected = c["values"];
  ASSERT_EQ(expected.size(), rows.size());
  simdjson::dom::array classes;
  const bool classifier = !c["classes"].get(classes);
  if (classifier) {
    ASSERT_EQ((*model)->classes().size(), classes.size());
    size_t k = 0;
    for (element cls : classes) {
      Value want = TypedValue(cls);
      const Value& got = (*model)->classes()[k++];
      EXPECT_EQ(got.kind(), want.kind()) << got.ToString();
      EXPECT_EQ(got, want);
    }
  }
  size_t r = 0;
  for (element row_values : expected) {
    ASSERT_TRUE(p.ok(r)) << "row " << r << ": " << p.errors[r];
    simdjson::dom::array want = row_values;
    ASSERT_EQ(static_cast<size_t>(p.width), want.size());
    int32_t k = 0;
    for (element w : want) {
      const double expect = double(w), got = p.value(r, k);
      EXPECT_LE(std::fabs(got - expect), 1e-12 * std::max(1.0, std::fabs(expect)))
          << "row " << r << " output " << k << ": ferry " << got << " sklearn " << expect;
      ++k;
    }
    ++r;
  }
  if (classifier) {
    r = 0;
    for (element label : simdjson::dom::array(c["labels"])) {
      EXPECT_EQ(p.label[r], int64_t(label)) << "row " << r;
      ++r;
    }
  }
}

TEST_F(SklearnLoaderTest, PredictsLikeScikitLearn) {
  int checked = 0;
  for (element c : simdjson::dom::array(manifest()["cases"])) {
    element err;
    if (!c["error"].get(err)) continue;
    SCOPED_TRACE(std::string(std::string_view(c["name"])) + " (" +
                 std::string(std::string_view(c["format"])) + ")");
    CheckCase(c);
    ++checked;
  }
  EXPECT_EQ(checked, 35);
}

TEST_F(SklearnLoaderTest, UnsupportedModelsGiveClearErrors) {
  int checked = 0;
  for (element c : simdjson::dom::array(manifest()["cases"])) {
    std::string_view want;
    if (c["error"].get(want)) continue;
    SCOPED_TRACE(std::string(std::string_view(c["name"])));
    auto ir = LoadModelIR(std::string(std::string_view(c["file"])));
    ASSERT_FALSE(ir.ok());
    EXPECT_NE(std::string(ir.status().message()).find(want), std::string::npos) << ir.status();
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST_F(SklearnLoaderTest, RecordsInputSideAndChain) {
  auto ir = LoadModelIR(OutDir() + "/pipeline_column_transformer_gb.pkl");
  if (!ir.ok()) ir = LoadModelIR(OutDir() + "/pipeline_column_transformer_gb.joblib");
  ASSERT_TRUE(ir.ok()) << ir.status();
  EXPECT_EQ(absl::StrJoin(ir->input_names, ","), "age,income,color,size,city");
  EXPECT_EQ(absl::StrJoin(ir->chain, ","),
            "Pipeline,ColumnTransformer,Pipeline,SimpleImputer,StandardScaler,OneHotEncoder,"
            "Pipeline,SimpleImputer,OneHotEncoder,GradientBoostingClassifier");
  ASSERT_EQ(ir->stages.size(), 1u);
  const auto& ct = std::get<ColumnTransformerStage>(ir->stages[0].op);
  ASSERT_EQ(ct.branches.size(), 3u);
  EXPECT_EQ(ct.branches[0].columns, (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(ct.branches[1].columns, (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(ct.branches[2].columns, (std::vector<int32_t>{4}));
  EXPECT_EQ(ct.branches[0].stages.size(), 2u);
  const auto& ohe = std::get<OneHotEncoderStage>(ct.branches[1].stages[0].op);
  EXPECT_TRUE(ohe.ignore_unknown);
  ASSERT_EQ(ohe.categories.size(), 2u);
  EXPECT_EQ(ohe.categories[0][0], Value::String("blue"));
  EXPECT_EQ(ohe.categories[1][0].kind(), Value::Kind::kInt);
  const auto& gb = std::get<TreeEnsemble>(ir->estimator);
  EXPECT_EQ(gb.num_outputs, 1);
  EXPECT_EQ(gb.leaf_width, 1);
  EXPECT_FALSE(gb.missing_allowed);
  ASSERT_EQ(gb.base_score.size(), 1u);
}

}  // namespace
}  // namespace ferry::model
