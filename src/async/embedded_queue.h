// EmbeddedQueue: the default queue, needing nothing but a file. Requests are rows of a SQLite
// table (ferry_async_queue: id, model, version, alias, received_ms, event) committed before
// Enqueue returns; `workers` threads of the server take them in arrival order, score them
// (RequestScorer, the server's own repository snapshot), and store the result in the shape of
// the stream layer's "json" table sink: with the results in the queue's database, the result
// upsert and the queue row's delete are one transaction; elsewhere (PostgreSQL) the result goes
// through a table sink first, then the row is deleted. At
// Open every row still queued (the server stopped or crashed before scoring it) is queued
// again (scored once StartWorkers is called), so an acknowledged request is scored after a restart
// (at least once; the result upsert on the id makes a repeat harmless). With 0 workers nothing is
// scored (requests stay queued for a later start). Thread-safe.
#ifndef FERRY_ASYNC_EMBEDDED_QUEUE_H_
#define FERRY_ASYNC_EMBEDDED_QUEUE_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "async/queue.h"
#include "registry/repository.h"
#include "store/database.h"
#include "store/table_writer.h"
#include "stream/stream_types.h"

namespace ferry::async {

struct EmbeddedQueueOptions {
  std::string database_url;  // sqlite:///state/ferry-async.db
  std::string results_url;   // where results go (SQLite or PostgreSQL)
  std::string results_table;
  int workers = 2;
  // The results live in the queue's database: Enqueue inserts the waiting result row in the
  // queue row's transaction (one commit, one fsync).
  bool results_in_queue_database = false;
};

class EmbeddedQueue : public RequestQueue {
 public:
  static absl::StatusOr<std::unique_ptr<EmbeddedQueue>> Open(const EmbeddedQueueOptions& options,
                                                             registry::Repository* repository);
  // Lets the workers finish the request in hand; the rest stay queued in the table.
  ~EmbeddedQueue() override;

  const std::string& description() const override { return description_; }
  absl::Status Enqueue(const QueuedRequest& request) override;
  int64_t Depth() const override;
  int64_t Completed() const override { return completed_.load(); }
  void StartWorkers() override;
  bool RecordsWaitingRow() const override { return options_.results_in_queue_database; }

 private:
  EmbeddedQueue(EmbeddedQueueOptions options, std::unique_ptr<store::Database> db,
                registry::Repository* repository);
  absl::Status LoadQueued();
  void Work();
  // Stores the result and removes the queue row: in one transaction when the results live in
  // the queue's database (`sink` null), else through the table sink, then the delete.
  absl::Status Finish(const QueuedRequest& request, const stream::SinkBatch& result,
                      stream::Sink* sink);

  EmbeddedQueueOptions options_;
  std::string description_;
  registry::Repository* repository_;  // not owned

  std::mutex db_mutex_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::TableWriter> writer_;  // over db_, for results stored here

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<QueuedRequest> pending_;
  size_t in_hand_ = 0;
  bool stop_ = false;
  std::atomic<int64_t> completed_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace ferry::async

#endif  // FERRY_ASYNC_EMBEDDED_QUEUE_H_
