// Small helpers for the server-rendered pages of the web front end: HTML escaping of every
// value a page shows (names, descriptions, stored results all come from outside) and the page
// frame every page shares (doctype, language, style sheet, header and skip link). Pure
// functions; thread-safe.
#ifndef FERRY_SERVE_WEB_HTML_H_
#define FERRY_SERVE_WEB_HTML_H_

#include <string>
#include <string_view>

namespace ferry::serve::web {

// `text` with & < > " ' replaced by entities: safe as element text and as a quoted attribute.
std::string Escape(std::string_view text);

// `text` made safe as one URL path segment (everything but [A-Za-z0-9_.~-] percent-encoded).
std::string PathSegment(std::string_view text);

// A whole HTML document: `title` (escaped) in <title> and the header, `main_html` (already
// HTML, the caller escaped its values) inside <main>, and `script`, when not empty, the name
// of an embedded asset loaded with <script defer>.
std::string Page(std::string_view title, std::string_view main_html, std::string_view script = "");

}  // namespace ferry::serve::web

#endif  // FERRY_SERVE_WEB_HTML_H_
