// Unit tests of the parts of ferry stream that need no broker: config checks, event decoding
// (plain JSON, nested inputs, Kinesis envelopes, poison events), output shapes, the file sink's
// atomic publish and crash recovery, and the metrics text.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "registry/test_bundles.h"
#include "stream/adapters.h"
#include "stream/config.h"
#include "stream/event_decoder.h"
#include "stream/metrics.h"
#include "stream/output_builder.h"
#include "stream/parallel_score.h"

namespace ferry::stream {
namespace {

namespace fs = std::filesystem;

Message Msg(std::string payload, int64_t offset) {
  Message m;
  m.payload = std::move(payload);
  m.topic = "rides";
  m.partition = 2;
  m.offset = offset;
  return m;
}

std::string Cell(const RecordBatch& batch, const std::string& column, size_t row) {
  int c = batch.FindColumn(column);
  return c < 0 ? "<none>" : batch.column(c).values[row].ToString();
}

TEST(ConfigTest, MinimalConfigGetsDefaultsAndResolvesPaths) {
  auto config = ParseStreamConfig(R"(
model: {bundle: ../bundle}
source:
  kafka: {brokers: "127.0.0.1:9092", topics: [rides], group: g,
          properties: {api.version.request: "false"}}
sinks:
  - file: {dir: out, format: csv}
)",
                                  "/etc/ferry/stream.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->model.bundle, "/etc/bundle");
  EXPECT_EQ(config->sinks[0].dir, "/etc/ferry/out");
  EXPECT_EQ(config->source.kafka->properties.at("api.version.request"), "false");
  EXPECT_EQ(config->max_records, 500u);
  EXPECT_EQ(config->output.layout, "nested");
}

TEST(ConfigTest, ErrorsNameTheKey) {
  auto typo = ParseStreamConfig(R"(
model: {bundle: b}
source: {kafka: {brokers: x, topics: [t], group: g, strat: latest}}
sinks: [{file: {dir: o}}]
)",
                                "s.yaml");
  EXPECT_NE(typo.status().message().find("source.kafka.strat"), std::string::npos) << typo.status();
  auto no_sinks = ParseStreamConfig(
      "model: {bundle: b}\nsource: {redis: {url: redis://h:1, stream: s, group: g}}\n", "s.yaml");
  EXPECT_NE(no_sinks.status().message().find("sinks"), std::string::npos);
  auto bad_sink = ParseStreamConfig(
      "model: {bundle: b}\nsource: {redis: {url: 'redis://h:1', stream: s, group: g}}\nsinks: "
      "[{mongo: {}}]\n",
      "s.yaml");
  EXPECT_NE(bad_sink.status().message().find("unknown sink type 'mongo'"), std::string::npos);
  auto both = ParseStreamConfig("model: {bundle: b, repository: r}\n", "s.yaml");
  EXPECT_NE(both.status().message().find("exactly one"), std::string::npos);
}

// A minimal valid config, to which a test appends the section it checks.
const std::string kMinimalHead =
    "model: {bundle: b}\nsource: {redis: {url: 'redis://h:1', stream: s, group: g}}\n"
    "sinks: [{file: {dir: o}}]\n";

TEST(ConfigTest, SinkRetriesDefaultToForeverAndAreBoundedOnRequest) {
  const std::string& head = kMinimalHead;
  auto plain = ParseStreamConfig(head, "s.yaml");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->sink_retries, 0);  // retry forever
  auto bounded = ParseStreamConfig(head + "errors: {max_retries: 5}\n", "s.yaml");
  ASSERT_TRUE(bounded.ok()) << bounded.status();
  EXPECT_EQ(bounded->sink_retries, 5);
  auto older = ParseStreamConfig(head + "errors: {sink_retries: 7}\n", "s.yaml");
  ASSERT_TRUE(older.ok()) << older.status();
  EXPECT_EQ(older->sink_retries, 7);
  auto both = ParseStreamConfig(head + "errors: {sink_retries: 7, max_retries: 5}\n", "s.yaml");
  EXPECT_NE(both.status().message().find("older name"), std::string::npos) << both.status();
  auto negative = ParseStreamConfig(head + "errors: {max_retries: -1}\n", "s.yaml");
  EXPECT_NE(negative.status().message().find("errors.max_retries"), std::string::npos);
  auto backwards =
      ParseStreamConfig(head + "errors: {backoff_initial_ms: 900, backoff_max_ms: 10}\n", "s.yaml");
  EXPECT_FALSE(backwards.ok());
}

TEST(ConfigTest, BatchesInFlightDefaultToSixteenAndAreBounded) {
  const std::string& head = kMinimalHead;
  auto plain = ParseStreamConfig(head, "s.yaml");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->max_in_flight, 16);
  auto one = ParseStreamConfig(head + "batch: {max_in_flight: 1}\n", "s.yaml");
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->max_in_flight, 1);
  for (const char* bad : {"0", "65"}) {
    auto refused = ParseStreamConfig(head + "batch: {max_in_flight: " + bad + "}\n", "s.yaml");
    EXPECT_NE(refused.status().message().find("batch.max_in_flight"), std::string::npos)
        << refused.status();
  }
}

TEST(ConfigTest, KafkaCommitIntervalDefaultsToOneSecondAndIsBounded) {
  auto config = [](const std::string& extra) {
    return ParseStreamConfig("model: {bundle: b}\nsinks: [{file: {dir: o}}]\n"
                             "source: {kafka: {brokers: 'h:1', topics: [t], group: g" +
                                 extra + "}}\n",
                             "s.yaml");
  };
  auto plain = config("");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->source.kafka->commit_interval_ms, 1000);
  auto every_batch = config(", commit_interval_ms: 0");
  ASSERT_TRUE(every_batch.ok()) << every_batch.status();
  EXPECT_EQ(every_batch->source.kafka->commit_interval_ms, 0);
  for (const char* bad : {"-1", "3600001"}) {
    auto refused = config(std::string(", commit_interval_ms: ") + bad);
    EXPECT_NE(refused.status().message().find("source.kafka.commit_interval_ms"),
              std::string::npos)
        << refused.status();
  }
}

TEST(EventDecoderTest, TopLevelFieldsIdAndTimestamp) {
  EventConfig config;
  config.id_field = "ride_id";
  config.timestamp_field = "ts";
  EventDecoder decoder(config);
  std::vector<Message> messages = {
      Msg(R"({"ride_id": 17, "PULocationID": 5, "trip_distance": 2.5, "ts": 1700000000})", 10),
      Msg(R"({"ride_id": "r-2", "PULocationID": 7, "ts": "2024-01-02T03:04:05.5Z"})", 11)};
  DecodedEvents out = decoder.Decode(messages);
  ASSERT_EQ(out.inputs.num_rows(), 2u);
  EXPECT_TRUE(out.failures.empty());
  EXPECT_EQ(out.ids, (std::vector<std::string>{"17", "r-2"}));
  EXPECT_EQ(Cell(out.inputs, "PULocationID", 1), "7");
  EXPECT_EQ(Cell(out.inputs, "trip_distance", 0), "2.5");
  EXPECT_EQ(Cell(out.inputs, "trip_distance", 1), "null");
  EXPECT_EQ(out.event_time_ms[0], 1700000000000);
  EXPECT_EQ(out.event_time_ms[1], 1704164645500);
  // A plain event's position and bytes are its message's.
  EXPECT_EQ(out.PositionOf(1, messages), "rides/2/11");
  EXPECT_EQ(out.PayloadOf(1, messages), messages[1].payload);
}

TEST(EventDecoderTest, InputsUnderAPathWithIdBeside) {
  EventConfig config;
  config.input_path = "ride";
  config.id_field = "ride_id";
  EventDecoder decoder(config);
  DecodedEvents out = decoder.Decode(
      {Msg(R"({"ride_id": "a1", "ride": {"PULocationID": 3, "DOLocationID": 4}, "x": [1]})", 0)});
  ASSERT_EQ(out.inputs.num_rows(), 1u);
  EXPECT_EQ(Cell(out.inputs, "ride_id", 0), "a1");
  EXPECT_EQ(Cell(out.inputs, "DOLocationID", 0), "4");
  EXPECT_EQ(out.inputs.FindColumn("x"), -1);  // arrays are not inputs
}

TEST(EventDecoderTest, PoisonEventsBecomeFailuresWithTheirReason) {
  EventConfig config;
  config.id_field = "id";
  config.input_path = "ride";
  EventDecoder decoder(config);
  DecodedEvents out =
      decoder.Decode({Msg("not json", 1), Msg("[1,2]", 2), Msg(R"({"ride": {"a": 1}})", 3),
                      Msg(R"({"id": 4, "ride": 5})", 4), Msg(R"({"id": 5, "ride": {"a": 1}})", 5)});
  ASSERT_EQ(out.failures.size(), 4u);
  EXPECT_NE(out.failures[0].error.find("invalid JSON"), std::string::npos);
  EXPECT_EQ(out.failures[0].payload, "not json");
  EXPECT_EQ(out.failures[0].position, "rides/2/1");
  EXPECT_NE(out.failures[1].error.find("not a JSON object"), std::string::npos);
  EXPECT_NE(out.failures[2].error.find("id field 'id'"), std::string::npos);
  EXPECT_NE(out.failures[3].error.find("no object at 'ride'"), std::string::npos);
  ASSERT_EQ(out.ids, std::vector<std::string>{"5"});
  EXPECT_EQ(out.message[0], 4u);
}

TEST(EventDecoderTest, ColumnsFollowTheFieldsOfTheDecodedEventsOnly) {
  EventConfig config;
  config.id_field = "id";
  EventDecoder decoder(config);
  // Fields in different orders and sets; a field only a failed event has; a name twice.
  Message padded = Msg(R"({"id": "p", "b": 9})", 5);
  padded.payload.reserve(padded.payload.size() + kPayloadPadding);  // parsed in place
  DecodedEvents out = decoder.Decode({Msg(R"({"id": "x", "a": 1, "b": 2})", 1),
                                      Msg(R"({"b": 3, "id": "y"})", 2),
                                      Msg(R"({"only_here": 1, "no_id": 0})", 3),
                                      Msg(R"({"id": "z", "a": 4, "a": 5, "c": "s"})", 4), padded});
  ASSERT_EQ(out.ids, (std::vector<std::string>{"x", "y", "z", "p"}));
  EXPECT_EQ(out.inputs.FindColumn("only_here"), -1);
  EXPECT_EQ(out.inputs.FindColumn("no_id"), -1);
  for (const Column& c : out.inputs.columns()) EXPECT_EQ(c.values.size(), 4u) << c.name;
  EXPECT_EQ(Cell(out.inputs, "a", 0), "1");
  EXPECT_EQ(Cell(out.inputs, "a", 1), "null");
  EXPECT_EQ(Cell(out.inputs, "a", 2), "5");  // the later of two equal names wins
  EXPECT_EQ(Cell(out.inputs, "b", 1), "3");
  EXPECT_EQ(Cell(out.inputs, "b", 2), "null");
  EXPECT_EQ(Cell(out.inputs, "b", 3), "9");
  EXPECT_EQ(Cell(out.inputs, "c", 0), "null");
  EXPECT_EQ(Cell(out.inputs, "c", 2), "s");
  // The next batch has only its own events' columns.
  DecodedEvents next = decoder.Decode({Msg(R"({"id": "w", "d": 1})", 6)});
  ASSERT_EQ(next.inputs.num_rows(), 1u);
  EXPECT_EQ(next.inputs.num_columns(), 2u);  // id, d
  EXPECT_EQ(next.inputs.FindColumn("a"), -1);
  EXPECT_EQ(Cell(next.inputs, "d", 0), "1");
}

TEST(EventDecoderTest, KinesisEnvelopeYieldsOneEventPerRecord) {
  EventConfig config;
  config.format = "kinesis";
  config.id_field = "ride_id";
  EventDecoder decoder(config);
  // base64 of {"ride_id": 1, "PULocationID": 10} and of {"ride_id": 2}
  std::string envelope = R"({"Records": [
    {"kinesis": {"data": "eyJyaWRlX2lkIjogMSwgIlBVTG9jYXRpb25JRCI6IDEwfQ==", "partitionKey": "1",
                 "sequenceNumber": "4960"}},
    {"kinesis": {"data": "eyJyaWRlX2lkIjogMn0=", "sequenceNumber": "4961"}},
    {"kinesis": {"data": "***", "sequenceNumber": "4962"}}]})";
  std::vector<Message> messages = {Msg(envelope, 7), Msg(R"({"no": "records"})", 8)};
  DecodedEvents out = decoder.Decode(messages);
  EXPECT_EQ(out.ids, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(Cell(out.inputs, "PULocationID", 0), "10");
  EXPECT_EQ(out.PositionOf(1, messages), "rides/2/7#4961");
  EXPECT_EQ(out.PayloadOf(1, messages), R"({"ride_id": 2})");
  ASSERT_EQ(out.failures.size(), 2u);
  EXPECT_NE(out.failures[0].error.find("base64"), std::string::npos);
  EXPECT_NE(out.failures[1].error.find("Kinesis envelope"), std::string::npos);
}

TEST(EventDecoderTest, Base64) {
  std::string out;
  EXPECT_TRUE(DecodeBase64("aGVsbG8=", &out));
  EXPECT_EQ(out, "hello");
  EXPECT_TRUE(DecodeBase64("aGVsbG8", &out));
  EXPECT_EQ(out, "hello");
  EXPECT_FALSE(DecodeBase64("a$==", &out));
}

bundle::ScoredBatch TwoScoredRows() {
  bundle::ScoredBatch scored;
  scored.num_rows = 2;
  scored.field_names = {"duration", "ride_id"};
  scored.fields = {Value::Float(18.25), Value::String("r1"), Value::Null(), Value::Null()};
  scored.errors = {"", "PULocationID: 900 is above the maximum 265"};
  return scored;
}

TEST(OutputBuilderTest, NestedAndFlatShapesAndDeadRows) {
  EventConfig ec;
  ec.id_field = "ride_id";
  EventDecoder decoder(ec);
  std::vector<Message> messages = {Msg(R"({"ride_id": "r1"})", 1), Msg(R"({"ride_id": "r2"})", 2)};
  DecodedEvents events = decoder.Decode(messages);
  OutputConfig oc;
  std::vector<DeadLetter> dead;
  SinkBatch out = BuildOutputs(oc, "ride_duration", "3", events, TwoScoredRows(), messages,
                               1700000000123, &dead);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(
      out.json[0],
      R"({"model":"ride_duration","version":"3","id":"r1","prediction":{"duration":18.25,"ride_id":"r1"},"processed_at":"2023-11-14T22:13:20.123Z"})");
  EXPECT_EQ(Cell(out.table, "id", 0), "r1");
  EXPECT_EQ(Cell(out.table, "duration", 0), "18.25");
  EXPECT_EQ(Cell(out.table, "version", 0), "3");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, "r2");
  EXPECT_EQ(dead[0].position, "rides/2/2");
  EXPECT_NE(dead[0].error.find("maximum"), std::string::npos);

  oc.layout = "flat";
  oc.timestamp_key = "";
  dead.clear();
  out = BuildOutputs(oc, "ride_duration", "3", events, TwoScoredRows(), messages, 0, &dead);
  EXPECT_EQ(out.json[0],
            R"({"model":"ride_duration","version":"3","id":"r1","duration":18.25,"ride_id":"r1"})");

  oc.id_key = "ride_id";  // the passthrough field of the same name is not written twice
  out = BuildOutputs(oc, "ride_duration", "3", events, TwoScoredRows(), messages, 0, &dead);
  EXPECT_EQ(out.json[0],
            R"({"model":"ride_duration","version":"3","ride_id":"r1","duration":18.25})");
  EXPECT_EQ(Cell(out.table, "duration", 0), "18.25");

  // Keys configured as "" are left out; the id is always written.
  OutputConfig bare = oc;
  bare.model_key = "";
  bare.version_key = "";
  SinkBatch bare_out =
      BuildOutputs(bare, "ride_duration", "3", events, TwoScoredRows(), messages, 0, &dead);
  EXPECT_EQ(bare_out.json[0], R"({"ride_id":"r1","duration":18.25})");

  // Without table rows (no sink reads them) the JSON lines are the same.
  SinkBatch lines_only =
      BuildOutputs(oc, "ride_duration", "3", events, TwoScoredRows(), messages, 0, &dead, false);
  EXPECT_EQ(lines_only.json, out.json);
  EXPECT_EQ(lines_only.ids, out.ids);
  EXPECT_EQ(lines_only.table.num_rows(), 1u);
  EXPECT_EQ(lines_only.table.num_columns(), 0u);
  dead.resize(1);

  SinkBatch letters = BuildDeadLetters(dead, "ride_duration", "3", 0);
  EXPECT_EQ(
      letters.json[0],
      R"({"id":"r2","source":"rides/2/2","error":"PULocationID: 900 is above the maximum 265","attempts":1,"payload":"{\"ride_id\": \"r2\"}","model":"ride_duration","version":"3","failed_at":"1970-01-01T00:00:00.000Z"})");
}

class FileSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           absl::StrCat("ferry-file-sink-", getpid(), "-",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> Files() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::string Read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  SinkBatch Batch(std::vector<std::string> ids) {
    SinkBatch b;
    std::vector<Value> id_values, scores;
    for (const std::string& id : ids) {
      b.ids.push_back(id);
      b.json.push_back(absl::StrCat("{\"id\":\"", id, "\"}"));
      id_values.push_back(Value::String(id));
      scores.push_back(Value::Float(0.5));
    }
    b.table = RecordBatch(ids.size());
    b.table.AddColumn("id", std::move(id_values));
    b.table.AddColumn("score", std::move(scores));
    return b;
  }
  fs::path dir_;
};

TEST_F(FileSinkTest, WritesInProgressThenPublishesOnRollAndClose) {
  SinkConfig config;
  config.type = "file";
  config.dir = dir_.string();
  config.roll_bytes = 20;  // every batch below is larger: one file per batch
  auto sink = MakeFileSink(config);
  ASSERT_TRUE(sink.ok()) << sink.status();
  ASSERT_TRUE((*sink)->Write(Batch({"a", "b"})).ok());
  std::vector<std::string> files = Files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].starts_with(".events-") && files[0].ends_with(".jsonl.inprogress"))
      << files[0];
  ASSERT_TRUE((*sink)->Write(Batch({"c"})).ok());  // rolls the first file
  ASSERT_TRUE((*sink)->Close().ok());
  files = Files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(Read(dir_ / files[0]) + Read(dir_ / files[1]),
            "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c\"}\n");
}

TEST_F(FileSinkTest, CsvHasAHeaderAndQuotes) {
  SinkConfig config;
  config.type = "file";
  config.dir = dir_.string();
  config.format = "csv";
  config.prefix = "preds";
  auto sink = MakeFileSink(config);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write(Batch({"x,1", "y"})).ok());
  ASSERT_TRUE((*sink)->Close().ok());
  std::vector<std::string> files = Files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].starts_with("preds-") && files[0].ends_with(".csv"));
  EXPECT_EQ(Read(dir_ / files[0]), "id,score\n\"x,1\",0.5\ny,0.5\n");
}

TEST_F(FileSinkTest, LeftoversOfACrashedWriterArePublishedWithoutTheTornLine) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / ".events-20240101T000000-1-0.jsonl.inprogress")
      << "{\"id\":\"1\"}\n{\"id\":";
  std::ofstream(dir_ / ".events-20240101T000000-1-1.jsonl.inprogress") << "{\"id";
  std::ofstream(dir_ / ".other-20240101T000000-1-0.jsonl.inprogress") << "{}\n";
  SinkConfig config;
  config.type = "file";
  config.dir = dir_.string();
  auto sink = MakeFileSink(config);
  ASSERT_TRUE(sink.ok());
  EXPECT_EQ(Files(), (std::vector<std::string>{".other-20240101T000000-1-0.jsonl.inprogress",
                                               "events-20240101T000000-1-0.jsonl"}));
  EXPECT_EQ(Read(dir_ / "events-20240101T000000-1-0.jsonl"), "{\"id\":\"1\"}\n");
}

TEST(MetricsTest, SetAllReplacesEveryGaugeSeries) {
  Metrics m;
  m.Describe("lag", Metrics::Type::kGauge, "Lag.");
  m.SetAll("lag", {{"partition=\"0\"", 5}, {"partition=\"1\"", 7}});
  m.SetAll("lag", {{"partition=\"1\"", 2}});  // partition 0 was revoked
  EXPECT_EQ(m.Get("lag", "partition=\"1\""), 2);
  EXPECT_EQ(m.Render().find("partition=\"0\""), std::string::npos) << m.Render();
}

TEST(MetricsTest, PrometheusText) {
  Metrics m;
  m.Describe("x_total", Metrics::Type::kCounter, "Xs.");
  m.Describe("lat", Metrics::Type::kHistogram, "Latency.", {0.1, 1});
  m.Add("x_total", "sink=\"a\"", 2);
  m.Add("x_total", "sink=\"a\"", 3);
  m.Observe("lat", "", 0.05);
  m.Observe("lat", "", 0.5);
  m.Observe("lat", "", 5);
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE x_total counter\nx_total{sink=\"a\"} 5\n"), std::string::npos)
      << text;
  EXPECT_NE(
      text.find("lat_bucket{le=\"0.1\"} 1\nlat_bucket{le=\"1.0\"} 2\nlat_bucket{le=\"+Inf\"} 3\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("lat_count 3\n"), std::string::npos);
  EXPECT_EQ(m.Get("x_total", "sink=\"a\""), 5);

  // ObserveAll counts like one Observe per value; a value equal to a bound is in its bucket.
  m.ObserveAll("lat", "", {0.1, 1, 1.5});
  text = m.Render();
  EXPECT_NE(
      text.find("lat_bucket{le=\"0.1\"} 2\nlat_bucket{le=\"1.0\"} 4\nlat_bucket{le=\"+Inf\"} 6\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("lat_count 6\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace ferry::stream

namespace ferry::stream {
namespace {

TEST(ParallelScoreTest, SameResultsAsOneThreadInRowOrder) {
  auto bundle = bundle::Bundle::Load(registry::testing::TinyBundle(false));
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  RecordBatch input(1001);
  std::vector<Value> x1, x2;
  for (int i = 0; i < 1001; ++i) {
    x1.push_back(i == 500 ? Value::String("oops") : Value::Float((i % 17) - 8.5));
    x2.push_back(Value::Float((i % 5) - 2.0));
  }
  input.AddColumn("x1", x1);
  input.AddColumn("x2", x2);
  bundle::ScoredBatch one = (*bundle)->Score(input);
  bundle::ScoredBatch three = ScoreInParallel(**bundle, input, 3, 64);
  ASSERT_EQ(three.num_rows, one.num_rows);
  EXPECT_EQ(three.errors, one.errors);
  EXPECT_FALSE(one.ok(500));
  EXPECT_EQ(three.fields, one.fields);
  EXPECT_EQ(three.probabilities, one.probabilities);
}

}  // namespace
}  // namespace ferry::stream
