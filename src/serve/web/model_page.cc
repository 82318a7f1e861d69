// GET /models/{name}: one labelled control per declared input of the latest version, typed
// from the spec (number with min/max, date, a list for enum and bool fields, text otherwise),
// prefilled with the default, with the description and rules as a hint and an empty error slot
// that ferry.js fills with the API's message about that field. Without JavaScript the form
// still posts to the sync API.
#include "absl/strings/str_join.h"
#include "bundle/column.h"
#include "serve/sv.h"
#include "serve/web/html.h"
#include "serve/web/pages.h"

namespace ferry::serve::web {
namespace {

std::string Number(double d) { return Cat(d); }

// What the rules allow, in words, for the hint under the control.
std::string RuleWords(const bundle::InputSpec& in) {
  std::vector<std::string> rules;
  if (in.min && in.max) {
    rules.push_back(Cat("from ", Number(*in.min), " to ", Number(*in.max)));
  } else if (in.min) {
    rules.push_back(Cat("at least ", Number(*in.min)));
  } else if (in.max) {
    rules.push_back(Cat("at most ", Number(*in.max)));
  }
  if (!in.regex.empty()) rules.push_back(Cat("matches ", in.regex));
  if (in.type == bundle::Type::kDate) rules.push_back("YYYY-MM-DD");
  if (in.type == bundle::Type::kTimestamp)
    rules.push_back("YYYY-MM-DDTHH:MM:SS, optional Z or +hh:mm");
  if (!in.required) {
    std::string preset = in.default_value.is_null() ? "" : in.default_value.ToString();
    rules.push_back(in.default_value.is_null() ? std::string("optional")
                    : preset.empty()           ? std::string("optional, default empty")
                                               : Cat("optional, default ", preset));
  }
  return absl::StrJoin(rules, "; ");
}

std::string Option(std::string_view value, std::string_view shown, bool selected) {
  return Cat("<option value=\"", Escape(value), "\"", selected ? " selected" : "", ">",
             Escape(shown), "</option>");
}

// The control itself: <select> for enum and bool fields, <input> otherwise.
std::string Control(const bundle::InputSpec& in, std::string_view id, std::string_view described) {
  std::string common = Cat("id=\"", id, "\" name=\"", Escape(in.name), "\" aria-describedby=\"",
                           described, "\"", in.required ? " required aria-required=\"true\"" : "");
  std::string preset = in.default_value.is_null() ? "" : in.default_value.ToString();
  if (!in.enum_values.empty() || in.type == bundle::Type::kBool) {
    std::string out = Cat("<select ", common, ">");
    if (!in.required || preset.empty()) {
      Append(&out, Option("", in.required ? "Choose..." : "(default)", preset.empty()));
    }
    if (in.enum_values.empty()) {
      for (std::string_view b : {"true", "false"}) Append(&out, Option(b, b, preset == b));
    }
    for (const Value& v : in.enum_values) {
      std::string text = v.ToString();
      Append(&out, Option(text, text, preset == text));
    }
    return Cat(out, "</select>");
  }
  std::string type = "text";
  std::string extra;
  if (in.type == bundle::Type::kInt || in.type == bundle::Type::kFloat) {
    type = "number";
    extra = in.type == bundle::Type::kInt ? " step=\"1\" inputmode=\"numeric\""
                                          : " step=\"any\" inputmode=\"decimal\"";
    if (in.min) Append(&extra, " min=\"", Number(*in.min), "\"");
    if (in.max) Append(&extra, " max=\"", Number(*in.max), "\"");
  } else if (in.type == bundle::Type::kDate) {
    type = "date";
  } else if (in.type == bundle::Type::kTimestamp) {
    extra = " placeholder=\"2016-12-23T08:30:00Z\"";
  }
  if (!preset.empty()) Append(&extra, " value=\"", Escape(preset), "\"");
  return Cat("<input type=\"", type, "\" ", common, extra, " autocomplete=\"off\">");
}

std::string Field(const bundle::InputSpec& in, size_t index) {
  std::string id = Cat("field-", index);
  std::string hint_id = id + "-hint", error_id = id + "-error";
  std::string hint = Escape(in.description);
  std::string rules = RuleWords(in);
  if (!rules.empty()) Append(&hint, hint.empty() ? "" : " ", "(", Escape(rules), ")");
  return Cat("<div class=\"field\" data-field=\"", Escape(in.name), "\">\n<label for=\"", id, "\">",
             Escape(in.name), " <span class=\"type\">", bundle::TypeName(in.type), "</span>",
             in.required ? " <span class=\"required\">required</span>" : "", "</label>\n",
             Control(in, id, Cat(hint_id, " ", error_id)), "\n<p class=\"hint\" id=\"", hint_id,
             "\">", hint, "</p>\n<p class=\"error\" id=\"", error_id, "\" hidden></p>\n</div>\n");
}

}  // namespace

std::string ModelPage(const registry::ServedModel& model) {
  const registry::ServedVersion& latest = model.Latest();
  const bundle::BundleSpec& spec = latest.bundle->spec();
  std::string link = PathSegment(model.name);
  std::string main =
      Cat("<p class=\"crumbs\"><a href=\"/\">Models</a> / ", Escape(model.name), "</p>\n<h1>",
          Escape(model.name), " <span class=\"version\">version ", Escape(latest.version),
          "</span></h1>\n<p>", Escape(spec.description), "</p>\n<p><a href=\"/models/", link,
          "/batch\">Stored results by date</a></p>\n");
  Append(&main, "<form id=\"predict-form\" method=\"post\" action=\"/v1/models/", link,
         "/predict\" novalidate data-model=\"", Escape(model.name), "\" data-prediction=\"",
         Escape(spec.outputs.prediction), "\">\n<fieldset>\n<legend>Inputs</legend>\n");
  for (size_t i = 0; i < spec.inputs.size(); ++i) Append(&main, Field(spec.inputs[i], i));
  Append(&main,
         "</fieldset>\n<p class=\"error form-error\" id=\"form-error\" role=\"alert\" "
         "hidden></p>\n<div class=\"actions\">\n"
         "<button type=\"submit\" id=\"predict-now\">Predict now</button>\n"
         "<button type=\"button\" id=\"submit-request\" class=\"secondary\">"
         "Submit as request</button>\n</div>\n</form>\n"
         "<section id=\"result\" aria-live=\"polite\" aria-labelledby=\"result-title\">"
         "\n<h2 id=\"result-title\">Answer</h2>\n<div id=\"result-body\">"
         "<p class=\"note\">Fill the form, then press a button.</p></div>\n"
         "</section>\n");
  return Page(model.name, main, "ferry.js");
}

}  // namespace ferry::serve::web
