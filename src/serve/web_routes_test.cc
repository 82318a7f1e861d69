// The web front end: its pages (serve/web/pages.h) and routes answered by Handle directly,
// over a repository of tiny bundles (registry/test_bundles.h): model "tiny", with markup in its
// descriptions that must come out escaped and an alias, and model "locked" that needs an API
// key; for the results page, a real embedded async service (SQLite queue and store).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/time/clock.h"
#include "async/async_service.h"
#include "gtest/gtest.h"
#include "registry/test_bundles.h"
#include "serve/handler.h"
#include "serve/web/pages.h"

namespace ferry::serve {
namespace {

using registry::testing::CopyTinyBundle;
using registry::testing::MakeTempDir;
using registry::testing::WriteFile;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class WebRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new std::string(MakeTempDir("ferry-web-routes-"));
    std::string tiny = *root_ + "/models/tiny/1";
    CopyTinyBundle(false, tiny, "tiny", "1");
    std::ifstream in(tiny + "/ferry.yaml");
    std::stringstream text;
    text << in.rdbuf();
    std::string spec = text.str();
    spec.replace(spec.find("x2: {type: float}"), 17,
                 "x2: {type: float, description: \"<b>second</b> & co\"}");
    WriteFile(tiny + "/ferry.yaml", "description: \"<script>alert(1)</script>\"\n" + spec);
    WriteFile(*root_ + "/models/tiny/aliases.yaml", "production: \"1\"\n");
    CopyTinyBundle(false, *root_ + "/models/locked/1", "locked", "1");
    WriteFile(*root_ + "/models/locked/config.yaml", "auth: required\n");
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*root_);
    delete root_;
  }
  void SetUp() override {
    auto repo =
        registry::Repository::OpenDirectory(*root_ + "/models", [](const registry::LoadEvent&) {});
    ASSERT_TRUE(repo.ok()) << repo.status();
    repo_ = std::move(*repo);
    state_.repository = repo_.get();
    state_.metrics = &metrics_;
    state_.keys = ApiKeys::FromList({"secret-key"});
  }

  Response Get(std::string path, std::string query = "", std::string accept = "text/html") {
    Request request;
    request.method = "GET";
    request.path = std::move(path);
    request.query = std::move(query);
    if (!accept.empty()) request.headers["accept"] = accept;
    return Handle(request, state_);
  }

  const registry::ServedModel& Tiny() { return *repo_->snapshot()->FindModel("tiny"); }

  static std::string* root_;
  Metrics metrics_;
  std::unique_ptr<registry::Repository> repo_;
  ServerState state_;
};
std::string* WebRoutesTest::root_ = nullptr;

TEST_F(WebRoutesTest, IndexListsModelVersionHealthAndAliasWithLinks) {
  std::string page = web::IndexPage(*repo_->snapshot(), "1.2.3");
  EXPECT_TRUE(Has(page, "<a href=\"/models/tiny\">tiny</a>")) << page;
  EXPECT_TRUE(Has(page, "<span class=\"badge ok\">READY</span>")) << page;
  EXPECT_TRUE(Has(page, "production &rarr; 1")) << page;
  EXPECT_TRUE(Has(page, "href=\"/models/tiny/batch\""));
  EXPECT_TRUE(Has(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_FALSE(Has(page, "<script>alert"));
}

TEST_F(WebRoutesTest, ModelFormHasOneLabelledControlPerInputWithItsRules) {
  std::string page = web::ModelPage(Tiny());
  EXPECT_TRUE(Has(page, "<label for=\"field-0\">x1 <span class=\"type\">float</span>"));
  EXPECT_TRUE(Has(page,
                  "type=\"number\" id=\"field-0\" name=\"x1\" "
                  "aria-describedby=\"field-0-hint field-0-error\" required"))
      << page;
  EXPECT_TRUE(Has(page, "min=\"-1000\" max=\"1000\""));
  EXPECT_TRUE(Has(page, "(from -1000 to 1000)"));
  EXPECT_TRUE(Has(page, "&lt;b&gt;second&lt;/b&gt; &amp; co"));
  EXPECT_TRUE(Has(page, "name=\"tag\""));
  EXPECT_TRUE(Has(page, "optional, default "));
  EXPECT_TRUE(Has(page, "data-model=\"tiny\" data-prediction=\"label\""));
  EXPECT_TRUE(Has(page, ">Predict now</button>"));
  EXPECT_TRUE(Has(page, ">Submit as request</button>"));
  EXPECT_TRUE(Has(page, "action=\"/v1/models/tiny/predict\""));
  EXPECT_TRUE(Has(page, "<script defer src=\"/assets/ferry.js\">"));
  EXPECT_FALSE(Has(page, "<script>alert"));
}

TEST_F(WebRoutesTest, BatchPageShowsDecodedLabelsProbabilitiesAndFailures) {
  async::StoredResult ok;
  ok.id = "11111111-2222-4333-8444-555555555555";
  ok.version = "1";
  ok.processed_at = "2026-11-20T10:00:00.000Z";
  ok.state = async::StoredResult::State::kOk;
  ok.prediction_json =
      R"({"label":"yes","probabilities":{"no":0.25,"yes":0.75},"tag":"<i>t</i>","model":"tiny","version":"1"})";
  async::StoredResult failed = ok;
  failed.state = async::StoredResult::State::kError;
  failed.prediction_json.clear();
  failed.error = "x1: 5000 is above the maximum 1000";
  web::BatchQuery query{"2026-11-20", "2026-11-21", "", false};
  std::string page = web::BatchPage(Tiny(), query, {ok, failed});
  EXPECT_TRUE(
      Has(page, "<td>yes</td><td class=\"num\">75.0%</td><td>tag: &lt;i&gt;t&lt;/i&gt;</td>"))
      << page;
  EXPECT_TRUE(Has(page, "x1: 5000 is above the maximum 1000"));
  EXPECT_TRUE(Has(page, "2 results from 2026-11-20 to 2026-11-21 &mdash; (failed): 1, yes: 1"));
  EXPECT_TRUE(Has(page, "value=\"2026-11-20\""));
  EXPECT_TRUE(Has(page, "<th scope=\"col\">label</th>"));
}

TEST_F(WebRoutesTest, BatchPageShowsTheProblemInsteadOfRows) {
  web::BatchQuery query{"2026-11-20", "nonsense", "'to' is not a date", false};
  std::string page = web::BatchPage(Tiny(), query, {});
  EXPECT_TRUE(Has(page, "role=\"alert\">&#39;to&#39; is not a date</p>"));
  EXPECT_FALSE(Has(page, "<table"));
}

TEST_F(WebRoutesTest, RootIsHtmlForBrowsersAndJsonForApiClients) {
  Response html = Get("/", "", "text/html,application/xhtml+xml,*/*;q=0.8");
  EXPECT_EQ(html.status, 200);
  EXPECT_EQ(html.content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(Has(html.body, "<a href=\"/models/tiny\">tiny</a>")) << html.body;
  for (std::string accept : {"*/*", "application/json", ""}) {
    Response json = Get("/", "", accept);
    EXPECT_EQ(json.content_type, "application/json") << accept;
    EXPECT_TRUE(Has(json.body, R"("models":["locked","tiny"])")) << json.body;
  }
}

TEST_F(WebRoutesTest, ModelPageIsTheFormWithSecurityHeaders) {
  Response r = Get("/models/tiny");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.model, "tiny");
  EXPECT_TRUE(Has(r.body, "<form id=\"predict-form\"")) << r.body;
  bool csp = false;
  for (const auto& [name, value] : r.headers) csp = csp || name == "Content-Security-Policy";
  EXPECT_TRUE(csp);
}

TEST_F(WebRoutesTest, BadNamesUnknownModelsKeysAndMethodsAreHtmlErrors) {
  Response bad = Get("/models/..%2Fetc");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Has(bad.body, "is not valid: use letters, digits")) << bad.body;
  Response unknown = Get("/models/nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(Has(unknown.body, "served: locked, tiny")) << unknown.body;
  EXPECT_EQ(Get("/models/locked").status, 401);
  EXPECT_EQ(Get("/models/tiny/other").status, 404);
  Request post;
  post.method = "POST";
  post.path = "/models/tiny";
  EXPECT_EQ(Handle(post, state_).status, 405);
}

TEST_F(WebRoutesTest, AssetsAreServedByNameOnly) {
  Response js = Get("/assets/ferry.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(Has(js.body, "Processing..."));
  EXPECT_EQ(Get("/assets/ferry.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get("/assets/nope.js").status, 404);
  EXPECT_EQ(Get("/assets/x/ferry.js").status, 404);
}

TEST_F(WebRoutesTest, BatchPageChecksDatesAndSaysWhenThereIsNoStore) {
  Response off = Get("/models/tiny/batch", "from=2026-01-01&to=2026-01-31");
  EXPECT_EQ(off.status, 200);
  EXPECT_TRUE(Has(off.body, "the async API is off")) << off.body;
  Response bad = Get("/models/tiny/batch", "from=2026-01-01&to=soon");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Has(bad.body, "&#39;to&#39; is &#39;soon&#39;, not a day as YYYY-MM-DD")) << bad.body;
  Response reversed = Get("/models/tiny/batch", "from=2026-02-01&to=2026-01-01");
  EXPECT_EQ(reversed.status, 400);
  EXPECT_TRUE(Has(reversed.body, "is before"));
}

TEST_F(WebRoutesTest, BatchPageListsResultsScoredThroughTheAsyncApi) {
  async::AsyncOptions options;
  options.state_dir = MakeTempDir("ferry-web-async-");
  options.workers = 1;
  auto service = async::AsyncService::Start(options, repo_.get());
  ASSERT_TRUE(service.ok()) << service.status();
  state_.async = service->get();
  Request submit;
  submit.method = "POST";
  submit.path = "/v1/models/tiny/requests";
  submit.headers["content-type"] = "application/json";
  for (std::string body : {R"({"x1": 1, "x2": 2, "tag": "a"})", R"({"x1": -3, "x2": 1})"}) {
    submit.body = body;
    Response r = Handle(submit, state_);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone());
  std::string page;
  for (int i = 0; i < 200 && !Has(page, "2 results"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    page = Get("/models/tiny/batch", "from=" + today + "&to=" + today).body;
  }
  EXPECT_TRUE(Has(page, "2 results from " + today + " to " + today + " &mdash; no: 1, yes: 1"))
      << page;
  EXPECT_TRUE(Has(page, "<td>yes</td>")) << page;
  EXPECT_TRUE(Has(page, "tag: a"));
  state_.async = nullptr;
  service->reset();
  std::filesystem::remove_all(options.state_dir);
}

}  // namespace
}  // namespace ferry::serve
