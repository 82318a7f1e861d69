// AsyncService: the asynchronous prediction API's state inside `ferry serve`: the request
// queue (queue.h: embedded, Kafka or Redis), the result store (result_store.h), the embedded
// workers, a retention sweep, and counters for /metrics. The HTTP routes
// (src/serve/async_routes.cc) validate a record against the bundle, then Submit it; Lookup
// answers polls. See docs/async.md.
//
// Submit order, so that nothing acknowledged is lost and every queued id is known: the result
// row is inserted as waiting, then the request is queued durably; if queueing fails the row
// is removed and the caller answers 503. (With the embedded queue and results in its
// database, both rows are inserted in one transaction.) The sweep deletes rows older than the
// retention, so an expired id is unknown (404), like one never seen. Thread-safe.
#ifndef FERRY_ASYNC_ASYNC_SERVICE_H_
#define FERRY_ASYNC_ASYNC_SERVICE_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "async/queue.h"
#include "async/result_store.h"
#include "core/record_batch.h"
#include "registry/repository.h"

namespace ferry::async {

struct AsyncOptions {
  std::string queue = "embedded";  // see queue.h
  std::string results;             // store URL; "" = sqlite in state_dir (ferry-async.db)
  std::string results_table = kDefaultResultTable;
  std::string state_dir = "ferry-state";  // the embedded queue's (and default results') home
  int workers = 2;                        // embedded queue only; 0 = queue without scoring
  absl::Duration retention = absl::Hours(24);
  // The embedded workers wait for StartWorkers (ferry serve: until the models are loaded);
  // otherwise they start with the service.
  bool defer_workers = false;
};

class AsyncService {
 public:
  // Creates the state directory when needed, opens the store and the queue, starts the
  // sweep and (unless defer_workers) the embedded workers.
  static absl::StatusOr<std::unique_ptr<AsyncService>> Start(const AsyncOptions& options,
                                                             registry::Repository* repository);
  ~AsyncService();

  // Queues `record` (one validated row) for `model` under its version policy; the new id.
  // Unavailable when the queue or the store cannot take it.
  absl::StatusOr<std::string> Submit(const std::string& model, const std::string& version,
                                     const std::string& alias, const RecordBatch& record);

  // Starts the embedded workers; call once the repository has loaded its models, so that
  // requests queued before a restart are scored with them.
  void StartWorkers() { queue_->StartWorkers(); }

  // The stored request, or nullopt when unknown or expired.
  absl::StatusOr<std::optional<StoredResult>> Lookup(const std::string& id);

  // The read API of the web pages.
  ResultStore& results() { return *results_; }

  // "queue embedded:/x/ferry-async.db, results sqlite:///x/ferry-async.db, 2 workers, ..."
  std::string Describe() const;

  // Prometheus text: ferry_async_requests_submitted_total, ferry_async_submit_failures_total,
  // and for the embedded queue ferry_async_requests_completed_total, ferry_async_queue_depth.
  std::string RenderMetrics() const;

 private:
  AsyncService() = default;
  void Sweep();

  AsyncOptions options_;
  std::string results_url_;
  std::unique_ptr<ResultStore> results_;
  std::unique_ptr<RequestQueue> queue_;
  std::atomic<int64_t> submitted_ = 0;
  std::atomic<int64_t> failures_ = 0;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread sweeper_;
};

}  // namespace ferry::async

#endif  // FERRY_ASYNC_ASYNC_SERVICE_H_
