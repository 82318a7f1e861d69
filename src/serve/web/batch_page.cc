// GET /models/{name}/batch: the stored results of the async API in a date range, like the daily
// batch results page of the flight delay reference system: a from/to form, a count per
// predicted label, and one table row per scored (or failed) request.
#include <map>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "serve/sv.h"
#include "serve/web/html.h"
#include "serve/web/pages.h"
#include "simdjson.h"

namespace ferry::serve::web {
namespace {

// A JSON value as a person reads it: strings without quotes, numbers as written.
std::string Text(simdjson::dom::element value) {
  std::string_view s;
  if (value.get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::minify(value);
}

struct Shown {
  std::string label;                // the decoded prediction
  std::string probability;          // of that label, "" when the outputs have none
  std::vector<std::string> others;  // "FlightNum: 1519", ...
  std::string problem;              // the stored prediction was not a JSON object
};

Shown Decode(const std::string& json, const std::string& prediction_name,
             simdjson::dom::parser& parser) {
  Shown shown;
  simdjson::dom::object object;
  if (parser.parse(json).get(object) != simdjson::SUCCESS) {
    shown.problem = "the stored prediction is not a JSON object";
    return shown;
  }
  for (auto [key, value] : object) {
    if (key == prediction_name) {
      shown.label = Text(value);
    } else if (key != "probabilities" && key != "model" && key != "version") {
      shown.others.push_back(Cat(std::string(key), ": ", Text(value)));
    }
  }
  simdjson::dom::object probabilities;
  double p = 0;
  if (object["probabilities"].get(probabilities) == simdjson::SUCCESS &&
      probabilities[shown.label].get(p) == simdjson::SUCCESS) {
    shown.probability = absl::StrFormat("%.1f%%", 100 * p);
  }
  return shown;
}

std::string DateInput(std::string_view name, std::string_view label, std::string_view value) {
  return Cat("<div><label for=\"batch-", name, "\">", label,
             "</label><input type=\"date\""
             " id=\"batch-",
             name, "\" name=\"", name, "\" value=\"", Escape(value), "\" required></div>");
}

}  // namespace

std::string BatchPage(const registry::ServedModel& model, const BatchQuery& query,
                      const std::vector<async::StoredResult>& results) {
  const std::string& prediction_name = model.Latest().bundle->spec().outputs.prediction;
  std::string link = PathSegment(model.name);
  std::string main =
      Cat("<p class=\"crumbs\"><a href=\"/\">Models</a> / <a href=\"/models/", link, "\">",
          Escape(model.name), "</a> / results</p>\n<h1>", Escape(model.name),
          " <span class=\"version\">stored results</span></h1>\n"
          "<p>Requests submitted to <code>POST /v1/models/",
          Escape(model.name),
          "/requests</code> and scored, by the day they were scored (UTC).</p>\n"
          "<form class=\"filters\" method=\"get\" action=\"/models/",
          link, "/batch\">", DateInput("from", "From", query.from), DateInput("to", "To", query.to),
          "<div><button type=\"submit\">Show</button></div></form>\n");
  if (!query.problem.empty()) {
    Append(&main, "<p class=\"error\" role=\"alert\">", Escape(query.problem), "</p>\n");
    return Page(model.name + " results", main);
  }
  simdjson::dom::parser parser;
  std::map<std::string, size_t> per_label;
  std::string rows;
  for (const async::StoredResult& r : results) {
    std::string answer, probability, others;
    if (r.state == async::StoredResult::State::kOk) {
      Shown shown = Decode(r.prediction_json, prediction_name, parser);
      ++per_label[shown.problem.empty() ? shown.label : "(unreadable)"];
      answer = shown.problem.empty()
                   ? Escape(shown.label)
                   : Cat("<span class=\"error\">", Escape(shown.problem), "</span>");
      probability = shown.probability;
      for (std::string& o : shown.others) o = Escape(o);
      others = absl::StrJoin(shown.others, "<br>");
    } else {
      ++per_label["(failed)"];
      answer =
          Cat("<span class=\"error\">", Escape(r.error.empty() ? "failed" : r.error), "</span>");
    }
    Append(&rows, "<tr><td class=\"when\">", Escape(r.processed_at), "</td><td><code>",
           Escape(r.id), "</code></td><td>", answer, "</td><td class=\"num\">", probability,
           "</td><td>", others, "</td><td>", Escape(r.version), "</td></tr>\n");
  }
  std::vector<std::string> counts;
  for (const auto& [label, n] : per_label) counts.push_back(Cat(Escape(label), ": ", n));
  Append(&main, "<p id=\"batch-summary\">", results.size(),
         results.size() == 1 ? " result" : " results", " from ", Escape(query.from), " to ",
         Escape(query.to), counts.empty() ? "" : " &mdash; ", absl::StrJoin(counts, ", "),
         query.truncated ? " (only the first are shown)" : "", ".</p>\n");
  if (results.empty()) return Page(model.name + " results", main);
  Append(&main,
         "<div class=\"grid-wrap\"><table class=\"grid\" id=\"batch-results\">\n"
         "<caption>Results of ",
         Escape(model.name),
         "</caption>\n<thead><tr>"
         "<th scope=\"col\">Scored (UTC)</th><th scope=\"col\">Request</th>"
         "<th scope=\"col\">",
         Escape(prediction_name),
         "</th>"
         "<th scope=\"col\">Probability</th><th scope=\"col\">Other outputs</th>"
         "<th scope=\"col\">Version</th></tr></thead>\n<tbody>\n",
         rows, "</tbody>\n</table></div>\n");
  return Page(model.name + " results", main);
}

}  // namespace ferry::serve::web
