// ProgressBar: one line on stderr, redrawn at most 4 times a second, with rows done, rows/s,
// percent and ETA when the input's size is known:  [=====>     ] 52% 1.2M rows 410k rows/s ETA 3s
// Draws only when stderr is a terminal; Finish() ends the line. Not thread-safe.
#ifndef FERRY_BATCH_PROGRESS_H_
#define FERRY_BATCH_PROGRESS_H_

#include <chrono>
#include <cstdint>

namespace ferry::batch {

class ProgressBar {
 public:
  // `enabled` false (or stderr not a terminal) makes every call a no-op.
  explicit ProgressBar(bool enabled);
  // `fraction` of the input done in [0, 1], negative when unknown.
  void Update(int64_t rows, double fraction);
  void Finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace ferry::batch

#endif  // FERRY_BATCH_PROGRESS_H_
