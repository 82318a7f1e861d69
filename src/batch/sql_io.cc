// SQL inputs and table outputs through src/store (see sql_io.h).
#include "batch/sql_io.h"

#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "store/database.h"
#include "store/result_rows.h"
#include "store/table_writer.h"

namespace ferry::batch {
namespace {

// Replaces :start, :end, :start_date, :end_date and :date by $1, $2 ... (numbered in order of
// first use) and returns their values. Other :words ("::text" casts, '10:30') stay as they are.
std::string BindParameters(const std::string& sql, const RunPeriod& period,
                           std::vector<Value>* params) {
  const std::vector<std::pair<std::string, std::string>> known = {
      {"start_date", absl::FormatCivilTime(absl::CivilDay(period.start))},
      {"end_date", absl::FormatCivilTime(absl::CivilDay(period.end))},
      {"start", FormatCivil(period.start)},
      {"end", FormatCivil(period.end)},
      {"date", absl::FormatCivilTime(period.date)},
  };
  std::vector<std::string> used;
  std::string out;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != ':' || (i > 0 && sql[i - 1] == ':') ||
        (i + 1 < sql.size() && sql[i + 1] == ':')) {
      out.push_back(sql[i]);
      continue;
    }
    size_t j = i + 1;
    while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_'))
      ++j;
    std::string name = sql.substr(i + 1, j - i - 1);
    const std::string* value = nullptr;
    for (const auto& [k, v] : known) {
      if (k == name) value = &v;
    }
    if (!value) {
      out.push_back(sql[i]);
      continue;
    }
    size_t index = 0;
    while (index < used.size() && used[index] != name) ++index;
    if (index == used.size()) {
      used.push_back(name);
      params->push_back(Value::String(*value));
    }
    absl::StrAppend(&out, "$", index + 1);
    i = j - 1;
  }
  return out;
}

// Runs the query on a thread of its own and hands its chunks over through a queue of at most
// two chunks, so memory stays bounded however many rows the query returns.
class SqlSource : public InputSource {
 public:
  SqlSource(std::unique_ptr<store::Database> db, std::string sql, std::vector<Value> params,
            size_t chunk_rows)
      : db_(std::move(db)), sources_{db_->description()} {
    worker_ = std::thread([this, sql = std::move(sql), params = std::move(params), chunk_rows] {
      absl::Status s = db_->Query(sql, params, chunk_rows, [this](RecordBatch chunk) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return queue_.size() < 2 || cancelled_; });
        if (cancelled_) return absl::CancelledError("the run stopped reading");
        queue_.push_back(std::move(chunk));
        cv_.notify_all();
        return absl::OkStatus();
      });
      std::lock_guard<std::mutex> lock(mu_);
      status_ = s;
      done_ = true;
      cv_.notify_all();
    });
  }

  ~SqlSource() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  absl::StatusOr<bool> Next(SourceChunk* chunk) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) {
      if (!status_.ok()) {
        return absl::Status(status_.code(),
                            absl::StrCat("input query on ", sources_[0], ": ", status_.message()));
      }
      return false;
    }
    chunk->batch = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    chunk->source = 0;
    chunk->position_kind = "row";
    chunk->positions.resize(chunk->batch.num_rows());
    for (size_t i = 0; i < chunk->positions.size(); ++i) chunk->positions[i] = rows_ + 1 + i;
    rows_ += static_cast<int64_t>(chunk->batch.num_rows());
    return true;
  }

  const std::vector<std::string>& sources() const override { return sources_; }
  double Progress() const override { return -1; }

 private:
  std::unique_ptr<store::Database> db_;
  std::vector<std::string> sources_;
  std::thread worker_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<RecordBatch> queue_;
  bool done_ = false, cancelled_ = false;
  absl::Status status_;
  int64_t rows_ = 0;
};

// Writes every batch inside one transaction opened at the start; Commit ends it, dropping the
// sink rolls it back. Without key columns, the run's partition (rows whose partition column
// holds the run date) is deleted first, so a re-run replaces it.
// The run record written with the rows (same transaction): one row per job, period and shard.
RecordBatch RunRecord(const RunIdentity& run, const std::string& period, const std::string& table,
                      int64_t rows) {
  RecordBatch record(1);
  record.AddColumn("job", {Value::String(run.job)});
  record.AddColumn("period", {Value::String(period)});
  record.AddColumn("shard", {Value::Int(run.shard)});
  record.AddColumn("num_shards", {Value::Int(run.num_shards)});
  record.AddColumn("output_table", {Value::String(table)});
  record.AddColumn("rows", {Value::Int(rows)});
  record.AddColumn(
      "published_at",
      {Value::String(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone()))});
  return record;
}

const std::vector<std::string> kRunRecordKey = {"job", "period", "shard", "num_shards"};

class TableSink : public OutputSink {
 public:
  TableSink(std::unique_ptr<store::Database> db, OutputConfig config, std::string run_date,
            RunIdentity run)
      : db_(std::move(db)),
        writer_(db_.get()),
        config_(std::move(config)),
        run_date_(std::move(run_date)),
        run_(std::move(run)) {}

  ~TableSink() override {
    if (open_) (void)db_->Rollback();
  }

  absl::Status Start() {
    if (absl::Status s = db_->Begin(); !s.ok()) return s;
    open_ = true;
    if (config_.shape == "json") return store::CreateResultTable(*db_, config_.table);
    if (!config_.key.empty()) return absl::OkStatus();
    absl::StatusOr<std::vector<std::string>> columns = db_->TableColumns(config_.table);
    if (!columns.ok()) return columns.status();
    if (columns->empty()) return absl::OkStatus();
    return db_->Execute(
        absl::StrCat("DELETE FROM ", store::QuoteIdentifier(config_.table), " WHERE ",
                     store::QuoteIdentifier(config_.partition_column), " = $1"),
        {Value::String(run_date_)});
  }

  absl::Status Write(const RecordBatch& rows) override {
    if (rows.num_rows() == 0) return absl::OkStatus();
    rows_ += static_cast<int64_t>(rows.num_rows());
    if (config_.key.empty()) {
      RecordBatch with_date = rows;
      with_date.AddColumn(config_.partition_column,
                          std::vector<Value>(rows.num_rows(), Value::String(run_date_)));
      written_ = true;
      return writer_.UpsertInTransaction(config_.table, {}, with_date);
    }
    for (const std::string& k : config_.key) {
      if (rows.FindColumn(k) < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("output.table.key: the output rows have no column '", k,
                         "' (add it to columns.passthrough, or use the row id column)"));
      }
    }
    written_ = true;
    return writer_.UpsertInTransaction(config_.table, config_.key, rows);
  }

  absl::StatusOr<std::vector<std::string>> Commit() override {
    absl::Status s = writer_.UpsertInTransaction(kRunsTable, kRunRecordKey,
                                                 RunRecord(run_, run_date_, config_.table, rows_));
    if (s.ok()) s = db_->Commit();
    open_ = false;
    if (!s.ok()) {
      (void)db_->Rollback();
      return s;
    }
    return std::vector<std::string>{absl::StrCat(db_->description(), "#", config_.table)};
  }

 private:
  std::unique_ptr<store::Database> db_;
  store::TableWriter writer_;
  OutputConfig config_;
  std::string run_date_;
  RunIdentity run_;
  int64_t rows_ = 0;
  bool open_ = false;
  bool written_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<InputSource>> OpenSqlSource(const InputConfig& config,
                                                           const RunPeriod& period) {
  absl::StatusOr<std::unique_ptr<store::Database>> db = store::OpenDatabase(config.sql_url);
  if (!db.ok()) return db.status();
  std::vector<Value> params;
  std::string sql = BindParameters(config.sql_query, period, &params);
  return std::make_unique<SqlSource>(std::move(*db), std::move(sql), std::move(params),
                                     config.chunk_rows);
}

absl::StatusOr<std::unique_ptr<OutputSink>> OpenTableSink(const OutputConfig& config,
                                                          std::vector<OutputColumn> columns,
                                                          const RunPeriod& period,
                                                          const RunIdentity& run) {
  absl::StatusOr<std::unique_ptr<store::Database>> db = store::OpenDatabase(config.table_url);
  if (!db.ok()) return db.status();
  auto sink =
      std::make_unique<TableSink>(std::move(*db), config, absl::FormatCivilTime(period.date), run);
  if (absl::Status s = sink->Start(); !s.ok()) return s;
  return sink;
}

absl::StatusOr<bool> TablePeriodPublished(const OutputConfig& config, const std::string& job,
                                          const RunPeriod& period) {
  absl::StatusOr<std::unique_ptr<store::Database>> db = store::OpenDatabase(config.table_url);
  if (!db.ok()) return db.status();
  absl::StatusOr<std::vector<std::string>> columns = (*db)->TableColumns(kRunsTable);
  if (!columns.ok()) return columns.status();
  if (columns->empty()) return false;
  // Published when some sharding of the period has a record for every one of its shards.
  absl::StatusOr<std::vector<RecordBatch>> groups =
      store::ReadQuery(**db,
                       absl::StrCat("SELECT num_shards, COUNT(DISTINCT shard) AS done FROM ",
                                    store::QuoteIdentifier(kRunsTable),
                                    " WHERE job = $1 AND period = $2 GROUP BY num_shards"),
                       {Value::String(job), Value::String(absl::FormatCivilTime(period.date))});
  if (!groups.ok()) return groups.status();
  for (const RecordBatch& chunk : *groups) {
    for (size_t r = 0; r < chunk.num_rows(); ++r) {
      const Value& shards = chunk.column(0).values[r];
      const Value& done = chunk.column(1).values[r];
      std::optional<double> n = shards.ToDouble(), d = done.ToDouble();
      if (n && d && *d >= *n) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace ferry::batch
