#include "serve/web/html.h"

#include "gtest/gtest.h"
#include "serve/web/assets.h"

namespace ferry::serve::web {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Html, EscapeReplacesEveryMarkupCharacter) {
  EXPECT_EQ(Escape(R"(<a href="x" title='y'>&</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(Escape("plain text, \xc3\xa9"), "plain text, \xc3\xa9");
}

TEST(Html, PathSegmentEncodesAllButUnreservedCharacters) {
  EXPECT_EQ(PathSegment("flight_delays-1.0~x"), "flight_delays-1.0~x");
  EXPECT_EQ(PathSegment("a/b c\"<"), "a%2Fb%20c%22%3C");
}

TEST(Html, PageHasLanguageTitleStyleSheetScriptAndSkipLink) {
  std::string page = Page("a <b>", "<p>hi</p>", "ferry.js");
  EXPECT_TRUE(Has(page, "<html lang=\"en\">"));
  EXPECT_TRUE(Has(page, "<title>a &lt;b&gt; - ferry</title>"));
  EXPECT_TRUE(Has(page, "href=\"/assets/ferry.css\""));
  EXPECT_TRUE(Has(page, "<script defer src=\"/assets/ferry.js\"></script>"));
  EXPECT_TRUE(Has(page, "href=\"#main\""));
  EXPECT_TRUE(Has(page, "<main id=\"main\" tabindex=\"-1\">\n<p>hi</p></main>"));
  EXPECT_FALSE(Has(Page("t", ""), "<script"));
}

TEST(Assets, EmbeddedFilesAreFoundByNameWithTheirContentType) {
  const WebAsset* css = FindWebAsset("ferry.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_TRUE(Has(std::string(css->body), ":focus-visible"));
  const WebAsset* js = FindWebAsset("ferry.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(Has(std::string(js->body), "/v1/requests/"));
  EXPECT_EQ(FindWebAsset("missing.js"), nullptr);
  EXPECT_EQ(FindWebAsset("../ferry.css"), nullptr);
}

}  // namespace
}  // namespace ferry::serve::web
