// The allow-list table. Adding a supported scikit-learn class means adding its module paths
// here (every path the supported scikit-learn versions pickle it under).
#include "model/loaders/pickle/allowlist.h"

#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ferry::pickle {
namespace {

constexpr AllowedGlobal kAllowed[] = {
    // numpy (numpy 2.x renamed numpy.core to numpy._core)
    {"numpy.core.multiarray", "_reconstruct", GlobalRole::kNumpyReconstruct},
    {"numpy.core.multiarray", "scalar", GlobalRole::kNumpyScalar},
    {"numpy._core.multiarray", "_reconstruct", GlobalRole::kNumpyReconstruct},
    {"numpy._core.multiarray", "scalar", GlobalRole::kNumpyScalar},
    {"numpy.core.numeric", "_frombuffer", GlobalRole::kNumpyFromBuffer},
    {"numpy._core.numeric", "_frombuffer", GlobalRole::kNumpyFromBuffer},
    {"numpy", "dtype", GlobalRole::kNumpyDtype},
    {"numpy", "ndarray", GlobalRole::kValueOnly},
    {"numpy", "float16", GlobalRole::kValueOnly},
    {"numpy", "float32", GlobalRole::kValueOnly},
    {"numpy", "float64", GlobalRole::kValueOnly},
    {"numpy", "longdouble", GlobalRole::kValueOnly},
    {"numpy", "int8", GlobalRole::kValueOnly},
    {"numpy", "int16", GlobalRole::kValueOnly},
    {"numpy", "int32", GlobalRole::kValueOnly},
    {"numpy", "int64", GlobalRole::kValueOnly},
    {"numpy", "intc", GlobalRole::kValueOnly},
    {"numpy", "intp", GlobalRole::kValueOnly},
    {"numpy", "uint8", GlobalRole::kValueOnly},
    {"numpy", "uint16", GlobalRole::kValueOnly},
    {"numpy", "uint32", GlobalRole::kValueOnly},
    {"numpy", "uint64", GlobalRole::kValueOnly},
    {"numpy", "uintp", GlobalRole::kValueOnly},
    {"numpy", "bool_", GlobalRole::kValueOnly},
    {"numpy", "object_", GlobalRole::kValueOnly},
    {"numpy", "str_", GlobalRole::kValueOnly},
    {"numpy", "bytes_", GlobalRole::kValueOnly},
    {"numpy", "void", GlobalRole::kValueOnly},
    {"numpy", "datetime64", GlobalRole::kValueOnly},
    {"numpy", "timedelta64", GlobalRole::kValueOnly},
    {"numpy", "complex64", GlobalRole::kValueOnly},
    {"numpy", "complex128", GlobalRole::kValueOnly},
    // numpy random generators (a fitted estimator may hold one)
    {"numpy.random._pickle", "__randomstate_ctor", GlobalRole::kFunction},
    {"numpy.random._pickle", "__bit_generator_ctor", GlobalRole::kFunction},
    {"numpy.random._pickle", "__generator_ctor", GlobalRole::kFunction},
    {"numpy.random", "__RandomState_ctor", GlobalRole::kFunction},
    {"numpy.random.mtrand", "RandomState", GlobalRole::kClass},
    {"numpy.random._mt19937", "MT19937", GlobalRole::kClass},
    {"numpy.random._generator", "Generator", GlobalRole::kClass},
    {"numpy.random._pcg64", "PCG64", GlobalRole::kClass},
    // builtins (protocol 2 writes them as __builtin__)
    {"builtins", "bytes", GlobalRole::kBytes},
    {"builtins", "bytearray", GlobalRole::kBytearray},
    {"builtins", "set", GlobalRole::kSet},
    {"builtins", "frozenset", GlobalRole::kFrozenset},
    {"builtins", "slice", GlobalRole::kClass},
    {"builtins", "object", GlobalRole::kValueOnly},
    {"builtins", "float", GlobalRole::kValueOnly},
    {"builtins", "int", GlobalRole::kValueOnly},
    {"builtins", "str", GlobalRole::kValueOnly},
    {"builtins", "bool", GlobalRole::kValueOnly},
    {"builtins", "complex", GlobalRole::kValueOnly},
    {"builtins", "dict", GlobalRole::kValueOnly},
    {"builtins", "list", GlobalRole::kValueOnly},
    {"builtins", "tuple", GlobalRole::kValueOnly},
    {"__builtin__", "bytes", GlobalRole::kBytes},
    {"__builtin__", "bytearray", GlobalRole::kBytearray},
    {"__builtin__", "set", GlobalRole::kSet},
    {"__builtin__", "frozenset", GlobalRole::kFrozenset},
    {"__builtin__", "slice", GlobalRole::kClass},
    {"__builtin__", "object", GlobalRole::kValueOnly},
    {"__builtin__", "float", GlobalRole::kValueOnly},
    {"__builtin__", "int", GlobalRole::kValueOnly},
    {"__builtin__", "str", GlobalRole::kValueOnly},
    {"__builtin__", "bool", GlobalRole::kValueOnly},
    {"__builtin__", "complex", GlobalRole::kValueOnly},
    {"__builtin__", "dict", GlobalRole::kValueOnly},
    {"__builtin__", "list", GlobalRole::kValueOnly},
    {"__builtin__", "tuple", GlobalRole::kValueOnly},
    {"_codecs", "encode", GlobalRole::kCodecsEncode},
    {"collections", "OrderedDict", GlobalRole::kOrderedDict},
    {"copyreg", "_reconstructor", GlobalRole::kCopyregReconstructor},
    {"copy_reg", "_reconstructor", GlobalRole::kCopyregReconstructor},
    // joblib (and the copy scikit-learn < 0.23 bundled)
    {"joblib.numpy_pickle", "NumpyArrayWrapper", GlobalRole::kJoblibArrayWrapper},
    {"sklearn.externals.joblib.numpy_pickle", "NumpyArrayWrapper", GlobalRole::kJoblibArrayWrapper},
    // scikit-learn 1.0 - 1.5: estimators and the classes their state holds
    {"sklearn.linear_model._base", "LinearRegression", GlobalRole::kClass},
    {"sklearn.linear_model._ridge", "Ridge", GlobalRole::kClass},
    {"sklearn.linear_model._coordinate_descent", "Lasso", GlobalRole::kClass},
    {"sklearn.linear_model._coordinate_descent", "ElasticNet", GlobalRole::kClass},
    {"sklearn.linear_model._logistic", "LogisticRegression", GlobalRole::kClass},
    {"sklearn.tree._classes", "DecisionTreeClassifier", GlobalRole::kClass},
    {"sklearn.tree._classes", "DecisionTreeRegressor", GlobalRole::kClass},
    {"sklearn.tree._classes", "ExtraTreeClassifier", GlobalRole::kClass},
    {"sklearn.tree._classes", "ExtraTreeRegressor", GlobalRole::kClass},
    {"sklearn.tree._tree", "Tree", GlobalRole::kClass},
    {"sklearn.ensemble._forest", "RandomForestClassifier", GlobalRole::kClass},
    {"sklearn.ensemble._forest", "RandomForestRegressor", GlobalRole::kClass},
    {"sklearn.ensemble._forest", "ExtraTreesClassifier", GlobalRole::kClass},
    {"sklearn.ensemble._forest", "ExtraTreesRegressor", GlobalRole::kClass},
    {"sklearn.ensemble._gb", "GradientBoostingClassifier", GlobalRole::kClass},
    {"sklearn.ensemble._gb", "GradientBoostingRegressor", GlobalRole::kClass},
    {"sklearn.ensemble._gb_losses", "LeastSquaresError", GlobalRole::kClass},
    {"sklearn.ensemble._gb_losses", "LeastAbsoluteError", GlobalRole::kClass},
    {"sklearn.ensemble._gb_losses", "HuberLossFunction", GlobalRole::kClass},
    {"sklearn.ensemble._gb_losses", "QuantileLossFunction", GlobalRole::kClass},
    {"sklearn.ensemble._gb_losses", "BinomialDeviance", GlobalRole::kClass},
    {"sklearn.ensemble._gb_losses", "MultinomialDeviance", GlobalRole::kClass},
    {"sklearn.ensemble._gb_losses", "ExponentialLoss", GlobalRole::kClass},
    {"sklearn._loss.loss", "HalfSquaredError", GlobalRole::kClass},
    {"sklearn._loss.loss", "AbsoluteError", GlobalRole::kClass},
    {"sklearn._loss.loss", "PinballLoss", GlobalRole::kClass},
    {"sklearn._loss.loss", "HuberLoss", GlobalRole::kClass},
    {"sklearn._loss.loss", "HalfPoissonLoss", GlobalRole::kClass},
    {"sklearn._loss.loss", "HalfGammaLoss", GlobalRole::kClass},
    {"sklearn._loss.loss", "HalfTweedieLoss", GlobalRole::kClass},
    {"sklearn._loss.loss", "HalfTweedieLossIdentity", GlobalRole::kClass},
    {"sklearn._loss.loss", "HalfBinomialLoss", GlobalRole::kClass},
    {"sklearn._loss.loss", "HalfMultinomialLoss", GlobalRole::kClass},
    {"sklearn._loss.loss", "ExponentialLoss", GlobalRole::kClass},
    {"sklearn._loss._loss", "CyHalfSquaredError", GlobalRole::kClass},
    {"sklearn._loss._loss", "CyAbsoluteError", GlobalRole::kClass},
    {"sklearn._loss._loss", "CyPinballLoss", GlobalRole::kClass},
    {"sklearn._loss._loss", "CyHuberLoss", GlobalRole::kClass},
    {"sklearn._loss._loss", "CyHalfPoissonLoss", GlobalRole::kClass},
    {"sklearn._loss._loss", "CyHalfGammaLoss", GlobalRole::kClass},
    {"sklearn._loss._loss", "CyHalfTweedieLoss", GlobalRole::kClass},
    {"sklearn._loss._loss", "CyHalfTweedieLossIdentity", GlobalRole::kClass},
    {"sklearn._loss._loss", "CyHalfBinomialLoss", GlobalRole::kClass},
    {"sklearn._loss._loss", "CyHalfMultinomialLoss", GlobalRole::kClass},
    {"sklearn._loss._loss", "CyExponentialLoss", GlobalRole::kClass},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHalfSquaredError", GlobalRole::kFunction},
    {"sklearn._loss._loss", "__pyx_unpickle_CyAbsoluteError", GlobalRole::kFunction},
    {"sklearn._loss._loss", "__pyx_unpickle_CyPinballLoss", GlobalRole::kFunction},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHuberLoss", GlobalRole::kFunction},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHalfPoissonLoss", GlobalRole::kFunction},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHalfGammaLoss", GlobalRole::kFunction},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHalfTweedieLoss", GlobalRole::kFunction},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHalfTweedieLossIdentity", GlobalRole::kFunction},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHalfBinomialLoss", GlobalRole::kFunction},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHalfMultinomialLoss", GlobalRole::kFunction},
    {"sklearn._loss._loss", "__pyx_unpickle_CyExponentialLoss", GlobalRole::kFunction},
    {"sklearn._loss.link", "IdentityLink", GlobalRole::kClass},
    {"sklearn._loss.link", "LogLink", GlobalRole::kClass},
    {"sklearn._loss.link", "LogitLink", GlobalRole::kClass},
    {"sklearn._loss.link", "HalfLogitLink", GlobalRole::kClass},
    {"sklearn._loss.link", "MultinomialLogit", GlobalRole::kClass},
    {"sklearn._loss.link", "Interval", GlobalRole::kClass},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "LeastSquares", GlobalRole::kClass},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "LeastAbsoluteDeviation", GlobalRole::kClass},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "Poisson", GlobalRole::kClass},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "BinaryCrossEntropy", GlobalRole::kClass},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "CategoricalCrossEntropy",
     GlobalRole::kClass},
    {"sklearn.ensemble._hist_gradient_boosting.gradient_boosting", "HistGradientBoostingClassifier",
     GlobalRole::kClass},
    {"sklearn.ensemble._hist_gradient_boosting.gradient_boosting", "HistGradientBoostingRegressor",
     GlobalRole::kClass},
    {"sklearn.ensemble._hist_gradient_boosting.predictor", "TreePredictor", GlobalRole::kClass},
    {"sklearn.ensemble._hist_gradient_boosting.binning", "_BinMapper", GlobalRole::kClass},
    {"sklearn.dummy", "DummyClassifier", GlobalRole::kClass},
    {"sklearn.dummy", "DummyRegressor", GlobalRole::kClass},
    {"sklearn.pipeline", "Pipeline", GlobalRole::kClass},
    {"sklearn.compose._column_transformer", "ColumnTransformer", GlobalRole::kClass},
    {"sklearn.compose._column_transformer", "make_column_selector", GlobalRole::kClass},
    {"sklearn.preprocessing._function_transformer", "FunctionTransformer", GlobalRole::kClass},
    {"sklearn.utils._bunch", "Bunch", GlobalRole::kClass},
    {"sklearn.utils", "Bunch", GlobalRole::kClass},
    {"sklearn.feature_extraction._dict_vectorizer", "DictVectorizer", GlobalRole::kClass},
    {"sklearn.preprocessing._encoders", "OneHotEncoder", GlobalRole::kClass},
    {"sklearn.preprocessing._data", "StandardScaler", GlobalRole::kClass},
    {"sklearn.preprocessing._data", "MinMaxScaler", GlobalRole::kClass},
    {"sklearn.impute._base", "SimpleImputer", GlobalRole::kClass},
};

}  // namespace

const AllowedGlobal* FindAllowedGlobal(absl::string_view module, absl::string_view name) {
  for (const AllowedGlobal& g : kAllowed) {
    if (g.name == name && g.module == module) return &g;
  }
  return nullptr;
}

const AllowedGlobal* AllowedGlobalAt(int64_t index) {
  if (index < 0 || index >= static_cast<int64_t>(std::size(kAllowed))) return nullptr;
  return &kAllowed[index];
}

int64_t AllowedGlobalIndex(const AllowedGlobal* entry) { return entry - kAllowed; }

std::string RefusalReason(absl::string_view module, absl::string_view name) {
  if (absl::StartsWith(module, "sklearn.")) {
    return absl::StrCat("'", module, ".", name,
                        "' is a scikit-learn class ferry does not support (supported: linear "
                        "models, trees, forests, gradient boosting, dummy estimators, Pipeline, "
                        "ColumnTransformer and common preprocessing transformers)");
  }
  return absl::StrCat(
      "ferry only constructs known scikit-learn and numpy classes; the file may "
      "be malicious or use an unsupported class");
}

}  // namespace ferry::pickle
