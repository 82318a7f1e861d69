// Routes answered by Handle directly, no sockets: a repository of tiny bundles trained at test
// time (registry/test_bundles.h): model "tiny" versions 1 ("yes" for x1 + x2 > 0) and 2
// (flipped), alias production -> 1, and model "locked" that needs an API key.
#include "serve/handler.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "registry/test_bundles.h"

namespace ferry::serve {
namespace {

using registry::testing::CopyTinyBundle;
using registry::testing::MakeTempDir;
using registry::testing::WriteFile;

class HandlerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new std::string(MakeTempDir("ferry-handler-"));
    CopyTinyBundle(false, *root_ + "/tiny/1", "tiny", "1");
    CopyTinyBundle(true, *root_ + "/tiny/2", "tiny", "2");
    WriteFile(*root_ + "/tiny/config.yaml", "version_policy: all\n");
    WriteFile(*root_ + "/tiny/aliases.yaml", "production: \"1\"\n");
    CopyTinyBundle(false, *root_ + "/locked/1", "locked", "1");
    WriteFile(*root_ + "/locked/config.yaml", "auth: required\n");
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*root_);
    delete root_;
  }
  void SetUp() override {
    auto repo = registry::Repository::OpenDirectory(
        *root_, [this](const registry::LoadEvent& e) { metrics_.ModelLoad(e); });
    ASSERT_TRUE(repo.ok()) << repo.status();
    repo_ = std::move(*repo);
    state_.repository = repo_.get();
    state_.metrics = &metrics_;
    state_.keys = ApiKeys::FromList({"secret-key"});
    state_.options.default_model = "tiny";
    state_.options.server_version = "9.9.9";
  }

  Response Call(std::string method, std::string path, std::string body = "",
                std::string content_type = "application/json", std::string auth = "") {
    Request request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.body = std::move(body);
    if (!content_type.empty()) request.headers["content-type"] = content_type;
    if (!auth.empty()) request.headers["authorization"] = auth;
    return Handle(request, state_);
  }

  static std::string* root_;
  Metrics metrics_;
  std::unique_ptr<registry::Repository> repo_;
  ServerState state_;
};
std::string* HandlerTest::root_ = nullptr;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(HandlerTest, NativePredictOneRecordNamesModelAndVersion) {
  Response r = Call("POST", "/v1/models/tiny/predict", R"({"x1": 1, "x2": 2, "tag": "t1"})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Has(r.body, R"("model":"tiny","version":"2","predictions":[{"label":"no")"))
      << r.body;
  EXPECT_TRUE(Has(r.body, R"("tag":"t1")"));
  EXPECT_EQ(r.model, "tiny");
  EXPECT_EQ(r.version, "2");
}

TEST_F(HandlerTest, NativePredictVersionsAliasesAndInstances) {
  Response v1 = Call("POST", "/v1/models/tiny/versions/1/predict", R"({"x1": 1, "x2": 2})");
  EXPECT_TRUE(Has(v1.body, R"("version":"1","predictions":[{"label":"yes")")) << v1.body;
  Response alias =
      Call("POST", "/v1/models/tiny/aliases/production/predict", R"({"x1": 1, "x2": 2})");
  EXPECT_TRUE(Has(alias.body, R"("version":"1")")) << alias.body;
  Response batch =
      Call("POST", "/v1/models/tiny/versions/1/predict",
           R"({"instances": [{"x1": 1, "x2": 1}, {"x1": "bad", "x2": 1}, {"x1": -3, "x2": -1}]})");
  EXPECT_EQ(batch.status, 200);
  EXPECT_TRUE(Has(batch.body, R"({"row":2,"error":"x1: 'bad' is not a number"})")) << batch.body;
  EXPECT_TRUE(Has(batch.body, R"("label":"no")"));
}

TEST_F(HandlerTest, FormsAndCsv) {
  Response form = Call("POST", "/v1/models/tiny/versions/1/predict", "x1=1.5&x2=2",
                       "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 200) << form.body;
  EXPECT_TRUE(Has(form.body, R"("label":"yes")"));
  Response multi = Call("POST", "/v1/models/tiny/versions/1/predict",
                        "--B\r\nContent-Disposition: form-data; name=\"x1\"\r\n\r\n-4\r\n"
                        "--B\r\nContent-Disposition: form-data; name=\"x2\"\r\n\r\n1\r\n--B--\r\n",
                        "multipart/form-data; boundary=B");
  EXPECT_EQ(multi.status, 200) << multi.body;
  EXPECT_TRUE(Has(multi.body, R"("label":"no")"));
  Response csv =
      Call("POST", "/v1/models/tiny/versions/1/predict", "x1,x2\n1,1\n-1,-1\n", "text/csv");
  EXPECT_EQ(csv.status, 200) << csv.body;
  EXPECT_TRUE(Has(csv.body, R"("label":"yes")") && Has(csv.body, R"("label":"no")"));
}

TEST_F(HandlerTest, ErrorCases) {
  EXPECT_EQ(Call("POST", "/v1/models/tiny/predict", "{\"x1\": ").status, 400);
  EXPECT_EQ(Call("POST", "/v1/models/nope/predict", "{}").status, 404);
  EXPECT_EQ(Call("POST", "/v1/models/tiny/versions/7/predict", "{}").status, 404);
  EXPECT_EQ(Call("POST", "/v1/models/tiny/aliases/staging/predict", "{}").status, 404);
  EXPECT_EQ(Call("POST", "/v1/models/../predict", "{}").status, 400);
  EXPECT_EQ(Call("POST", "/v1/models/tiny/predict", "<x/>", "application/xml").status, 415);
  Response fields = Call("POST", "/v1/models/tiny/predict", R"({"x1": "a", "x2": 1})");
  EXPECT_EQ(fields.status, 422);
  EXPECT_TRUE(Has(fields.body, R"("error":"x1: 'a' is not a number")")) << fields.body;
  EXPECT_TRUE(Has(fields.body, R"("version":"2")"));
  EXPECT_EQ(Call("GET", "/v1/models/tiny/predict").status, 405);
  EXPECT_EQ(Call("GET", "/nowhere").status, 404);
  state_.options.max_rows = 1;
  EXPECT_EQ(Call("POST", "/v1/models/tiny/predict", R"({"instances": [{}, {}]})").status, 413);
}

TEST_F(HandlerTest, Auth) {
  EXPECT_EQ(Call("POST", "/v1/models/locked/predict", R"({"x1": 1, "x2": 1})").status, 401);
  EXPECT_EQ(Call("POST", "/v1/models/locked/predict", R"({"x1": 1, "x2": 1})", "application/json",
                 "Bearer wrong")
                .status,
            401);
  EXPECT_EQ(Call("POST", "/v1/models/locked/predict", R"({"x1": 1, "x2": 1})", "application/json",
                 "Bearer secret-key")
                .status,
            200);
  EXPECT_EQ(Call("POST", "/v2/repository/index").status, 401);
  Response index = Call("POST", "/v2/repository/index", "", "", "Bearer secret-key");
  EXPECT_EQ(index.status, 200);
  EXPECT_TRUE(Has(index.body, R"({"name":"tiny","version":"1","state":"READY","reason":""})"))
      << index.body;
  state_.keys = ApiKeys();
  Response refused = Call("POST", "/v2/repository/index");
  EXPECT_EQ(refused.status, 403);
  EXPECT_TRUE(Has(refused.body, "no API key is configured"));
}

TEST_F(HandlerTest, AdminLoadUnload) {
  const std::string key = "Bearer secret-key";
  EXPECT_EQ(Call("POST", "/v2/repository/models/tiny/unload", "", "", key).status, 200);
  EXPECT_EQ(Call("POST", "/v1/models/tiny/predict", R"({"x1": 1, "x2": 1})").status, 404);
  EXPECT_EQ(Call("POST", "/v2/repository/models/tiny/load", "", "", key).status, 200);
  EXPECT_EQ(Call("POST", "/v1/models/tiny/predict", R"({"x1": 1, "x2": 1})").status, 200);
  EXPECT_EQ(Call("POST", "/v2/repository/models/ghost/load", "", "", key).status, 404);
  EXPECT_EQ(Call("POST", "/v2/repository/models/..%2f/load", "", "", key).status, 400);
}

TEST_F(HandlerTest, KServe) {
  EXPECT_EQ(Call("GET", "/v2/health/live").status, 200);
  EXPECT_EQ(Call("GET", "/v2/health/ready").status, 200);
  Response meta = Call("GET", "/v2/models/tiny");
  EXPECT_TRUE(Has(meta.body, R"({"name":"x1","datatype":"FP64","shape":[-1]})")) << meta.body;
  EXPECT_TRUE(Has(meta.body, R"("versions":["1","2"])"));
  EXPECT_EQ(Call("GET", "/v2/models/tiny/versions/1/ready").status, 200);
  EXPECT_EQ(Call("GET", "/v2/models/tiny/versions/5/ready").status, 404);
  Response infer = Call("POST", "/v2/models/tiny/versions/1/infer", R"({"id": "q1", "inputs": [
      {"name": "x1", "shape": [2], "datatype": "FP32", "data": [1, -2]},
      {"name": "x2", "shape": [2, 1], "datatype": "FP64", "data": [[1], [-1]]},
      {"name": "tag", "shape": [2], "datatype": "BYTES", "data": ["a", "b"]}]})");
  EXPECT_EQ(infer.status, 200) << infer.body;
  EXPECT_TRUE(Has(infer.body, R"("model_name":"tiny","model_version":"1","id":"q1")"))
      << infer.body;
  EXPECT_TRUE(
      Has(infer.body, R"({"name":"label","datatype":"BYTES","shape":[2],"data":["yes","no"]})"));
  EXPECT_TRUE(Has(infer.body, R"("name":"probabilities","datatype":"FP64","shape":[2,2])"));
  Response wrong_type =
      Call("POST", "/v2/models/tiny/infer",
           R"({"inputs": [{"name": "x1", "shape": [1], "datatype": "FP32", "data": ["a"]}]})");
  EXPECT_EQ(wrong_type.status, 400);
  Response bad_shape =
      Call("POST", "/v2/models/tiny/infer",
           R"({"inputs": [{"name": "x1", "shape": [3], "datatype": "FP32", "data": [1]}]})");
  EXPECT_EQ(bad_shape.status, 400);
  EXPECT_EQ(Call("POST", "/v2/models/tiny/infer", "x1\n1\n", "text/csv").status, 415);
  EXPECT_EQ(Call("POST", "/v2/models/tiny/infer", R"({"inputs": []})").status, 400);
  Response rule =
      Call("POST", "/v2/models/tiny/infer",
           R"({"inputs": [{"name": "x1", "shape": [1], "datatype": "FP32", "data": [5000]},
                                      {"name": "x2", "shape": [1], "datatype": "FP32", "data": [1]}]})");
  EXPECT_EQ(rule.status, 422) << rule.body;
}

TEST_F(HandlerTest, Mlflow) {
  EXPECT_EQ(Call("GET", "/ping").status, 200);
  EXPECT_EQ(Call("GET", "/version").body, "9.9.9\n");
  Response split =
      Call("POST", "/invocations",
           R"({"dataframe_split": {"columns": ["x1", "x2"], "data": [[1, 1], [-1, -1]]}})");
  EXPECT_EQ(split.status, 200) << split.body;
  EXPECT_TRUE(Has(split.body, R"({"predictions":[{"label":"no")")) << split.body;
  EXPECT_TRUE(Has(split.body, R"("model":"tiny","version":"2")"));
  EXPECT_EQ(Call("POST", "/invocations", R"({"dataframe_records": [{"x1": 1, "x2": 1}]})").status,
            200);
  EXPECT_EQ(Call("POST", "/invocations", R"({"instances": [[1, 1]]})").status, 200);
  EXPECT_EQ(Call("POST", "/invocations", R"({"inputs": {"x1": [1, 2], "x2": [3, 4]}})").status,
            200);
  EXPECT_EQ(Call("POST", "/invocations", "x1,x2\n1,2\n", "text/csv").status, 200);
  EXPECT_EQ(Call("POST", "/invocations", R"({"columns": []})").status, 400);
  EXPECT_EQ(Call("POST", "/invocations", "x1=1", "application/x-www-form-urlencoded").status, 415);
  EXPECT_EQ(Call("POST", "/invocations", R"({"dataframe_split": {"columns": ["x1"]}})").status,
            400);
  EXPECT_EQ(Call("POST", "/invocations", R"({"instances": [{"x1": "z", "x2": 1}]})").status, 422);
  state_.options.default_model = "";
  Response ambiguous = Call("POST", "/invocations", R"({"instances": [[1, 1]]})");
  EXPECT_EQ(ambiguous.status, 404);
  EXPECT_TRUE(Has(ambiguous.body, "--default-model"));
}

TEST_F(HandlerTest, MetricsCountRequestsPredictionsAndLoads) {
  Call("POST", "/v1/models/tiny/versions/1/predict", R"({"x1": 1, "x2": 1})");
  metrics_.RequestStarted();
  metrics_.RequestFinished("v1_predict", "tiny", "1", 200, 0.0002);
  std::string text = Call("GET", "/metrics").body;
  EXPECT_TRUE(Has(text, R"(ferry_predictions_total{model="tiny",version="1",class="yes"} 1)"))
      << text;
  EXPECT_TRUE(Has(
      text, R"(ferry_model_loads_total{model="tiny",version="2",kind="load",result="success"} 1)"));
  EXPECT_TRUE(Has(
      text,
      R"(ferry_http_request_duration_seconds_bucket{route="v1_predict",model="tiny",version="1",le="0.00025"} 1)"));
  EXPECT_TRUE(Has(text, "ferry_model_versions_served{model=\"tiny\"} 2"));
}

// The head the session writes before a response body.
TEST(ResponseHeadTest, StatusHeadersLengthAndClose) {
  Response r;
  r.status = 404;
  r.headers = {{"WWW-Authenticate", "Bearer"}, {"X-Bad\r\nInjected", "a\r\nSet-Cookie: x"}};
  std::string head;
  AppendResponseHead(r, "Not Found", "ferry/1.2", 17, /*close=*/false, &head);
  EXPECT_EQ(head,
            "HTTP/1.1 404 Not Found\r\nServer: ferry/1.2\r\nContent-Type: application/json\r\n"
            "WWW-Authenticate: Bearer\r\nX-BadInjected: aSet-Cookie: x\r\n"
            "Content-Length: 17\r\n\r\n");
  head.clear();
  r.status = 200;
  r.headers.clear();
  r.content_type = "text/plain";
  AppendResponseHead(r, "OK", "ferry/1.2", 0, /*close=*/true, &head);
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\nServer: ferry/1.2\r\nContent-Type: text/plain\r\n"
            "Content-Length: 0\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace ferry::serve
