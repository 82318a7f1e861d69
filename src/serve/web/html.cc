#include "serve/web/html.h"

#include "serve/sv.h"

namespace ferry::serve::web {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string PathSegment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '~' || c == '-';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Page(std::string_view title, std::string_view main_html, std::string_view script) {
  std::string page = Cat(
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
      Escape(title), " - ferry</title>\n<link rel=\"stylesheet\" href=\"/assets/ferry.css\">\n");
  if (!script.empty()) {
    Append(&page, "<script defer src=\"/assets/", PathSegment(script), "\"></script>\n");
  }
  Append(&page,
         "</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
         "<header class=\"top\"><a class=\"brand\" href=\"/\">ferry</a>"
         "<nav aria-label=\"Site\"><a href=\"/\">Models</a> "
         "<a href=\"/metrics\">Metrics</a></nav></header>\n"
         "<main id=\"main\" tabindex=\"-1\">\n",
         main_html, "</main>\n</body>\n</html>\n");
  return page;
}

}  // namespace ferry::serve::web
