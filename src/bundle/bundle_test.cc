// End-to-end tests of bundles: a Pipeline(DictVectorizer, LogisticRegression) and a plain
// LogisticRegression trained at test time by /usr/bin/python3, scored through a bundle with
// good and bad rows and compared with scikit-learn's own probabilities; and validation
// catching specs that do not fit their model.
#include "bundle/bundle.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bundle/validate.h"
#include "gtest/gtest.h"

namespace ferry::bundle {
namespace {

namespace fs = std::filesystem;

constexpr char kTrain[] = R"PY(
import sys, datetime, json, joblib, numpy as np
from sklearn.pipeline import Pipeline
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
out = sys.argv[1]
rng = np.random.default_rng(7)
airports = ["SFO", "JFK", "ORD", "ATL"]
dist = {(a, b): 100 * (i + 1) + 10 * j for i, a in enumerate(airports) for j, b in enumerate(airports) if a != b}
with open(out + "/data/distances.csv", "w") as f:
    f.write("Origin,Dest,Distance\n")
    for (a, b), d in dist.items():
        f.write(f"{a},{b},{d}\n")
def features(rec):
    d = datetime.date.fromisoformat(rec["FlightDate"])
    return {"DepDelay": float(rec["DepDelay"]), "Carrier": rec["Carrier"],
            "Distance": dist[(rec["Origin"], rec["Dest"])], "DayOfWeek": d.weekday(),
            "Route": f'{rec["Origin"]}-{rec["Dest"]}'}
recs = []
for i in range(300):
    o, d = rng.choice(airports, 2, replace=False)
    recs.append({"DepDelay": float(rng.normal(5, 20)), "Carrier": str(rng.choice(["AA", "DL", "UA"])),
                 "FlightDate": str(datetime.date(2016, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 365)))),
                 "Origin": str(o), "Dest": str(d)})
X = [features(r) for r in recs]
y = [0 if x["DepDelay"] < -5 else (1 if x["DepDelay"] < 10 else 2) for x in X]
model = Pipeline([("dv", DictVectorizer()), ("lr", LogisticRegression(max_iter=2000))]).fit(X, y)
joblib.dump(model, out + "/model.joblib")
test = recs[:5]
with open(out + "/expected.json", "w") as f:
    json.dump({"records": test, "proba": model.predict_proba([features(r) for r in test]).tolist(),
               "label": [int(v) for v in model.predict([features(r) for r in test])]}, f)
# A plain model with 3 numeric inputs for the feature-count check.
plain = LogisticRegression().fit(rng.normal(size=(50, 3)), rng.integers(0, 2, 50))
joblib.dump(plain, out + "/plain.joblib")
)PY";

constexpr char kSpec[] = R"YAML(name: tiny_delays
description: test bundle
model: model.joblib
unknown_fields: ignore
inputs:
  DepDelay:   {type: float, min: -60, max: 1500}
  Carrier:    {type: string, regex: "^[A-Z0-9]{2}$"}
  FlightDate: {type: date}
  Origin:     {type: string}
  Dest:       {type: string}
  FlightNum:  {type: string, required: false, default: ""}
lookups:
  distances:
    file: data/distances.csv
    key: [Origin, Dest]
    on_missing: error
features:
  DepDelay: DepDelay
  Carrier: Carrier
  Distance: lookup(distances, Origin, Dest).Distance
  DayOfWeek: day_of_week(FlightDate)
  Route: concat(Origin, "-", Dest)
outputs:
  prediction: delay_class
  labels: {0: "Early", 1: "On time", 2: "Late"}
  probabilities: true
  probability_of: {class: 2, name: p_late}
  passthrough: [FlightNum]
  constants: {model_version: "{name}-{version}"}
)YAML";

class BundleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("ferry_bundle_test_" + std::to_string(::getpid())));
    fs::create_directories(*dir_ / "data");
    std::ofstream(*dir_ / "train.py") << kTrain;
    std::string cmd = "/usr/bin/python3 " + (*dir_ / "train.py").string() + " " + dir_->string();
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  // Writes `spec` as a bundle directory sharing the model and data; returns its path.
  std::string MakeBundle(const std::string& name, const std::string& spec) {
    fs::path b = *dir_ / name;
    fs::create_directories(b / "data");
    fs::copy_file(*dir_ / "model.joblib", b / "model.joblib", fs::copy_options::overwrite_existing);
    fs::copy_file(*dir_ / "plain.joblib", b / "plain.joblib", fs::copy_options::overwrite_existing);
    fs::copy_file(*dir_ / "data/distances.csv", b / "data/distances.csv", fs::copy_options::overwrite_existing);
    std::ofstream(b / "ferry.yaml") << spec;
    return b.string();
  }
  static std::string Replace(std::string s, const std::string& from, const std::string& to) {
    size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
  }
  static std::string Problems(const std::string& dir) {
    std::string all;
    for (const Problem& p : ValidateBundle(dir)) all += p.ToString() + "\n";
    return all;
  }

  static fs::path* dir_;
};
fs::path* BundleTest::dir_ = nullptr;

// Reads a JSON value out of expected.json with a tiny scanner for the few shapes it holds.
std::vector<double> Numbers(const std::string& text) {
  std::vector<double> out;
  std::istringstream in(text);
  char c;
  while (in >> c) {
    if ((c >= '0' && c <= '9') || c == '-') {
      in.putback(c);
      double d;
      in >> d;
      out.push_back(d);
    }
  }
  return out;
}

TEST_F(BundleTest, ScoresGoodRowsLikeScikitLearnAndReportsBadOnes) {
  std::string b = MakeBundle("good", kSpec);
  auto bundle = Bundle::Load(b);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  // The first five training records, from Python, then bad rows.
  std::ifstream f(*dir_ / "expected.json");
  std::string json((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t proba_at = json.find("\"proba\"");
  size_t label_at = json.find("\"label\"");
  std::vector<double> proba = Numbers(json.substr(proba_at, label_at - proba_at));
  std::vector<double> labels = Numbers(json.substr(label_at));
  ASSERT_EQ(proba.size(), 15u);
  // Records: pull the fields out of the JSON with the positions Python wrote them in.
  std::vector<std::vector<std::string>> recs;
  size_t at = json.find("\"records\"");
  for (int i = 0; i < 5; ++i) {
    std::vector<std::string> rec;
    for (const char* key : {"\"DepDelay\": ", "\"Carrier\": \"", "\"FlightDate\": \"", "\"Origin\": \"", "\"Dest\": \""}) {
      at = json.find(key, at) + std::string(key).size();
      size_t end = json.find_first_of(",\"}", at);
      rec.push_back(json.substr(at, end - at));
    }
    recs.push_back(rec);
  }
  size_t n = 10;
  RecordBatch batch(n);
  std::vector<Value> dep(n), carrier(n), date(n), origin(n), dest(n), num(n);
  for (size_t r = 0; r < n; ++r) {
    const auto& rec = recs[r % 5];
    dep[r] = Value::String(rec[0]);  // numbers as strings, as a form sends them
    carrier[r] = Value::String(rec[1]);
    date[r] = Value::String(rec[2]);
    origin[r] = Value::String(rec[3]);
    dest[r] = Value::String(rec[4]);
    num[r] = Value::Int(1000 + static_cast<int64_t>(r));
  }
  date[5] = Value::String("2016-13-45");
  dep[6] = Value::Int(5000);
  carrier[7] = Value::String("xyz");
  origin[8] = Value();
  origin[9] = Value::String("XXX");
  dest[9] = Value::String("SFO");
  batch.AddColumn("DepDelay", dep);
  batch.AddColumn("Carrier", carrier);
  batch.AddColumn("FlightDate", date);
  batch.AddColumn("Origin", origin);
  batch.AddColumn("Dest", dest);
  batch.AddColumn("FlightNum", num);
  batch.AddColumn("Ignored", std::vector<Value>(n, Value::Int(1)));

  ScoreTimings timings;
  ScoredBatch out = (*bundle)->Score(batch, &timings);
  ASSERT_EQ(out.num_rows, n);
  const char* names[] = {"Early", "On time", "Late"};
  for (size_t r = 0; r < 5; ++r) {
    ASSERT_TRUE(out.ok(r)) << out.errors[r];
    EXPECT_EQ(out.field(r, 0), Value::String(names[static_cast<int>(labels[r])])) << r;
    for (size_t k = 0; k < 3; ++k) EXPECT_NEAR(out.probability(r, k), proba[r * 3 + k], 1e-12) << r;
    EXPECT_NEAR(*out.field(r, 1).ToDouble(), proba[r * 3 + 2], 1e-12);
    EXPECT_EQ(out.field(r, 2), Value::String(std::to_string(1000 + r)));
  }
  EXPECT_EQ(out.field_names, (std::vector<std::string>{"delay_class", "p_late", "FlightNum", "model_version"}));
  EXPECT_EQ(out.class_labels, (std::vector<std::string>{"Early", "On time", "Late"}));
  EXPECT_EQ(out.errors[5], "FlightDate: '2016-13-45' is not a date (YYYY-MM-DD)");
  EXPECT_EQ(out.errors[6], "DepDelay: 5000 is above the maximum 1500");
  EXPECT_EQ(out.errors[7], "Carrier: 'xyz' does not match ^[A-Z0-9]{2}$");
  EXPECT_EQ(out.errors[8], "Origin: required field is missing");
  EXPECT_EQ(out.errors[9], "lookup distances: no row for Origin=XXX, Dest=SFO");
  EXPECT_EQ(out.RowJson(9, 10), "{\"row\":10,\"error\":\"lookup distances: no row for Origin=XXX, Dest=SFO\"}");
  std::string line = out.RowJson(0, 1);
  EXPECT_EQ(line.rfind("{\"delay_class\":\"", 0), 0u) << line;
  EXPECT_NE(line.find("\"probabilities\":{\"Early\":"), std::string::npos) << line;
  EXPECT_NE(line.find("\"FlightNum\":\"1000\",\"model_version\":\"tiny_delays-"), std::string::npos) << line;
  EXPECT_EQ((*bundle)->version().size(), 12u);  // derived from the model file's content
  EXPECT_GT(timings.model_ns, 0);
}

TEST_F(BundleTest, ValidBundleHasNoErrors) {
  std::vector<Problem> problems = ValidateBundle(MakeBundle("valid", kSpec));
  EXPECT_FALSE(HasErrors(problems)) << Problems((*dir_ / "valid").string());
}

TEST_F(BundleTest, ValidateCatchesAFeatureOutsideTheVocabulary) {
  std::string b = MakeBundle("vocab", Replace(kSpec, "  Route: concat", "  Speed: DepDelay / 2\n  Route: concat"));
  std::string p = Problems(b);
  EXPECT_NE(p.find("ferry.yaml:22: error: features.Speed gives float values, but 'Speed' is not in the model's DictVectorizer vocabulary"), std::string::npos) << p;
  b = MakeBundle("vocab2", Replace(kSpec, "DayOfWeek: day_of_week(FlightDate)", "DayOfWeek: string(day_of_week(FlightDate))"));
  p = Problems(b);
  EXPECT_NE(p.find("features.DayOfWeek gives strings, but the model's DictVectorizer has no entry 'DayOfWeek=...' (it saw this feature as a number: use float(...))"), std::string::npos) << p;
  b = MakeBundle("vocab3", Replace(kSpec, "  Route: concat(Origin, \"-\", Dest)\n", ""));
  p = Problems(b);
  EXPECT_NE(p.find("warning: the model's DictVectorizer has"), std::string::npos) << p;
  EXPECT_NE(p.find("Route=ATL-JFK"), std::string::npos) << p;
}

TEST_F(BundleTest, ValidateCatchesLabelsAndClassesTheModelDoesNotHave) {
  std::string b = MakeBundle("labels", Replace(Replace(kSpec, "2: \"Late\"}", "2: \"Late\", 7: \"Never\"}"),
                                               "{class: 2, name: p_late}", "{class: 9, name: p_late}"));
  std::string p = Problems(b);
  EXPECT_NE(p.find("error: outputs.labels: class 7 is not a class of the model (classes: 0, 1, 2)"), std::string::npos) << p;
  EXPECT_NE(p.find("error: outputs.probability_of: class 9 is not a class of the model (classes: 0, 1, 2)"), std::string::npos) << p;
  auto loaded = Bundle::Load(b);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("class 7 is not a class"), std::string::npos);
}

TEST_F(BundleTest, ValidateCatchesAWrongFeatureCount) {
  std::string b = MakeBundle("count", Replace(kSpec, "model: model.joblib", "model: plain.joblib"));
  std::string p = Problems(b);
  EXPECT_NE(p.find("error: ferry.yaml defines 5 features but the model takes 3 inputs"), std::string::npos) << p;
}

TEST_F(BundleTest, ValidateReportsEverySpecProblemWithItsLine) {
  std::string spec = Replace(kSpec, "DepDelay:   {type: float, min: -60, max: 1500}", "DepDelay:   {type: float, maximum: 1500}");
  spec = Replace(spec, "Origin:     {type: string}", "Origin:     {type: text}");
  spec = Replace(spec, "DayOfWeek: day_of_week(FlightDate)", "DayOfWeek: day_of_week(Carrier)");
  spec = Replace(spec, "on_missing: error", "on_missing: maybe");
  spec = Replace(spec, "description: test bundle", "description: test bundle\nextra_key: 1");
  std::string p = Problems(MakeBundle("spec", spec));
  EXPECT_NE(p.find("ferry.yaml:3:1: error: ferry.yaml: unknown key 'extra_key'"), std::string::npos) << p;
  EXPECT_NE(p.find("ferry.yaml:7:29: error: inputs.DepDelay: unknown key 'maximum'"), std::string::npos) << p;
  EXPECT_NE(p.find("ferry.yaml:10:22: error: inputs.Origin: unknown type 'text'"), std::string::npos) << p;
  EXPECT_NE(p.find("error: lookups.distances.on_missing: 'maybe' is not one of error, default, null"), std::string::npos) << p;
  EXPECT_NE(p.find("ferry.yaml:22:14: error: features.DayOfWeek: 'day_of_week(Carrier)': column 13: day_of_week needs a date or timestamp, got string (Carrier)"), std::string::npos) << p;
  p = Problems((*dir_ / "no_such_bundle").string());
  EXPECT_NE(p.find("a bundle directory? it needs a ferry.yaml"), std::string::npos) << p;
}

TEST_F(BundleTest, SpecThatIsNotAReadableFileIsOneClearProblem) {
  fs::path b = *dir_ / "yaml_is_a_dir";
  fs::create_directories(b / "ferry.yaml");
  std::vector<Problem> problems;
  ParseSpec(b.string(), &problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("is not a regular file"), std::string::npos) << problems[0].ToString();
}

TEST(SpecText, SyntaxErrorsAndNonMappingsGiveALineAndNoCrash) {
  std::vector<Problem> problems;
  ParseSpecText("/b", "name: x\nmodel: [unclosed\n", &problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_GT(problems[0].line, 0) << problems[0].ToString();
  EXPECT_NE(problems[0].message.find("not valid YAML: "), std::string::npos) << problems[0].ToString();
  for (const char* text : {"", "- a\n- b\n", "just text", "\xff\xfe\x00\x01", "inputs: 3\nfeatures: [1]\n",
                           "inputs: {x: {type: [float]}}\nfeatures: {f: {g: 1}}\noutputs: 7\n"}) {
    problems.clear();
    BundleSpec spec = ParseSpecText("/b", text, &problems);
    EXPECT_TRUE(spec.features.empty()) << text;
  }
}

// The example bundles under examples/ (when their models were generated) must validate.
TEST(ExampleBundles, Validate) {
  const char* root = std::getenv("FERRY_SOURCE_DIR");
  if (root == nullptr) GTEST_SKIP() << "FERRY_SOURCE_DIR is not set";
  int checked = 0;
  for (const auto& example : fs::directory_iterator(fs::path(root) / "examples")) {
    if (!example.is_directory()) continue;
    for (const auto& b : fs::directory_iterator(example.path())) {
      if (!fs::exists(b.path() / "ferry.yaml") || !fs::exists(b.path() / "model.joblib")) continue;
      std::string all;
      std::vector<Problem> problems = ValidateBundle(b.path().string());
      for (const Problem& p : problems) all += p.ToString() + "\n";
      EXPECT_FALSE(HasErrors(problems)) << b.path() << ":\n" << all;
      ++checked;
    }
  }
  if (checked == 0) GTEST_SKIP() << "no example bundle with a model yet";
}

}  // namespace
}  // namespace ferry::bundle
