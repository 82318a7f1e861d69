// Exit codes of `ferry score` / `backfill` / `schedule` runs, for schedulers to act on:
//   0  success
//   99 nothing to do: the input for that period is absent and configured as skippable
//   3  finished, but more rows were rejected than the configured threshold allows
//   2  bad configuration or bad input: retrying will not help until someone fixes it
//   1  a failure a retry may fix: I/O, database unavailable, input not there yet, interrupted
#ifndef FERRY_BATCH_EXIT_CODES_H_
#define FERRY_BATCH_EXIT_CODES_H_

#include "absl/status/status.h"

namespace ferry::batch {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitRetryable = 1;
inline constexpr int kExitPermanent = 2;
inline constexpr int kExitTooManyRejects = 3;
inline constexpr int kExitNothingToDo = 99;

// Retryable (1): Unavailable, DataLoss (a failed read), Aborted, DeadlineExceeded,
// ResourceExhausted, Internal, Unknown, Cancelled. Everything else is permanent (2).
inline int ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return kExitSuccess;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kCancelled:
      return kExitRetryable;
    default:
      return kExitPermanent;
  }
}

}  // namespace ferry::batch

#endif  // FERRY_BATCH_EXIT_CODES_H_
