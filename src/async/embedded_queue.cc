// EmbeddedQueue: SQLite rows, an in-memory list of what is queued, worker threads.
#include "async/embedded_queue.h"

#include <chrono>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "async/request_scorer.h"
#include "async/result_store.h"
#include "store/table_writer.h"
#include "stream/adapters.h"
#include "stream/output_builder.h"

namespace ferry::async {
namespace {

constexpr char kTable[] = "ferry_async_queue";

std::string Text(const RecordBatch& batch, size_t column, size_t row) {
  const Value& v = batch.column(column).values[row];
  if (v.is_null()) return "";
  return v.is_string() ? v.as_string() : v.ToString();
}

}  // namespace

EmbeddedQueue::EmbeddedQueue(EmbeddedQueueOptions options, std::unique_ptr<store::Database> db,
                             registry::Repository* repository)
    : options_(std::move(options)),
      description_(absl::StrCat("embedded:", db->description())),
      repository_(repository),
      db_(std::move(db)) {}

absl::StatusOr<std::unique_ptr<EmbeddedQueue>> EmbeddedQueue::Open(
    const EmbeddedQueueOptions& options, registry::Repository* repository) {
  auto db = store::OpenDatabase(options.database_url);
  if (!db.ok()) return db.status();
  std::unique_ptr<EmbeddedQueue> queue(new EmbeddedQueue(options, std::move(*db), repository));
  queue->writer_ = std::make_unique<store::TableWriter>(queue->db_.get());
  absl::Status status = queue->db_->Execute(absl::StrCat(
      "CREATE TABLE IF NOT EXISTS ", kTable,
      " (id TEXT PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL, alias TEXT NOT NULL, "
      "received_ms BIGINT NOT NULL, event TEXT NOT NULL)"));
  if (status.ok()) status = queue->LoadQueued();
  if (!status.ok()) {
    return absl::Status(
        status.code(), absl::StrCat("the embedded async queue in ", queue->db_->description(), ": ",
                                    status.message()));
  }
  return queue;
}

void EmbeddedQueue::StartWorkers() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!threads_.empty() || stop_) return;
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { Work(); });
}

EmbeddedQueue::~EmbeddedQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

absl::Status EmbeddedQueue::LoadQueued() {
  auto chunks = store::ReadQuery(
      *db_, absl::StrCat("SELECT id, model, version, alias, received_ms, event FROM ", kTable,
                         " ORDER BY received_ms, id"));
  if (!chunks.ok()) return chunks.status();
  for (const RecordBatch& chunk : *chunks) {
    for (size_t r = 0; r < chunk.num_rows(); ++r) {
      const Value& ms = chunk.column(4).values[r];
      pending_.push_back(
          {Text(chunk, 0, r), Text(chunk, 1, r), Text(chunk, 2, r), Text(chunk, 3, r),
           ms.is_null() ? 0 : static_cast<int64_t>(*ms.ToDouble()), Text(chunk, 5, r)});
    }
  }
  if (!pending_.empty()) {
    std::cerr << "ferry serve: " << pending_.size()
              << " asynchronous request(s) were queued before the last stop; scoring them"
              << std::endl;
  }
  return absl::OkStatus();
}

absl::Status EmbeddedQueue::Enqueue(const QueuedRequest& request) {
  {
    std::lock_guard<std::mutex> lock(db_mutex_);
    absl::Status status = db_->Begin();
    if (status.ok()) {
      status = db_->Execute(absl::StrCat("INSERT INTO ", kTable,
                                         " (id, model, version, alias, received_ms, event) VALUES "
                                         "($1, $2, $3, $4, $5, $6)"),
                            {Value::String(request.id), Value::String(request.model),
                             Value::String(request.version), Value::String(request.alias),
                             Value::Int(request.received_ms), Value::String(request.event)});
    }
    if (status.ok() && options_.results_in_queue_database) {
      status = InsertWaitingRow(*db_, options_.results_table, request.id, request.model,
                                FormatUtcTime(absl::FromUnixMillis(request.received_ms)));
    }
    if (status.ok()) status = db_->Commit();
    if (!status.ok()) {
      (void)db_->Rollback();
      return absl::UnavailableError(
          absl::StrCat("cannot queue the request in ", db_->description(), ": ", status.message()));
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.push_back(request);
  }
  wake_.notify_one();
  return absl::OkStatus();
}

int64_t EmbeddedQueue::Depth() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int64_t>(pending_.size() + in_hand_);
}

absl::Status EmbeddedQueue::Finish(const QueuedRequest& request, const stream::SinkBatch& result,
                                   stream::Sink* sink) {
  const std::string remove = absl::StrCat("DELETE FROM ", kTable, " WHERE id = $1");
  if (sink == nullptr) {  // the results live here: one transaction
    std::lock_guard<std::mutex> lock(db_mutex_);
    absl::Status status = db_->Begin();
    if (status.ok()) {
      status = writer_->UpsertInTransaction(options_.results_table, {"id"},
                                            stream::JsonShapeRows(result, "id", NowMs()));
    }
    if (status.ok()) status = db_->Execute(remove, {Value::String(request.id)});
    if (status.ok()) status = db_->Commit();
    if (!status.ok()) (void)db_->Rollback();
    return status;
  }
  if (absl::Status status = sink->Write(result); !status.ok()) return status;
  std::lock_guard<std::mutex> lock(db_mutex_);
  absl::Status status = db_->Execute(remove, {Value::String(request.id)});
  if (!status.ok()) {  // scored again after a restart; the result upsert makes it harmless
    std::cerr << "ferry serve: cannot remove scored request " << request.id
              << " from the queue: " << status.message() << std::endl;
  }
  return absl::OkStatus();
}

void EmbeddedQueue::Work() {
  RequestScorer scorer(repository_);
  std::unique_ptr<stream::Sink> sink;  // results in another database
  if (!options_.results_in_queue_database) {
    stream::SinkConfig config;
    config.type = absl::StartsWith(options_.results_url, "sqlite:") ? "sqlite" : "postgres";
    config.url = options_.results_url;
    config.table = options_.results_table;
    config.shape = "json";
    auto made = stream::MakeTableSink(config, "id");
    if (!made.ok()) {
      std::cerr << "ferry serve: asynchronous worker stopped: " << made.status().message()
                << std::endl;
      return;
    }
    sink = std::move(*made);
  }
  while (true) {
    QueuedRequest request;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || !pending_.empty(); });
      if (stop_) return;
      request = std::move(pending_.front());
      pending_.pop_front();
      ++in_hand_;
    }
    stream::SinkBatch result = scorer.Score(request);
    // Retries while the result store is unavailable; the request stays queued if stopped.
    bool stored = false;
    auto delay = std::chrono::milliseconds(100);
    while (true) {
      absl::Status status = Finish(request, result, sink.get());
      if (status.ok()) {
        stored = true;
        break;
      }
      std::cerr << "ferry serve: cannot store the result of asynchronous request " << request.id
                << " (" << status.message() << "); retrying" << std::endl;
      std::unique_lock<std::mutex> lock(mutex_);
      if (wake_.wait_for(lock, delay, [this] { return stop_; })) break;
      delay = std::min(delay * 2, std::chrono::milliseconds(5000));
    }
    if (stored) ++completed_;
    std::lock_guard<std::mutex> lock(mutex_);
    --in_hand_;
    if (!stored) return;
  }
}

}  // namespace ferry::async
