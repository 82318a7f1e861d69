// pipeline_bench: what a bundle's pipeline (input checks, feature derivation, output building)
// costs per record next to the model's own cost, for each example bundle.
//
//   build/bench/pipeline/pipeline_bench BUNDLE_DIR REQUESTS_FILE [records] [batch]
//   e.g. BUNDLE_DIR=examples/flight_delays/bundle,
//        REQUESTS_FILE=examples/flight_delays/requests/sample.jsonl
//
// The sample requests are repeated to `records` records (default 200000) and scored in batches
// of `batch` (default 1024), then once more one record at a time (online requests). Times come
// from Bundle::Score's own ScoreTimings.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bundle/bundle.h"
#include "io/record_reader.h"

namespace {

using ferry::RecordBatch;
using ferry::bundle::Bundle;
using ferry::bundle::ScoreTimings;

// All records of a small file, as one batch.
RecordBatch ReadAll(const std::string& path) {
  auto reader = ferry::io::OpenRecordReader(path, ferry::io::RecordFormat::kAuto, {});
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", std::string(reader.status().message()).c_str());
    std::exit(2);
  }
  ferry::io::RecordChunk chunk;
  auto more = (*reader)->Next(&chunk);
  if (!more.ok() || !*more) {
    std::fprintf(stderr, "%s: no records\n", path.c_str());
    std::exit(2);
  }
  return std::move(chunk.batch);
}

// Rows [0, n) of `sample` repeated cyclically.
RecordBatch Repeat(const RecordBatch& sample, size_t n, size_t offset) {
  RecordBatch out(n);
  for (const ferry::Column& c : sample.columns()) {
    std::vector<ferry::Value> values;
    values.reserve(n);
    for (size_t r = 0; r < n; ++r) values.push_back(c.values[(offset + r) % sample.num_rows()]);
    out.AddColumn(c.name, std::move(values));
  }
  return out;
}

void Report(const char* label, const ScoreTimings& t, size_t records, int64_t wall_ns) {
  const double n = static_cast<double>(records);
  const double pipeline = (t.inputs_ns + t.features_ns + t.outputs_ns) / n;
  const double model = t.model_ns / n;
  std::printf("  %-22s %9.0f ns/record total | pipeline %8.0f (inputs %.0f, features %.0f, "
              "outputs %.0f) | model %8.0f | pipeline/model %.2f\n",
              label, wall_ns / n, pipeline, t.inputs_ns / n, t.features_ns / n,
              t.outputs_ns / n, model, model > 0 ? pipeline / model : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: pipeline_bench BUNDLE_DIR REQUESTS_FILE [records] [batch]\n");
    return 2;
  }
  const size_t records = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 200000;
  const size_t batch = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 1024;
  auto bundle = Bundle::Load(argv[1]);
  if (!bundle.ok()) {
    std::fprintf(stderr, "%s\n", std::string(bundle.status().message()).c_str());
    return 2;
  }
  RecordBatch sample = ReadAll(argv[2]);
  std::printf("%s (version %s): %zu sample records repeated to %zu\n", (*bundle)->name().c_str(),
              (*bundle)->version().c_str(), sample.num_rows(), records);

  const int modes[2] = {static_cast<int>(batch), 1};
  for (int size : modes) {
    const size_t total = size == 1 ? std::min<size_t>(records, 20000) : records;
    ScoreTimings sum;
    size_t failed = 0;
    auto start = std::chrono::steady_clock::now();
    for (size_t done = 0; done < total; done += size) {
      size_t n = std::min<size_t>(size, total - done);
      RecordBatch in = Repeat(sample, n, done);
      ScoreTimings t;
      auto out = (*bundle)->Score(in, &t);
      for (size_t r = 0; r < out.num_rows; ++r) failed += !out.ok(r);
      sum.inputs_ns += t.inputs_ns;
      sum.features_ns += t.features_ns;
      sum.model_ns += t.model_ns;
      sum.outputs_ns += t.outputs_ns;
    }
    int64_t wall = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
    std::string label = size == 1 ? "one record per call" : "batches of " + std::to_string(size);
    Report(label.c_str(), sum, total, wall);
    if (failed) std::printf("  (%zu records had errors, as the sample file intends)\n", failed);
  }
  return 0;
}
