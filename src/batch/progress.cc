// Terminal progress bar (see progress.h).
#include "batch/progress.h"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "absl/strings/str_format.h"

namespace ferry::batch {
namespace {

std::string Human(double v) {
  if (v >= 1e6) return absl::StrFormat("%.1fM", v / 1e6);
  if (v >= 1e4) return absl::StrFormat("%.0fk", v / 1e3);
  return absl::StrFormat("%.0f", v);
}

}  // namespace

ProgressBar::ProgressBar(bool enabled)
    : enabled_(enabled && isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void ProgressBar::Update(int64_t rows, double fraction) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  double seconds = std::chrono::duration<double>(now - start_).count();
  double rate = seconds > 0 ? rows / seconds : 0;
  std::string line;
  if (fraction >= 0) {
    constexpr int kWidth = 24;
    int filled = static_cast<int>(fraction * kWidth);
    std::string bar(kWidth, ' ');
    for (int i = 0; i < filled && i < kWidth; ++i) bar[i] = '=';
    if (filled < kWidth) bar[filled] = '>';
    double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : 0;
    line = absl::StrFormat("[%s] %3.0f%% %s rows %s rows/s ETA %.0fs", bar, fraction * 100,
                           Human(rows), Human(rate), eta);
  } else {
    line = absl::StrFormat("%s rows %s rows/s", Human(rows), Human(rate));
  }
  std::fprintf(stderr, "\r%-78s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace ferry::batch
