// AsyncService: wiring of queue, store, workers and the retention sweep.
#include "async/async_service.h"

#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "async/embedded_queue.h"
#include "store/database.h"

namespace ferry::async {

absl::StatusOr<std::unique_ptr<AsyncService>> AsyncService::Start(
    const AsyncOptions& options, registry::Repository* repository) {
  absl::StatusOr<QueueUrl> queue_url = ParseQueueUrl(options.queue);
  if (!queue_url.ok()) return queue_url.status();
  if (options.retention <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--async-retention must be positive (e.g. 24h, 30m)");
  }
  std::unique_ptr<AsyncService> service(new AsyncService());
  service->options_ = options;
  std::string state_db;
  if (queue_url->kind == "embedded" || options.results.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.state_dir, ec);
    std::filesystem::path dir = std::filesystem::absolute(options.state_dir, ec);
    if (ec || !std::filesystem::is_directory(dir)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--state-dir ", options.state_dir,
                       ": cannot create this directory (give a writable one)"));
    }
    state_db = absl::StrCat("sqlite://", (dir / "ferry-async.db").lexically_normal().string());
  }
  service->results_url_ = options.results.empty() ? state_db : options.results;
  auto results = ResultStore::Open(service->results_url_, options.results_table);
  if (!results.ok()) return results.status();
  service->results_ = std::move(*results);
  if (queue_url->kind == "embedded") {
    EmbeddedQueueOptions embedded{state_db, service->results_url_, options.results_table,
                                  options.workers, service->results_url_ == state_db};
    auto queue = EmbeddedQueue::Open(embedded, repository);
    if (!queue.ok()) return queue.status();
    service->queue_ = std::move(*queue);
  } else {
    auto queue = OpenBrokerQueue(*queue_url);
    if (!queue.ok()) return queue.status();
    service->queue_ = std::move(*queue);
  }
  if (!options.defer_workers) service->StartWorkers();
  service->sweeper_ = std::thread([s = service.get()] { s->Sweep(); });
  return service;
}

AsyncService::~AsyncService() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

absl::StatusOr<std::string> AsyncService::Submit(const std::string& model,
                                                 const std::string& version,
                                                 const std::string& alias,
                                                 const RecordBatch& record) {
  QueuedRequest request = MakeRequest(NewRequestId(), model, version, alias, NowMs(), record);
  const bool separate = !queue_->RecordsWaitingRow();
  absl::Status status = absl::OkStatus();
  if (separate) {
    status = results_->AddPending(request.id, model,
                                  FormatUtcTime(absl::FromUnixMillis(request.received_ms)));
  }
  if (status.ok()) {
    status = queue_->Enqueue(request);
    if (!status.ok() && separate) (void)results_->Remove(request.id);
  }
  if (!status.ok()) {
    ++failures_;
    return absl::UnavailableError(absl::StrCat("the request could not be queued (",
                                               status.message(),
                                               "); nothing was queued, try again later"));
  }
  ++submitted_;
  return request.id;
}

absl::StatusOr<std::optional<StoredResult>> AsyncService::Lookup(const std::string& id) {
  return results_->Get(id);
}

std::string AsyncService::Describe() const {
  std::string text =
      absl::StrCat("queue ", queue_->description(), ", results ", store::RedactUrl(results_url_),
                   " (table ", options_.results_table, ")");
  if (queue_->Depth() >= 0) absl::StrAppend(&text, ", ", options_.workers, " worker(s)");
  absl::StrAppend(&text, ", retention ", absl::FormatDuration(options_.retention));
  return text;
}

std::string AsyncService::RenderMetrics() const {
  std::string out = absl::StrCat(
      "# HELP ferry_async_requests_submitted_total Asynchronous requests queued.\n"
      "# TYPE ferry_async_requests_submitted_total counter\n"
      "ferry_async_requests_submitted_total ",
      submitted_.load(),
      "\n# HELP ferry_async_submit_failures_total Asynchronous requests that could not be "
      "queued (answered 503).\n"
      "# TYPE ferry_async_submit_failures_total counter\n"
      "ferry_async_submit_failures_total ",
      failures_.load(), "\n");
  int64_t depth = queue_->Depth();
  if (depth >= 0) {
    absl::StrAppend(
        &out,
        "# HELP ferry_async_requests_completed_total Asynchronous requests scored by this "
        "server's workers.\n"
        "# TYPE ferry_async_requests_completed_total counter\n"
        "ferry_async_requests_completed_total ",
        queue_->Completed(),
        "\n# HELP ferry_async_queue_depth Asynchronous requests queued and not yet scored.\n"
        "# TYPE ferry_async_queue_depth gauge\n"
        "ferry_async_queue_depth ",
        depth, "\n");
  }
  return out;
}

void AsyncService::Sweep() {
  absl::Duration period = std::min(absl::Minutes(1), options_.retention / 4);
  auto wait = std::chrono::milliseconds(std::max<int64_t>(absl::ToInt64Milliseconds(period), 100));
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, wait, [this] { return stop_; })) {
    lock.unlock();
    absl::Status status = results_->DeleteOlderThan(absl::Now() - options_.retention);
    if (!status.ok()) {
      std::cerr << "ferry serve: the asynchronous results sweep failed (will retry): "
                << status.message() << std::endl;
    }
    lock.lock();
  }
}

}  // namespace ferry::async
