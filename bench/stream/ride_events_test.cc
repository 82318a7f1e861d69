// ride_events: the C++ events equal stream_bench.py's ride() byte for byte (the Python
// generator runs at test time), send times come back from output keys, and the latency
// summary's order statistics.
#include "ride_events.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace ferry::bench {
namespace {

std::string RunPython(const std::string& code) {
  const char* root = std::getenv("FERRY_SOURCE_DIR");
  std::string command = "cd '" + std::string(root ? root : ".") +
                        "/bench/stream' && /usr/bin/python3 -c '" + code + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0) out.append(buffer, n);
  return out;
}

TEST(RideEvents, SameBytesAsThePythonGenerator) {
  const std::string python = RunPython(
      "from stream_bench import ride\n"
      "for i in range(2000): print(ride(i, 1763700000123456 + i * 37))\n");
  ASSERT_FALSE(python.empty()) << "the Python generator printed nothing (FERRY_SOURCE_DIR?)";
  std::string expected, event;
  for (int64_t i = 0; i < 2000; ++i) {
    FormatRideEvent(i, 1763700000123456 + i * 37, event);
    expected += event + "\n";
  }
  EXPECT_EQ(expected, python);
}

TEST(RideEvents, SendTimeFromKey) {
  EXPECT_EQ(SendTimeFromKey("12:1763700000123456"), 1763700000123456);
  EXPECT_EQ(SendTimeFromKey("0:5"), 5);
  EXPECT_EQ(SendTimeFromKey("12"), std::nullopt);
  EXPECT_EQ(SendTimeFromKey("12:"), std::nullopt);
  EXPECT_EQ(SendTimeFromKey("12:17637x"), std::nullopt);
  EXPECT_EQ(SendTimeFromKey(""), std::nullopt);
}

TEST(RideEvents, SummaryIsExactOverAllSamples) {
  std::vector<double> samples;
  for (int v = 100; v >= 1; --v) samples.push_back(v);  // unsorted on purpose
  LatencySummary s = SummarizeLatencies(samples);
  EXPECT_EQ(s.count, 100u);
  EXPECT_EQ(s.p50_ms, 51);  // index floor(0.5 * 100) of the sorted samples
  EXPECT_EQ(s.p90_ms, 91);
  EXPECT_EQ(s.p99_ms, 100);
  EXPECT_EQ(s.max_ms, 100);
  EXPECT_DOUBLE_EQ(s.mean_ms, 50.5);
  EXPECT_EQ(LatencySummaryJson(s),
            "{\"received\": 100, \"p50_ms\": 51.000, \"p90_ms\": 91.000, \"p99_ms\": 100.000, "
            "\"max_ms\": 100.000, \"mean_ms\": 50.500}");

  std::vector<double> one = {7.5};
  s = SummarizeLatencies(one);
  EXPECT_EQ(s.p50_ms, 7.5);
  EXPECT_EQ(s.p99_ms, 7.5);

  std::vector<double> none;
  EXPECT_EQ(SummarizeLatencies(none).count, 0u);
}

}  // namespace
}  // namespace ferry::bench
