// ferry_bench: measures one model in-process: load time, block throughput with N threads
// (Model::PredictFeatures on blocks of rows), and single-row latency (PredictFeatures and
// Predict on a one-row RecordBatch). Prints "key value" lines for bench/engine_bench.py.
//
//   ferry_bench --model M --features X.f64 --cols C [--threads 2] [--block 1024]
//               [--latency-calls 20000] [--load-repeats 5] [--throughput-repeats 3]
// X.f64 is raw little-endian float64, row-major, rows x C.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/record_batch.h"
#include "model/loaders/load.h"
#include "model/model.h"

namespace {

using Clock = std::chrono::steady_clock;
using ferry::model::Model;
using ferry::model::Predictions;

struct Options {
  std::string model;
  std::string features;
  int64_t cols = 0;
  int threads = 2;
  int64_t block = 1024;
  int latency_calls = 20000;
  int load_repeats = 5;
  int throughput_repeats = 3;
};

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    std::string val = argv[i + 1];
    int64_t n = 0;
    bool numeric = absl::SimpleAtoi(val, &n);
    if (key == "--model") {
      o->model = val;
    } else if (key == "--features") {
      o->features = val;
    } else if (numeric && key == "--cols") {
      o->cols = n;
    } else if (numeric && key == "--threads") {
      o->threads = static_cast<int>(n);
    } else if (numeric && key == "--block") {
      o->block = n;
    } else if (numeric && key == "--latency-calls") {
      o->latency_calls = static_cast<int>(n);
    } else if (numeric && key == "--load-repeats") {
      o->load_repeats = static_cast<int>(n);
    } else if (numeric && key == "--throughput-repeats") {
      o->throughput_repeats = static_cast<int>(n);
    } else {
      std::fprintf(stderr, "ferry_bench: unknown or malformed option %s %s\n", key.c_str(),
                   val.c_str());
      return false;
    }
  }
  if (o->model.empty() || o->features.empty() || o->cols <= 0 || o->threads <= 0 ||
      o->block <= 0) {
    std::fprintf(stderr,
                 "usage: ferry_bench --model M --features X.f64 --cols C [--threads 2] "
                 "[--block 1024] [--latency-calls N] [--load-repeats N]\n");
    return false;
  }
  return true;
}

bool ReadFeatures(const Options& o, std::vector<double>* x) {
  std::ifstream in(o.features, std::ios::binary | std::ios::ate);
  if (!in) {
    std::fprintf(stderr, "ferry_bench: cannot open %s\n", o.features.c_str());
    return false;
  }
  auto bytes = static_cast<size_t>(in.tellg());
  size_t row_bytes = static_cast<size_t>(o.cols) * sizeof(double);
  if (bytes == 0 || bytes % row_bytes != 0) {
    std::fprintf(stderr, "ferry_bench: %s holds %zu bytes, not a multiple of %lld columns\n",
                 o.features.c_str(), bytes, static_cast<long long>(o.cols));
    return false;
  }
  x->resize(bytes / sizeof(double));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(x->data()), static_cast<std::streamsize>(bytes));
  return static_cast<bool>(in);
}

// Predicts all rows with `threads` workers taking contiguous shares, in blocks. Returns the
// sum of output 0 over all rows (a checksum the driver compares with the library's).
double PredictAll(const Model& model, const std::vector<double>& x, size_t rows, int64_t cols,
                  int threads, int64_t block) {
  std::vector<double> sums(threads, 0.0);
  std::vector<std::thread> workers;
  size_t share = (rows + threads - 1) / threads;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      Predictions out;
      size_t begin = std::min(rows, share * t);
      size_t end = std::min(rows, begin + share);
      for (size_t r = begin; r < end; r += block) {
        size_t n = std::min(end - r, static_cast<size_t>(block));
        model.PredictFeatures(x.data() + r * cols, n, &out);
        for (size_t i = 0; i < n; ++i) sums[t] += out.value(i, out.width - 1);
      }
    });
  }
  for (auto& w : workers) w.join();
  double total = 0;
  for (double s : sums) total += s;
  return total;
}

ferry::RecordBatch OneRowBatch(const Model& model, const double* row, int64_t cols) {
  ferry::RecordBatch batch(1);
  for (int64_t j = 0; j < cols; ++j) {
    std::string name = j < static_cast<int64_t>(model.input_names().size())
                           ? model.input_names()[j]
                           : absl::StrCat("f", j);
    batch.AddColumn(std::move(name), {ferry::Value::Float(row[j])});
  }
  return batch;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, &o)) return 2;

  std::vector<double> load_ms;
  std::shared_ptr<const Model> model;
  for (int i = 0; i < o.load_repeats; ++i) {
    auto start = Clock::now();
    auto loaded = ferry::model::LoadModel(o.model);
    auto stop = Clock::now();
    if (!loaded.ok()) {
      std::fprintf(stderr, "ferry_bench: %s\n", loaded.status().ToString().c_str());
      return 2;
    }
    model = *std::move(loaded);
    load_ms.push_back(Seconds(start, stop) * 1e3);
  }
  std::printf("load_ms_median %.4f\nload_ms_min %.4f\n", Percentile(load_ms, 0.5),
              *std::min_element(load_ms.begin(), load_ms.end()));
  if (model->num_features() != o.cols) {
    std::fprintf(stderr, "ferry_bench: model takes %d features, data has %lld columns\n",
                 model->num_features(), static_cast<long long>(o.cols));
    return 2;
  }

  std::vector<double> x;
  if (!ReadFeatures(o, &x)) return 2;
  size_t rows = x.size() / o.cols;

  double best = 1e300, checksum = 0;
  for (int rep = 0; rep < o.throughput_repeats; ++rep) {
    auto start = Clock::now();
    checksum = PredictAll(*model, x, rows, o.cols, o.threads, o.block);
    best = std::min(best, Seconds(start, Clock::now()));
  }
  std::printf("rows %zu\nthreads %d\nthroughput_seconds %.6f\nrows_per_second %.1f\n", rows,
              o.threads, best, static_cast<double>(rows) / best);
  std::printf("checksum %.17g\n", checksum);

  // Single-row latency: cycle through the first rows so caches see varied paths.
  size_t distinct = std::min<size_t>(rows, 4096);
  std::vector<double> us;
  us.reserve(o.latency_calls);
  Predictions out;
  for (int i = 0; i < o.latency_calls; ++i) {
    const double* row = x.data() + (i % distinct) * o.cols;
    auto start = Clock::now();
    model->PredictFeatures(row, 1, &out);
    us.push_back(Seconds(start, Clock::now()) * 1e6);
  }
  std::printf("row_features_us_median %.4f\nrow_features_us_p99 %.4f\n", Percentile(us, 0.5),
              Percentile(us, 0.99));

  std::vector<ferry::RecordBatch> batches;
  for (size_t r = 0; r < std::min<size_t>(distinct, 256); ++r) {
    batches.push_back(OneRowBatch(*model, x.data() + r * o.cols, o.cols));
  }
  us.clear();
  int record_calls = std::max(1, o.latency_calls / 4);
  for (int i = 0; i < record_calls; ++i) {
    const auto& batch = batches[i % batches.size()];
    auto start = Clock::now();
    Predictions p = model->Predict(batch);
    us.push_back(Seconds(start, Clock::now()) * 1e6);
    if (!p.ok(0)) {
      std::fprintf(stderr, "ferry_bench: Predict on a one-row batch failed: %s\n",
                   p.errors[0].c_str());
      return 2;
    }
  }
  std::printf("row_record_us_median %.4f\nrow_record_us_p99 %.4f\n", Percentile(us, 0.5),
              Percentile(us, 0.99));
  return 0;
}
