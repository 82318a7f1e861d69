#include "model/link.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace ferry::model {
namespace {

double Expit(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// scikit-learn's softmax: subtract the row max, exponentiate, divide by the sum.
void Softmax(const double* raw, int32_t n, double* out) {
  double max = raw[0];
  for (int32_t k = 1; k < n; ++k) max = std::max(max, raw[k]);
  double sum = 0;
  for (int32_t k = 0; k < n; ++k) {
    out[k] = std::exp(raw[k] - max);
    sum += out[k];
  }
  for (int32_t k = 0; k < n; ++k) out[k] /= sum;
}

// XGBoost's softmax: float32 values, max in float, sum in double, divided as float.
void XGBoostSoftmax(const double* raw, int32_t n, double* out) {
  float wmax = static_cast<float>(raw[0]);
  for (int32_t k = 1; k < n; ++k) wmax = std::fmax(static_cast<float>(raw[k]), wmax);
  double wsum = 0;
  float tmp[256];
  std::vector<float> big;
  float* p = tmp;
  if (n > 256) {
    big.resize(n);
    p = big.data();
  }
  for (int32_t k = 0; k < n; ++k) {
    p[k] = std::exp(static_cast<float>(raw[k]) - wmax);
    wsum += p[k];
  }
  for (int32_t k = 0; k < n; ++k) out[k] = p[k] / static_cast<float>(wsum);
}

float XGBoostSigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

bool IsBinaryLink(Link link) {
  return link == Link::kSigmoid || link == Link::kSigmoidTimesTwo ||
         link == Link::kBinarySoftmax || link == Link::kXGBoostRawBinary;
}

}  // namespace

absl::Status CheckLink(Link link, Task task, int32_t num_raw, int32_t num_outputs) {
  bool ok;
  if (IsBinaryLink(link)) {
    ok = num_raw == 1 && num_outputs == 2;
  } else if (link == Link::kXGBoostSigmoid && task == Task::kClassification && num_raw == 1) {
    ok = num_outputs == 2;
  } else {
    ok = num_raw == num_outputs;
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat("model has ", num_raw, " raw scores but ",
                                                   num_outputs, " outputs for its link"));
  }
  return absl::OkStatus();
}

void ApplyLink(Link link, Task task, const double* raw, int32_t num_raw, double* out,
               int32_t num_outputs) {
  switch (link) {
    case Link::kIdentity:
      for (int32_t k = 0; k < num_raw; ++k) out[k] = raw[k];
      return;
    case Link::kExp:
      for (int32_t k = 0; k < num_raw; ++k) out[k] = std::exp(raw[k]);
      return;
    case Link::kSigmoid:
    case Link::kSigmoidTimesTwo: {
      double p = Expit(link == Link::kSigmoid ? raw[0] : 2.0 * raw[0]);
      out[0] = 1.0 - p;
      out[1] = p;
      return;
    }
    case Link::kSoftmax:
      Softmax(raw, num_raw, out);
      return;
    case Link::kBinarySoftmax: {
      double pair[2] = {-raw[0], raw[0]};
      Softmax(pair, 2, out);
      return;
    }
    case Link::kOneVsRestNormalize: {
      double sum = 0;
      for (int32_t k = 0; k < num_raw; ++k) {
        out[k] = Expit(raw[k]);
        sum += out[k];
      }
      for (int32_t k = 0; k < num_raw; ++k) out[k] /= sum;
      return;
    }
    case Link::kXGBoostSigmoid:
      if (task == Task::kClassification && num_raw == 1 && num_outputs == 2) {
        float p = XGBoostSigmoid(static_cast<float>(raw[0]));
        out[0] = 1.0f - p;
        out[1] = p;
      } else {
        for (int32_t k = 0; k < num_raw; ++k) out[k] = XGBoostSigmoid(static_cast<float>(raw[k]));
      }
      return;
    case Link::kXGBoostSoftmax:
      XGBoostSoftmax(raw, num_raw, out);
      return;
    case Link::kXGBoostRawBinary: {
      float d = static_cast<float>(raw[0]);
      out[0] = 1.0f - d;
      out[1] = d;
      return;
    }
    case Link::kXGBoostExp:
      for (int32_t k = 0; k < num_raw; ++k) out[k] = std::exp(static_cast<float>(raw[k]));
      return;
  }
}

int32_t PickLabel(LabelRule rule, const double* raw, int32_t num_raw, const double* out,
                  int32_t num_outputs) {
  auto argmax = [](const double* v, int32_t n) {
    int32_t best = 0;
    for (int32_t k = 1; k < n; ++k) {
      if (v[k] > v[best]) best = k;
    }
    return best;
  };
  switch (rule) {
    case LabelRule::kArgmaxOutput:
      return argmax(out, num_outputs);
    case LabelRule::kArgmaxRaw:
      return argmax(raw, num_raw);
    case LabelRule::kRawPositive:
      return raw[0] > 0 ? 1 : 0;
    case LabelRule::kAboveHalf:
      return out[num_outputs - 1] > 0.5 ? 1 : 0;
  }
  return 0;
}

}  // namespace ferry::model
