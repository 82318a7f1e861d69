// GET / for browsers: every served model with its versions, aliases and health, and the
// versions that failed to load (the repository index's UNAVAILABLE rows) with the reason.
#include "serve/sv.h"
#include "serve/web/html.h"
#include "serve/web/pages.h"

namespace ferry::serve::web {
namespace {

std::string StateBadge(std::string_view state) {
  std::string css = state == "READY" ? "ok" : state == "UNLOADED" ? "off" : "bad";
  return Cat("<span class=\"badge ", css, "\">", Escape(state), "</span>");
}

std::string VersionRows(const registry::Snapshot& snapshot, const registry::ServedModel& model) {
  std::string out;
  for (const registry::VersionState& row : snapshot.index) {
    if (row.model != model.name) continue;
    Append(&out, "<li>", Escape(row.version), " ", StateBadge(row.state));
    if (row.version == model.Latest().version) Append(&out, " <em>latest</em>");
    if (!row.reason.empty()) {
      Append(&out, "<br><span class=\"reason\">", Escape(row.reason), "</span>");
    }
    Append(&out, "</li>");
  }
  if (out.empty()) {  // not in the index (bundle directories): every served version is ready
    for (const registry::ServedVersion& v : model.versions) {
      Append(&out, "<li>", Escape(v.version), " ", StateBadge("READY"), "</li>");
    }
  }
  return out;
}

std::string ModelRow(const registry::Snapshot& snapshot, const registry::ServedModel& model) {
  std::string link = PathSegment(model.name);
  std::string aliases;
  for (const auto& [alias, version] : model.aliases) {
    Append(&aliases, "<li>", Escape(alias), " &rarr; ", Escape(version), "</li>");
  }
  return Cat("<tr><th scope=\"row\"><a href=\"/models/", link, "\">", Escape(model.name), "</a>",
             model.auth_required ? " <span class=\"badge off\">API key</span>" : "", "</th><td>",
             Escape(model.Latest().bundle->spec().description), "</td><td><ul class=\"plain\">",
             VersionRows(snapshot, model), "</ul></td><td>",
             aliases.empty() ? "none" : Cat("<ul class=\"plain\">", aliases, "</ul>"),
             "</td><td><a href=\"/models/", link, "\">Form</a> &middot; <a href=\"/models/", link,
             "/batch\">Results</a> &middot; <a href=\"/v1/models/", link,
             "\">JSON</a></td></tr>\n");
}

}  // namespace

std::string IndexPage(const registry::Snapshot& snapshot, std::string_view server_version) {
  std::string main =
      Cat("<h1>Models</h1>\n<p>ferry ", Escape(server_version), " serves ", snapshot.models.size(),
          snapshot.models.size() == 1 ? " model" : " models", ".</p>\n");
  if (!snapshot.models.empty()) {
    Append(&main,
           "<table class=\"grid\">\n<caption>Served models</caption>\n<thead><tr>"
           "<th scope=\"col\">Model</th><th scope=\"col\">Description</th>"
           "<th scope=\"col\">Versions</th><th scope=\"col\">Aliases</th>"
           "<th scope=\"col\">Pages</th></tr></thead>\n<tbody>\n");
    for (const auto& [name, model] : snapshot.models) {
      Append(&main, ModelRow(snapshot, model));
    }
    Append(&main, "</tbody>\n</table>\n");
  }
  std::string failed;
  for (const registry::VersionState& row : snapshot.index) {
    if (snapshot.FindModel(row.model) != nullptr) continue;
    Append(&failed, "<li><strong>", Escape(row.model), "</strong> version ", Escape(row.version),
           " ", StateBadge(row.state), " ", Escape(row.reason), "</li>\n");
  }
  if (!failed.empty()) {
    Append(&main, "<h2>Not served</h2>\n<ul>\n", failed, "</ul>\n");
  }
  Append(&main,
         "<p class=\"note\">API clients get this list as JSON from "
         "<a href=\"/v1/models\">/v1/models</a>.</p>\n");
  return Page("Models", main);
}

}  // namespace ferry::serve::web
