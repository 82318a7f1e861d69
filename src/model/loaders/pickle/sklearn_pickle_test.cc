// Fitted scikit-learn estimators pickled at protocols 2 to 5 and with joblib decode into the
// object graph the sklearn loader reads: class names, state attributes and array contents
// (tree nodes read by field name from the pickled dtype) match what Python reports.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "model/loaders/pickle/object.h"
#include "model/loaders/pickle/test_support.h"

namespace ferry::pickle {
namespace {

using testing::ReadFile;

constexpr char kEstimatorsScript[] = R"PY(
import json, os, pickle, sys, warnings
import numpy as np, joblib
warnings.filterwarnings('ignore')
from sklearn.datasets import make_classification
from sklearn.tree import DecisionTreeClassifier
from sklearn.ensemble import (RandomForestRegressor, GradientBoostingClassifier,
                              HistGradientBoostingClassifier)
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler
out = sys.argv[1]
X, y = make_classification(300, 5, n_informative=3, n_classes=3, random_state=1)
est = {
  'tree': DecisionTreeClassifier(max_depth=4, random_state=0).fit(X, y),
  'forest': RandomForestRegressor(n_estimators=3, max_depth=3, random_state=0).fit(X, X[:, 0]),
  'gb': GradientBoostingClassifier(n_estimators=3, random_state=0).fit(X, y > 0),
  'hgb': HistGradientBoostingClassifier(max_iter=2, random_state=0).fit(X, y),
  'logreg': LogisticRegression(max_iter=500).fit(X, y),
  'pipe': Pipeline([('ct', ColumnTransformer([('oh', OneHotEncoder(handle_unknown='ignore'), [0]),
                                               ('sc', StandardScaler(), [1, 2])])),
                    ('m', LogisticRegression())]).fit(
                        np.array([['a', 1.0, 2.0], ['b', 3.0, 1.0], ['a', 0.0, 0.5]], dtype=object),
                        [0, 1, 0]),
}
def nodes(tree):
  st = tree.__getstate__()
  n = st['nodes']
  return {f: [float(v) for v in n[f]] for f in n.dtype.names}
exp = {
  'tree_nodes': nodes(est['tree'].tree_),
  'tree_values': [float(v) for v in est['tree'].tree_.value.ravel()],
  'forest_first_nodes': nodes(est['forest'].estimators_[0].tree_),
  'forest_count': len(est['forest'].estimators_),
  'gb_shape': list(est['gb'].estimators_.shape),
  'gb_last_threshold': [float(v) for v in est['gb'].estimators_[-1, 0].tree_.threshold],
  'hgb_values': [float(v) for v in est['hgb']._predictors[1][2].nodes['value']],
  'hgb_thresholds': [float(v) for v in est['hgb']._predictors[1][2].nodes['num_threshold']],
  'coef': [float(v) for v in est['logreg'].coef_.ravel()],
  'intercept': [float(v) for v in est['logreg'].intercept_],
  'categories': [str(v) for v in est['pipe'].steps[0][1].transformers_[0][1].categories_[0]],
  'scale': [float(v) for v in est['pipe'].steps[0][1].transformers_[1][1].scale_],
}
json.dump(exp, open(os.path.join(out, 'expected.json'), 'w'))
for p in (2, 3, 4, 5):
  pickle.dump(est, open(os.path.join(out, 'est_p%d.pkl' % p), 'wb'), protocol=p)
joblib.dump(est, os.path.join(out, 'est_joblib.pkl'))
joblib.dump(est, os.path.join(out, 'est_joblib_zlib.pkl'), compress=3)
)PY";

class SklearnPickleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    dir_ = &tmp_->path();
    ASSERT_TRUE(testing::RunPython(*dir_, kEstimatorsScript));
  }
  static void TearDownTestSuite() { delete tmp_; }
  static testing::TempDir* tmp_;
  static const std::string* dir_;
};
testing::TempDir* SklearnPickleTest::tmp_ = nullptr;
const std::string* SklearnPickleTest::dir_ = nullptr;

std::vector<double> Doubles(simdjson::dom::element e) {
  std::vector<double> out;
  for (auto v : simdjson::dom::array(e)) out.push_back(double(v));
  return out;
}

void ExpectNodes(const Object& tree_estimator, simdjson::dom::element expected,
                 const std::string& where) {
  const Object* tree = tree_estimator.Get("tree_");
  ASSERT_NE(tree, nullptr) << where;
  EXPECT_EQ(tree->str, "sklearn.tree._tree.Tree");
  ASSERT_EQ(tree->items.size(), 3u) << where;  // (n_features, n_classes, n_outputs)
  auto nodes = tree->Attr("nodes").value()->AsArray("nodes");
  ASSERT_TRUE(nodes.ok()) << nodes.status();
  for (auto [field, values] : simdjson::dom::object(expected)) {
    int64_t r = 0;
    for (double v : Doubles(values)) {
      auto got = (*nodes)->FieldDouble(r, std::string_view(field));
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(*got, v) << where << " " << field << "[" << r << "]";
      ++r;
    }
    EXPECT_EQ(r, (*nodes)->size()) << where;
  }
}

void CheckEstimators(const Object& root, simdjson::dom::element exp, const std::string& where) {
  SCOPED_TRACE(where);
  const Object& tree = *root.Get("tree");
  EXPECT_TRUE(tree.IsInstanceOf("DecisionTreeClassifier"));
  EXPECT_EQ(tree.Attr("_sklearn_version").value()->AsString("v").value(), "1.2.1");
  ExpectNodes(tree, exp["tree_nodes"], where + " tree");
  auto values = tree.Get("tree_")->Attr("values").value()->AsArray("values");
  ASSERT_TRUE(values.ok());
  EXPECT_EQ((*values)->ToDoubles().value(), Doubles(exp["tree_values"]));

  const Object& forest = *root.Get("forest");
  const Object* trees = forest.Get("estimators_");
  ASSERT_NE(trees, nullptr);
  ASSERT_EQ(static_cast<int64_t>(trees->items.size()), int64_t(exp["forest_count"]));
  ExpectNodes(*trees->items[0], exp["forest_first_nodes"], where + " forest");

  const Object& gb = *root.Get("gb");
  auto stages = gb.Attr("estimators_").value()->AsArray("estimators_");
  ASSERT_TRUE(stages.ok()) << stages.status();
  EXPECT_EQ((*stages)->dtype.kind, 'O');
  std::vector<int64_t> shape;
  for (auto d : simdjson::dom::array(exp["gb_shape"])) shape.push_back(int64_t(d));
  EXPECT_EQ((*stages)->shape, shape);
  const Object& last = *(*stages)->objects.back();
  EXPECT_TRUE(last.IsInstanceOf("DecisionTreeRegressor"));
  auto nodes = last.Get("tree_")->Get("nodes")->array;
  std::vector<double> thresholds;
  for (int64_t r = 0; r < nodes->size(); ++r)
    thresholds.push_back(*nodes->FieldDouble(r, "threshold"));
  EXPECT_EQ(thresholds, Doubles(exp["gb_last_threshold"]));
  EXPECT_TRUE(gb.Get("loss_") != nullptr || gb.Get("_loss") != nullptr);

  const Object& hgb = *root.Get("hgb");
  const Object* predictors = hgb.Get("_predictors");
  ASSERT_NE(predictors, nullptr);
  const Object& p = *predictors->items.at(1)->items.at(2);
  EXPECT_TRUE(p.IsInstanceOf("TreePredictor"));
  const NdArray& hn = *p.Get("nodes")->array;
  std::vector<double> hv, ht;
  for (int64_t r = 0; r < hn.size(); ++r) {
    hv.push_back(*hn.FieldDouble(r, "value"));
    ht.push_back(*hn.FieldDouble(r, "num_threshold"));
  }
  EXPECT_EQ(hv, Doubles(exp["hgb_values"]));
  EXPECT_EQ(ht, Doubles(exp["hgb_thresholds"]));
  EXPECT_NE(hgb.Get("_bin_mapper"), nullptr);

  const Object& lr = *root.Get("logreg");
  auto coef = lr.Attr("coef_").value()->AsArray("coef_");
  ASSERT_TRUE(coef.ok());
  EXPECT_EQ((*coef)->shape.size(), 2u);
  EXPECT_EQ((*coef)->ToDoubles().value(), Doubles(exp["coef"]));
  EXPECT_EQ(lr.Attr("intercept_").value()->AsDoubles("intercept_").value(),
            Doubles(exp["intercept"]));

  const Object& pipe = *root.Get("pipe");
  EXPECT_TRUE(pipe.IsInstanceOf("Pipeline"));
  const Object& ct = *pipe.Get("steps")->items.at(0)->items.at(1);
  EXPECT_TRUE(ct.IsInstanceOf("ColumnTransformer"));
  const Object& onehot = *ct.Get("transformers_")->items.at(0)->items.at(1);
  EXPECT_TRUE(onehot.IsInstanceOf("OneHotEncoder"));
  auto cats = onehot.Get("categories_")->items.at(0)->AsStrings("categories_[0]");
  ASSERT_TRUE(cats.ok()) << cats.status();
  std::vector<std::string> want;
  for (auto v : simdjson::dom::array(exp["categories"])) want.emplace_back(std::string_view(v));
  EXPECT_EQ(*cats, want);
  const Object& scaler = *ct.Get("transformers_")->items.at(1)->items.at(1);
  EXPECT_EQ(scaler.Attr("scale_").value()->AsDoubles("scale_").value(), Doubles(exp["scale"]));
}

TEST_F(SklearnPickleTest, EstimatorsDecodeAtEveryProtocolAndWithJoblib) {
  simdjson::dom::parser parser;
  const std::string json = ReadFile(*dir_ + "/expected.json");
  simdjson::dom::element exp = parser.parse(json);
  for (const std::string name : {"est_p2.pkl", "est_p3.pkl", "est_p4.pkl", "est_p5.pkl",
                                 "est_joblib.pkl", "est_joblib_zlib.pkl"}) {
    std::string format;
    auto root = UnpickleFile(*dir_ + "/" + name, &format);
    ASSERT_TRUE(root.ok()) << name << ": " << root.status();
    CheckEstimators(**root, exp, name + " (" + format + ")");
  }
}

TEST_F(SklearnPickleTest, AccessorErrorsNameTheAttributeAndWhatWasFound) {
  auto root = UnpickleFile(*dir_ + "/est_p4.pkl", nullptr);
  ASSERT_TRUE(root.ok()) << root.status();
  const Object& lr = *(*root)->Get("logreg");
  auto missing = lr.Attr("coefs_");
  ASSERT_FALSE(missing.ok());
  const std::string msg(missing.status().message());
  EXPECT_NE(msg.find("sklearn.linear_model._logistic.LogisticRegression has no attribute "
                     "'coefs_'"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("coef_"), std::string::npos) << msg;  // lists what is present
  auto wrong = lr.Get("classes_")->AsString("classes_");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(), "'classes_': expected a str, got ndarray <i8 shape (3,)");
}

constexpr char kAllEstimatorsScript[] = R"PY(
import json, os, pickle, sys, warnings
import numpy as np, pandas as pd, joblib
warnings.filterwarnings('ignore')
from sklearn.datasets import make_classification, make_regression
from sklearn import (linear_model as lm, tree, ensemble as en, dummy, pipeline, compose,
                     preprocessing as pp, impute, feature_extraction as fe)
out = sys.argv[1]
Xc, yc = make_classification(120, 5, n_informative=3, n_classes=3, random_state=0)
Xr, yr = make_regression(120, 5, random_state=0)
yb = (yc > 0).astype(int)
rs = np.random.RandomState(0)
e = [lm.LinearRegression().fit(Xr, yr), lm.Ridge().fit(Xr, yr), lm.Lasso().fit(Xr, yr),
     lm.ElasticNet().fit(Xr, yr), lm.LogisticRegression().fit(Xc, yc),
     tree.DecisionTreeClassifier(max_depth=3).fit(Xc, yc),
     tree.DecisionTreeRegressor(max_depth=3).fit(Xr, yr),
     en.RandomForestClassifier(n_estimators=2, max_depth=2, random_state=rs).fit(Xc, yc),
     en.ExtraTreesClassifier(n_estimators=2, max_depth=2).fit(Xc, yc),
     en.RandomForestRegressor(n_estimators=2, max_depth=2).fit(Xr, yr),
     en.ExtraTreesRegressor(n_estimators=2, max_depth=2).fit(Xr, yr),
     en.GradientBoostingClassifier(n_estimators=2).fit(Xc, yc),
     en.GradientBoostingClassifier(n_estimators=2, loss='exponential').fit(Xc, yb),
     dummy.DummyClassifier().fit(Xc, yc), dummy.DummyRegressor().fit(Xr, yr),
     en.HistGradientBoostingClassifier(max_iter=2).fit(Xc, yb),
     en.HistGradientBoostingClassifier(max_iter=2, categorical_features=[4]).fit(
         np.c_[Xc[:, :4], (Xc[:, 4] > 0)], yc),
     fe.DictVectorizer().fit([{'a': 1, 'b': 'x'}, {'a': 2, 'b': 'y'}]),
     pp.OneHotEncoder(drop='first', min_frequency=2).fit(
         np.array([['a'], ['b'], ['a'], ['c'], ['a'], ['b']], dtype=object)),
     impute.SimpleImputer(strategy='most_frequent').fit(np.array([['a'], ['b'], ['a']], dtype=object)),
     pp.MinMaxScaler().fit(Xr),
     compose.ColumnTransformer([('n', 'passthrough', [0])], remainder=pp.StandardScaler()).fit(Xr)]
for loss in ['squared_error', 'absolute_error', 'huber', 'quantile']:
  e.append(en.GradientBoostingRegressor(n_estimators=2, loss=loss).fit(Xr, yr))
for loss in ['squared_error', 'absolute_error', 'poisson', 'quantile']:
  kw = {'quantile': 0.5} if loss == 'quantile' else {}
  e.append(en.HistGradientBoostingRegressor(max_iter=2, loss=loss, **kw).fit(
      np.abs(Xr), np.abs(yr) if loss == 'poisson' else yr))
df = pd.DataFrame({'a': Xr[:, 0], 'c': np.where(Xr[:, 1] > 0, 'x', 'y')})
ct = compose.ColumnTransformer([('n', pp.StandardScaler(), ['a']),
                                ('c', pp.OneHotEncoder(handle_unknown='ignore'), ['c'])])
e.append(pipeline.Pipeline([('ct', ct), ('imp', impute.SimpleImputer()), ('m', lm.Ridge())]).fit(df, yr))
manifest = []
for i, est in enumerate(e):
  cls = type(est).__module__ + '.' + type(est).__name__
  for p in (2, 3, 4, 5):
    name = 'e%d_p%d.pkl' % (i, p)
    pickle.dump(est, open(os.path.join(out, name), 'wb'), protocol=p)
    manifest.append([name, cls])
  for c in ('none', 'lz4'):
    name = 'e%d_%s.joblib' % (i, c)
    joblib.dump(est, os.path.join(out, name), compress=0 if c == 'none' else (c, 1))
    manifest.append([name, cls])
json.dump(manifest, open(os.path.join(out, 'manifest.json'), 'w'))
)PY";

TEST(SklearnAllowListTest, EverySupportedEstimatorLoadsAtEveryProtocol) {
  const testing::TempDir tmp;
  const std::string& dir = tmp.path();
  ASSERT_TRUE(testing::RunPython(dir, kAllEstimatorsScript));
  simdjson::dom::parser parser;
  const std::string json = ReadFile(dir + "/manifest.json");
  int files = 0;
  for (auto entry : simdjson::dom::array(parser.parse(json))) {
    const std::string name(std::string_view(entry.at(0)));
    auto root = UnpickleFile(dir + "/" + name, nullptr);
    ASSERT_TRUE(root.ok()) << name << ": " << root.status();
    EXPECT_EQ((*root)->str, std::string_view(entry.at(1))) << name;
    EXPECT_NE((*root)->Get("_sklearn_version"), nullptr) << name;
    ++files;
  }
  EXPECT_GT(files, 180);  // 31 estimators x (4 protocols + 2 joblib files)
}

}  // namespace
}  // namespace ferry::pickle
