// PostgreSQL / SQLite sink: each batch upserted on the event id in one transaction
// (store::TableWriter), so a replayed event overwrites its row instead of adding one. The
// connection is opened lazily and again after a failure, so a database that is down at start
// or restarts later only delays the stream (the loop retries while it is Unavailable).
// Shape "json" writes one row per event with the columns id, model, version, processed_at and
// event (the JSON line), the table the async result store reads (store/result_rows.h), created
// with all of its columns on first use.
#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "store/database.h"
#include "store/result_rows.h"
#include "store/table_writer.h"
#include "stream/adapters.h"
#include "stream/output_builder.h"

namespace ferry::stream {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class TableSink : public Sink {
 public:
  TableSink(SinkConfig config, std::string key_column)
      : config_(std::move(config)),
        key_column_(std::move(key_column)),
        name_(absl::StrCat(config_.type, ":", config_.table)) {}

  bool reads_table() const override { return true; }

  const std::string& name() const override { return name_; }

  absl::Status Write(const SinkBatch& batch) override {
    if (batch.size() == 0) return absl::OkStatus();
    if (!db_) {
      auto db = store::OpenDatabase(config_.url);
      if (!db.ok()) {
        if (db.status().code() == absl::StatusCode::kInvalidArgument) return db.status();
        return absl::UnavailableError(db.status().message());
      }
      db_ = std::move(*db);
      writer_ = std::make_unique<store::TableWriter>(db_.get());
      if (config_.shape == "json") {
        if (absl::Status s = store::CreateResultTable(*db_, config_.table, key_column_); !s.ok()) {
          writer_.reset();
          db_.reset();
          return absl::UnavailableError(s.message());
        }
      }
    }
    absl::Status status = config_.shape == "json"
                              ? writer_->UpsertBatch(config_.table, {key_column_},
                                                     JsonShapeRows(batch, key_column_, NowMs()))
                              : writer_->UpsertBatch(config_.table, {key_column_}, batch.table);
    if (status.code() == absl::StatusCode::kUnavailable) {
      writer_.reset();  // reconnect from scratch next time
      db_.reset();
    }
    if (status.code() == absl::StatusCode::kAborted) {
      return absl::UnavailableError(status.message());  // busy or conflict: retry
    }
    return status;
  }

 private:
  SinkConfig config_;
  std::string key_column_;
  std::string name_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::TableWriter> writer_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Sink>> MakeTableSink(const SinkConfig& config,
                                                    const std::string& key_column) {
  if (config.type == "sqlite" && config.url.rfind("sqlite:", 0) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("sink sqlite: url '", config.url,
                                                   "' must start with sqlite: (sqlite:///abs.db)"));
  }
  if (config.type == "postgres" && config.url.rfind("postgres", 0) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("sink postgres: url must start with postgresql://"));
  }
  return std::unique_ptr<Sink>(std::make_unique<TableSink>(config, key_column));
}

}  // namespace ferry::stream
