// The async engine without HTTP: request ids and events, queue URLs, the result store on a
// SQLite file (waiting, scored, failed, listing by time, retention), and the embedded queue
// end to end with tiny bundles (registry/test_bundles.h): requests queued with no workers
// survive a restart and are then scored with the version policy they were submitted with.
#include <chrono>
#include <filesystem>
#include <thread>

#include "async/async_service.h"
#include "async/request.h"
#include "gtest/gtest.h"
#include "registry/test_bundles.h"
#include "stream/adapters.h"
#include "stream/config.h"

namespace ferry::async {
namespace {

using registry::testing::CopyTinyBundle;
using registry::testing::MakeTempDir;
using registry::testing::WriteFile;

RecordBatch OneRecord(double x1, double x2) {
  RecordBatch batch(1);
  batch.AddColumn("x1", {Value::Float(x1)});
  batch.AddColumn("x2", {Value::Float(x2)});
  return batch;
}

TEST(RequestTest, IdsAreVersion4UuidsAndRecognized) {
  std::string a = NewRequestId(), b = NewRequestId();
  EXPECT_NE(a, b);
  EXPECT_TRUE(IsRequestId(a)) << a;
  EXPECT_EQ(a[14], '4');
  EXPECT_TRUE(IsRequestId("6F1C2A3B-0000-4000-8000-00000000ABCD"));
  EXPECT_FALSE(IsRequestId("6f1c2a3b-0000-4000-8000-00000000abc"));
  EXPECT_FALSE(IsRequestId("6f1c2a3b-0000-4000-8000-00000000abcg"));
  EXPECT_FALSE(IsRequestId("6f1c2a3b00000-4000-8000-00000000abcd"));
  EXPECT_FALSE(IsRequestId("../../etc/passwd"));
}

TEST(RequestTest, EventHoldsIdPolicyTimeAndInputs) {
  RecordBatch record = OneRecord(1.5, -2);
  record.AddColumn("tag", {Value::String("a\"b")});
  QueuedRequest r = MakeRequest("id-1", "tiny", "", "production", 1700000000123, record);
  EXPECT_EQ(r.event,
            "{\"id\":\"id-1\",\"model\":\"tiny\",\"version\":\"\",\"alias\":\"production\","
            "\"received_at\":\"2023-11-14T22:13:20.123Z\",\"inputs\":{\"x1\":1.5,\"x2\":-2.0,"
            "\"tag\":\"a\\\"b\"}}");
}

TEST(QueueUrlTest, ParsesEveryFormAndExplainsMistakes) {
  auto kafka = ParseQueueUrl("kafka://h1:9092,h2:9092/requests-{model}");
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  EXPECT_EQ(kafka->kind, "kafka");
  EXPECT_EQ(kafka->endpoint, "h1:9092,h2:9092");
  EXPECT_EQ(kafka->name, "requests-{model}");
  auto props = ParseQueueUrl("kafka://h:1/t?api.version.request=false&a=b=c");
  ASSERT_TRUE(props.ok()) << props.status();
  EXPECT_EQ(props->name, "t");
  EXPECT_EQ(props->properties.at("api.version.request"), "false");
  EXPECT_EQ(props->properties.at("a"), "b=c");
  EXPECT_FALSE(ParseQueueUrl("kafka://h:1/t?novalue").ok());
  auto redis = ParseQueueUrl("redis://localhost:6379/2/requests");
  ASSERT_TRUE(redis.ok()) << redis.status();
  EXPECT_EQ(redis->endpoint, "redis://localhost:6379/2");
  EXPECT_EQ(redis->name, "requests");
  EXPECT_EQ(ParseQueueUrl("embedded")->kind, "embedded");
  auto missing = ParseQueueUrl("kafka://localhost:9092");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no topic name"), std::string::npos);
  auto unknown = ParseQueueUrl("rabbitmq://x/y");
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("kafka://"), std::string::npos);
}

TEST(ResultStoreTest, WaitingScoredFailedListedAndSwept) {
  std::string dir = MakeTempDir("ferry-async-store-");
  auto store = ResultStore::Open("sqlite://" + dir + "/r.db", kDefaultResultTable);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->AddPending("a", "m", "2026-01-01T00:00:00.000Z").ok());
  auto got = (*store)->Get("a");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->state, StoredResult::State::kWait);
  EXPECT_FALSE((*store)->Get("nope")->has_value());

  // What a table sink with shape json writes (src/stream/table_sink.cc).
  auto db = store::OpenDatabase("sqlite://" + dir + "/r.db");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)
                  ->Execute("UPDATE ferry_async_results SET version = '3', processed_at = "
                            "'2026-01-01T00:00:01.000Z', event = $1 WHERE id = 'a'",
                            {Value::String("{\"model\":\"m\",\"version\":\"3\",\"id\":\"a\","
                                           "\"prediction\":{\"label\":\"yes\",\"p\":{\"yes\":"
                                           "0.75}},\"processed_at\":\"x\"}")})
                  .ok());
  ASSERT_TRUE((*db)
                  ->Execute("INSERT INTO ferry_async_results (id, model, version, processed_at, "
                            "event) VALUES ('b', 'm', '3', '2026-01-02T00:00:00.000Z', "
                            "'{\"id\":\"b\",\"error\":\"x1: not a number\"}')")
                  .ok());
  got = (*store)->Get("a");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->state, StoredResult::State::kOk);
  EXPECT_EQ((*got)->prediction_json,
            "{\"label\":\"yes\",\"p\":{\"yes\":0.75},\"model\":\"m\",\"version\":\"3\"}");
  got = (*store)->Get("b");
  EXPECT_EQ((*got)->state, StoredResult::State::kError);
  EXPECT_EQ((*got)->error, "x1: not a number");

  absl::Time day1 = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z
  auto listed = (*store)->List("m", day1, day1 + absl::Hours(48), 10);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, "a");
  EXPECT_EQ((*listed)[1].id, "b");
  EXPECT_EQ((*store)->List("m", day1 + absl::Hours(24), day1 + absl::Hours(48), 10)->size(), 1u);
  EXPECT_EQ((*store)->List("other", day1, day1 + absl::Hours(48), 10)->size(), 0u);
  EXPECT_EQ((*store)->List("m", day1, day1 + absl::Hours(48), 1)->size(), 1u);

  ASSERT_TRUE((*store)->DeleteOlderThan(day1 + absl::Hours(1)).ok());
  EXPECT_FALSE((*store)->Get("a")->has_value());  // received on day 1
  EXPECT_TRUE((*store)->Get("b")->has_value());   // processed on day 2, never received here
  std::filesystem::remove_all(dir);
}

TEST(StreamWorkerConfigTest, TableSinksTakeShapeJsonAlsoAsDeadLetters) {
  const std::string worker = R"(
model: {bundle: /srv/bundle}
source: {redis: {url: "redis://127.0.0.1:6379", stream: requests-tiny, group: async}}
events: {id_field: id, input_path: inputs, timestamp_field: received_at}
sinks:
  - sqlite: {url: "sqlite:///tmp/r.db", table: ferry_async_results, shape: json}
dead_letter:
  sqlite: {url: "sqlite:///tmp/r.db", table: ferry_async_results, shape: json}
)";
  auto config = stream::ParseStreamConfig(worker, "worker.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->sinks[0].shape, "json");
  EXPECT_EQ(config->dead_letter->shape, "json");
  std::string bad = worker;
  bad.replace(bad.find("shape: json}"), 12, "shape: rows}");
  auto rejected = stream::ParseStreamConfig(bad, "worker.yaml");
  ASSERT_FALSE(rejected.ok());
  EXPECT_NE(rejected.status().message().find("expected columns or json"), std::string::npos)
      << rejected.status();
  std::string columns_dead = worker;
  columns_dead.replace(columns_dead.rfind("shape: json}"), 12, "shape: columns}");
  EXPECT_FALSE(stream::ParseStreamConfig(columns_dead, "worker.yaml").ok());
}

// A result written by a stream table sink of shape json reads back through the ResultStore.
TEST(StreamWorkerConfigTest, JsonShapeSinkRowsAreWhatTheResultStoreReads) {
  std::string dir = MakeTempDir("ferry-async-sink-");
  std::string url = "sqlite://" + dir + "/r.db";
  auto store = ResultStore::Open(url, kDefaultResultTable);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->AddPending("id-1", "m", "2026-01-01T00:00:00.000Z").ok());
  stream::SinkConfig config;
  config.type = "sqlite";
  config.url = url;
  config.table = kDefaultResultTable;
  config.shape = "json";
  auto sink = stream::MakeTableSink(config, "id");
  ASSERT_TRUE(sink.ok());
  stream::SinkBatch batch;
  batch.ids = {"id-1"};
  batch.json = {R"({"model":"m","version":"2","id":"id-1","prediction":{"y":1.5},)"
                R"("processed_at":"2026-01-01T00:00:02.000Z"})"};
  batch.table = RecordBatch(1);
  batch.table.AddColumn("id", {Value::String("id-1")});
  batch.table.AddColumn("model", {Value::String("m")});
  batch.table.AddColumn("version", {Value::String("2")});
  batch.table.AddColumn("processed_at", {Value::String("2026-01-01T00:00:02.000Z")});
  batch.table.AddColumn("y", {Value::Float(1.5)});
  ASSERT_TRUE((*sink)->Write(batch).ok());
  auto got = (*store)->Get("id-1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->state, StoredResult::State::kOk);
  EXPECT_EQ((*got)->prediction_json, R"({"y":1.5,"model":"m","version":"2"})");
  EXPECT_EQ((*got)->received_at, "2026-01-01T00:00:00.000Z");  // kept by the upsert
  EXPECT_EQ((*got)->processed_at, "2026-01-01T00:00:02.000Z");
  std::filesystem::remove_all(dir);
}

class EmbeddedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTempDir("ferry-async-embedded-");
    CopyTinyBundle(false, root_ + "/models/tiny/1", "tiny", "1");
    CopyTinyBundle(true, root_ + "/models/tiny/2", "tiny", "2");
    WriteFile(root_ + "/models/tiny/config.yaml", "version_policy: all\n");
    WriteFile(root_ + "/models/tiny/aliases.yaml", "production: \"1\"\n");
    auto repo = registry::Repository::OpenDirectory(root_ + "/models", nullptr);
    ASSERT_TRUE(repo.ok()) << repo.status();
    repo_ = std::move(*repo);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<AsyncService> StartService(int workers, std::string results = "") {
    AsyncOptions options;
    options.state_dir = root_ + "/state";
    options.workers = workers;
    options.results = std::move(results);
    auto service = AsyncService::Start(options, repo_.get());
    EXPECT_TRUE(service.ok()) << service.status();
    return service.ok() ? std::move(*service) : nullptr;
  }

  // Polls until the request is no longer waiting (at most 20 s).
  StoredResult WaitFor(AsyncService& service, const std::string& id) {
    for (int i = 0; i < 2000; ++i) {
      auto got = service.Lookup(id);
      EXPECT_TRUE(got.ok() && got->has_value());
      if (!got.ok() || !got->has_value()) return {};
      if ((*got)->state != StoredResult::State::kWait) return **got;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "request " << id << " was never scored";
    return {};
  }

  std::string root_;
  std::unique_ptr<registry::Repository> repo_;
};

TEST_F(EmbeddedTest, QueuedWithoutWorkersIsScoredAfterRestartWithItsPolicy) {
  std::string latest, production;
  {
    auto service = StartService(0);
    ASSERT_NE(service, nullptr);
    auto id = service->Submit("tiny", "", "", OneRecord(2, 3));
    ASSERT_TRUE(id.ok()) << id.status();
    latest = *id;
    id = service->Submit("tiny", "", "production", OneRecord(2, 3));
    ASSERT_TRUE(id.ok()) << id.status();
    production = *id;
    EXPECT_EQ((*service->Lookup(latest))->state, StoredResult::State::kWait);
    EXPECT_NE(service->RenderMetrics().find("ferry_async_queue_depth 2"), std::string::npos);
  }
  auto service = StartService(2);
  ASSERT_NE(service, nullptr);
  StoredResult a = WaitFor(*service, latest);
  EXPECT_EQ(a.state, StoredResult::State::kOk) << a.error;
  EXPECT_EQ(a.version, "2");  // latest, flipped: "no" for x1 + x2 > 0
  EXPECT_NE(a.prediction_json.find("\"label\":\"no\""), std::string::npos) << a.prediction_json;
  EXPECT_NE(a.prediction_json.find("\"version\":\"2\""), std::string::npos);
  StoredResult b = WaitFor(*service, production);
  EXPECT_EQ(b.version, "1");
  EXPECT_NE(b.prediction_json.find("\"label\":\"yes\""), std::string::npos) << b.prediction_json;
  // The queue row is deleted and counted just after the result is stored.
  for (int i = 0;
       i < 500 && service->RenderMetrics().find("ferry_async_queue_depth 0") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(service->RenderMetrics().find("ferry_async_requests_completed_total 2"),
            std::string::npos);
  auto listed = service->results().List("tiny", absl::Now() - absl::Hours(1),
                                        absl::Now() + absl::Hours(1), 10);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
}

TEST_F(EmbeddedTest, ResultsInAnotherDatabaseGoThroughTheTableSink) {
  std::string results = "sqlite://" + root_ + "/results.db";
  auto service = StartService(1, results);
  ASSERT_NE(service, nullptr);
  auto id = service->Submit("tiny", "1", "", OneRecord(1, 1));
  ASSERT_TRUE(id.ok()) << id.status();
  StoredResult r = WaitFor(*service, *id);
  EXPECT_EQ(r.state, StoredResult::State::kOk) << r.error;
  EXPECT_EQ(r.version, "1");
  auto rows = store::ReadQuery(**store::OpenDatabase(results),
                               "SELECT id FROM ferry_async_results WHERE event IS NOT NULL");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].column(0).values[0].as_string(), *id);
}

TEST_F(EmbeddedTest, AVersionGoneBeforeScoringGivesAnError) {
  auto service = StartService(1);
  ASSERT_NE(service, nullptr);
  auto id = service->Submit("tiny", "7", "", OneRecord(1, 1));
  ASSERT_TRUE(id.ok());
  StoredResult r = WaitFor(*service, *id);
  EXPECT_EQ(r.state, StoredResult::State::kError);
  EXPECT_NE(r.error.find("version 7 of model 'tiny' is no longer served"), std::string::npos)
      << r.error;
}

}  // namespace
}  // namespace ferry::async
