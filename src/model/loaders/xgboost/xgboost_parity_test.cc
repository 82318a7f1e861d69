// Parity with XGBoost itself: testdata/make_models.py trains boosters with /usr/bin/python3
// (xgboost 1.7) for every supported objective, gbtree and dart, categorical splits, multi-target
// and the scikit-learn wrapper, and records the library's predictions. Each model is loaded from
// both its .json and .ubj files with LoadModel (which detects the format from the bytes) and must
// predict the same float32 values and labels.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/record_batch.h"
#include "gtest/gtest.h"
#include "model/loaders/load.h"

namespace ferry::model {
namespace {

struct Case {
  std::string name;
  size_t rows = 0;
  int32_t features = 0;
  int32_t width = 0;
  bool classifier = false;
};

template <typename T>
std::vector<T> ReadRaw(const std::string& path, size_t count) {
  std::vector<T> values(count);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(count * sizeof(T)));
  EXPECT_TRUE(in.good()) << "cannot read " << count << " values from " << path;
  return values;
}

class XGBoostParityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ferry_xgb_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = new std::string(pattern);
    std::string command = absl::StrCat("/usr/bin/python3 ", FERRY_XGBOOST_TESTDATA,
                                       "/make_models.py ", *dir_, " 2>", *dir_, "/python.log");
    int rc = std::system(command.c_str());
    ASSERT_EQ(rc, 0) << "fixture generation failed, see " << *dir_ << "/python.log";
    std::ifstream list(*dir_ + "/cases.txt");
    cases_ = new std::vector<Case>();
    Case c;
    int classifier = 0;
    while (list >> c.name >> c.rows >> c.features >> c.width >> classifier) {
      c.classifier = classifier != 0;
      cases_->push_back(c);
    }
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) std::filesystem::remove_all(*dir_);
    delete dir_;
    delete cases_;
    dir_ = nullptr;
    cases_ = nullptr;
  }

  // Loads `c` from the file with `extension` and checks every output and label.
  static void CheckCase(const Case& c, const std::string& extension) {
    SCOPED_TRACE(c.name + extension);
    std::string base = *dir_ + "/" + c.name;
    auto model = LoadModel(base + extension);
    ASSERT_TRUE(model.ok()) << model.status();
    ASSERT_EQ((*model)->num_features(), c.features);
    ASSERT_EQ((*model)->num_outputs(), c.width);
    auto x = ReadRaw<double>(base + ".x.f64", c.rows * c.features);
    auto expected = ReadRaw<float>(base + ".pred.f32", c.rows * c.width);
    Predictions p;
    (*model)->PredictFeatures(x.data(), c.rows, &p);
    ASSERT_EQ(p.num_rows, c.rows);
    ASSERT_EQ(p.width, c.width);
    int mismatches = 0;
    for (size_t r = 0; r < c.rows; ++r) {
      ASSERT_TRUE(p.ok(r)) << "row " << r << ": " << p.errors[r];
      for (int32_t k = 0; k < c.width; ++k) {
        float got = static_cast<float>(p.value(r, k));
        float want = expected[r * c.width + k];
        if (std::memcmp(&got, &want, sizeof(float)) != 0 && mismatches++ < 5) {
          ADD_FAILURE() << "row " << r << " output " << k << ": ferry " << got << " (double "
                        << p.value(r, k) << "), XGBoost " << want;
        }
      }
    }
    EXPECT_EQ(mismatches, 0);
    if (c.classifier) {
      auto labels = ReadRaw<int32_t>(base + ".label.i32", c.rows);
      ASSERT_EQ(p.label.size(), c.rows);
      for (size_t r = 0; r < c.rows; ++r) EXPECT_EQ(p.label[r], labels[r]) << "row " << r;
    }
  }

  static std::string* dir_;
  static std::vector<Case>* cases_;
};

std::string* XGBoostParityTest::dir_ = nullptr;
std::vector<Case>* XGBoostParityTest::cases_ = nullptr;

TEST_F(XGBoostParityTest, EveryCaseWasGenerated) {
  // 12 objectives x {gbtree, dart} + 4 base_score + forest + deep + multi-target +
  // 2 categorical + scikit-learn wrapper.
  EXPECT_EQ(cases_->size(), 34u);
}

TEST_F(XGBoostParityTest, JsonPredictionsEqualXGBoost) {
  for (const Case& c : *cases_) CheckCase(c, ".json");
}

TEST_F(XGBoostParityTest, UbjsonPredictionsEqualXGBoost) {
  for (const Case& c : *cases_) CheckCase(c, ".ubj");
}

TEST_F(XGBoostParityTest, RecordsAreMatchedByFeatureName) {
  // reg_linear_gbtree was trained with feature names f_0..f_4; send the columns reversed.
  const Case* named = nullptr;
  for (const Case& c : *cases_) {
    if (c.name == "reg_linear_gbtree") named = &c;
  }
  ASSERT_NE(named, nullptr);
  std::string base = *dir_ + "/" + named->name;
  auto model = LoadModel(base + ".json");
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_EQ((*model)->input_names(), (std::vector<std::string>{"f_0", "f_1", "f_2", "f_3", "f_4"}));
  auto x = ReadRaw<double>(base + ".x.f64", named->rows * named->features);
  auto expected = ReadRaw<float>(base + ".pred.f32", named->rows);
  RecordBatch batch(named->rows);
  for (int32_t j = named->features - 1; j >= 0; --j) {
    std::vector<Value> column;
    for (size_t r = 0; r < named->rows; ++r) {
      double v = x[r * named->features + j];
      column.push_back(std::isnan(v) ? Value::Null() : Value::Float(v));
    }
    batch.AddColumn(absl::StrCat("f_", j), std::move(column));
  }
  Predictions p = (*model)->Predict(batch);
  ASSERT_EQ(p.num_rows, named->rows);
  for (size_t r = 0; r < named->rows; ++r) {
    ASSERT_TRUE(p.ok(r)) << p.errors[r];
    EXPECT_EQ(static_cast<float>(p.value(r, 0)), expected[r]) << "row " << r;
  }
}

}  // namespace
}  // namespace ferry::model
