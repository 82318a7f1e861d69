// handler_bench: what one prediction request costs ferry serve's handler with no socket
// involved (route, JSON body, bundle pipeline, model, JSON answer, metrics): the server-side
// work that run_serve_bench.py's wrk figures include along with the kernel's TCP round trip.
//
//   build/bench/serve/handler_bench BUNDLE_DIR PATH BODY [requests]
//   e.g. build/bench/serve/handler_bench examples/ride_duration/bundle
//          /v1/models/ride_duration/predict
//          '{"ride_id": "2021/03_0", "PULocationID": 43, "DOLocationID": 151, "trip_distance": 1.8}'
//
// Prints the answer once, then the median of 5 timed runs of `requests` calls (default 200000).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "registry/repository.h"
#include "serve/handler.h"

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s BUNDLE_DIR PATH BODY [requests]\n", argv[0]);
    return 2;
  }
  const long requests = argc > 4 ? std::atol(argv[4]) : 200000;
  ferry::serve::Metrics metrics;
  auto repo = ferry::registry::Repository::OpenBundles(
      {argv[1]}, [&metrics](const ferry::registry::LoadEvent& e) { metrics.ModelLoad(e); });
  if (!repo.ok()) {
    std::fprintf(stderr, "%s\n", std::string(repo.status().message()).c_str());
    return 2;
  }
  ferry::serve::ServerState state;
  state.repository = repo->get();
  state.metrics = &metrics;
  ferry::serve::Request request;
  request.method = "POST";
  request.path = argv[2];
  request.body = argv[3];
  request.headers["content-type"] = "application/json";
  ferry::serve::Response first = ferry::serve::Handle(request, state);
  std::printf("%d %s\n", first.status, first.body.c_str());
  if (first.status != 200) return 1;
  std::vector<double> runs;
  for (int run = 0; run < 5; ++run) {
    const auto start = Clock::now();
    for (long i = 0; i < requests; ++i) {
      ferry::serve::Request copy = request;  // the session builds a fresh Request each time
      ferry::serve::Response r = ferry::serve::Handle(copy, state);
      if (r.status != 200) return 1;
    }
    runs.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count() /
                   static_cast<double>(requests));
  }
  std::sort(runs.begin(), runs.end());
  std::printf("%.0f ns per request (median of 5 runs of %ld; min %.0f, max %.0f)\n", runs[2],
              requests, runs[0], runs[4]);
  return 0;
}
