#include "bundle/inputs.h"

#include <charconv>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bundle/dates.h"

namespace ferry::bundle {
namespace {

// A number for messages: 5000 rather than 5000.0 when integral.
std::string Number(double d) {
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e18) return absl::StrCat(static_cast<int64_t>(d));
  return FormatDouble(d);
}

// The caller's value for messages: strings quoted, numbers as they are.
// A value for an error message: strings quoted, and cut (at a UTF-8 boundary) when long, so
// that a huge field does not make a huge error line.
std::string Shown(const Value& v) {
  if (!v.is_string()) return v.ToString();
  const std::string& text = v.as_string();
  constexpr size_t kShownChars = 60;
  if (text.size() <= kShownChars + 20) return absl::StrCat("'", text, "'");
  size_t cut = kShownChars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat("'", text.substr(0, cut), "...' (", text.size(), " bytes)");
}

// libstdc++'s default regex matcher recurses once per character (a long field overflows the
// stack); its polynomial mode matches without that recursion but refuses back-references, so
// patterns with them keep the default matcher and a bound on the length of what they check.
#if defined(__GLIBCXX__)
constexpr auto kLinearRegex = std::regex_constants::__polynomial;
#else
constexpr auto kLinearRegex = std::regex_constants::syntax_option_type{};
#endif
constexpr size_t kMaxBacktrackingRegexInput = 1000;

std::string Trim(const std::string& s) { return std::string(absl::StripAsciiWhitespace(s)); }

bool ParseInt(absl::string_view s, int64_t* out) {
  s = absl::StripAsciiWhitespace(s);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool ParseFloat(absl::string_view s, double* out) {
  s = absl::StripAsciiWhitespace(s);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Sets cell `row` of `out` from `v`; returns the error message, "" when fine.
std::string Convert(const std::string& name, Type type, const Value& v, size_t row, ColumnData* out) {
  switch (type) {
    case Type::kString:
      if (v.is_string()) out->strings[row] = v.as_string();
      else if (v.kind() == Value::Kind::kBool) out->strings[row] = v.as_bool() ? "True" : "False";
      else out->strings[row] = v.ToString();  // ids sent as numbers: 1234 -> "1234"
      break;
    case Type::kInt: {
      int64_t i = 0;
      if (v.kind() == Value::Kind::kInt) {
        i = v.as_int();
      } else if (v.kind() == Value::Kind::kFloat && v.as_float() == std::trunc(v.as_float()) &&
                 std::fabs(v.as_float()) < 9.2e18) {
        i = static_cast<int64_t>(v.as_float());
      } else if (!v.is_string() || !ParseInt(v.as_string(), &i)) {
        return absl::StrCat(name, ": ", Shown(v), " is not an integer");
      }
      out->ints[row] = i;
      break;
    }
    case Type::kFloat: {
      double d = 0;
      if (v.is_number() && v.kind() != Value::Kind::kBool) {
        d = *v.ToDouble();
      } else if (!v.is_string() || !ParseFloat(v.as_string(), &d)) {
        return absl::StrCat(name, ": ", Shown(v), " is not a number");
      }
      out->floats[row] = d;
      break;
    }
    case Type::kBool: {
      int b = -1;
      if (v.kind() == Value::Kind::kBool) {
        b = v.as_bool();
      } else if (v.kind() == Value::Kind::kInt && (v.as_int() == 0 || v.as_int() == 1)) {
        b = static_cast<int>(v.as_int());
      } else if (v.is_string()) {
        std::string s = absl::AsciiStrToLower(Trim(v.as_string()));
        if (s == "true" || s == "1" || s == "yes" || s == "on") b = 1;
        if (s == "false" || s == "0" || s == "no" || s == "off") b = 0;
      }
      if (b < 0) return absl::StrCat(name, ": ", Shown(v), " is not a bool (true or false)");
      out->ints[row] = b;
      break;
    }
    case Type::kDate: {
      auto d = v.is_string() ? ParseDate(Trim(v.as_string())) : std::nullopt;
      if (!d) return absl::StrCat(name, ": ", Shown(v), " is not a date (YYYY-MM-DD)");
      out->ints[row] = *d;
      break;
    }
    case Type::kTimestamp: {
      auto t = v.is_string() ? ParseTimestamp(Trim(v.as_string())) : std::nullopt;
      if (!t) return absl::StrCat(name, ": ", Shown(v), " is not a timestamp (YYYY-MM-DDTHH:MM:SS[Z|+hh:mm])");
      out->ints[row] = *t;
      break;
    }
    case Type::kNull:
      break;
  }
  out->valid[row] = 1;
  return "";
}

bool SameCell(const ColumnData& a, size_t i, const ColumnData& b, size_t j) {
  if (a.type == Type::kString) return a.strings[i] == b.strings[j];
  if (a.type == Type::kFloat) return a.floats[i] == b.floats[j];
  return a.ints[i] == b.ints[j];
}

bool Missing(const Value& v, Type type) {
  if (v.is_null()) return true;
  // Form posts send "" for an empty field: missing for every type but string.
  return type != Type::kString && v.is_string() && absl::StripAsciiWhitespace(v.as_string()).empty();
}

}  // namespace

absl::StatusOr<InputParser> InputParser::Make(const std::vector<InputSpec>& inputs, bool reject_unknown) {
  InputParser p;
  p.inputs_ = inputs;
  p.reject_unknown_ = reject_unknown;
  for (const InputSpec& in : inputs) {
    Rules r;
    if (!in.regex.empty() && in.type != Type::kString) {
      return absl::InvalidArgumentError(absl::StrCat("inputs.", in.name, ".regex: only string fields take a regex (this one is ",
                                                     TypeName(in.type), "); remove the regex or use min/max/enum"));
    }
    if (!in.regex.empty()) {
      try {
        try {
          r.regex = std::regex(in.regex, std::regex::ECMAScript | std::regex::optimize | kLinearRegex);
          r.regex_backtracks = kLinearRegex == std::regex_constants::syntax_option_type{};
        } catch (const std::regex_error&) {  // a back-reference, or invalid (thrown again below)
          r.regex = std::regex(in.regex, std::regex::ECMAScript | std::regex::optimize);
          r.regex_backtracks = true;
        }
        r.has_regex = true;
      } catch (const std::regex_error& e) {
        return absl::InvalidArgumentError(absl::StrCat("inputs.", in.name, ".regex: '", in.regex, "' is not a valid regular expression: ", e.what()));
      }
    }
    r.default_value = ColumnData::Make(in.type, 1);
    r.default_value.scalar = true;
    if (!in.default_value.is_null()) {
      std::string err = Convert(in.name, in.type, in.default_value, 0, &r.default_value);
      if (!err.empty()) return absl::InvalidArgumentError(absl::StrCat("inputs.", in.name, ".default: ", err));
    }
    r.enum_values = ColumnData::Make(in.type, in.enum_values.size());
    for (size_t i = 0; i < in.enum_values.size(); ++i) {
      std::string err = Convert(in.name, in.type, in.enum_values[i], i, &r.enum_values);
      if (!err.empty()) return absl::InvalidArgumentError(absl::StrCat("inputs.", in.name, ".enum: ", err));
    }
    p.rules_.push_back(std::move(r));
  }
  return p;
}

std::string InputParser::ParseCell(const InputSpec& in, const Rules& rules, const Value& v, size_t row,
                                   ColumnData* out) const {
  std::string err = Convert(in.name, in.type, v, row, out);
  if (!err.empty()) return err;
  if (in.type == Type::kInt || in.type == Type::kFloat) {
    double x = out->number(row);
    if (in.min && x < *in.min) return absl::StrCat(in.name, ": ", Number(x), " is below the minimum ", Number(*in.min));
    if (in.max && x > *in.max) return absl::StrCat(in.name, ": ", Number(x), " is above the maximum ", Number(*in.max));
  }
  if (rules.has_regex && rules.regex_backtracks && out->strings[row].size() > kMaxBacktrackingRegexInput) {
    return absl::StrCat(in.name, ": ", Shown(Value::String(out->strings[row])), " is longer than ",
                        kMaxBacktrackingRegexInput, " bytes, the most its regex (which has a back-reference) checks");
  }
  if (rules.has_regex && !std::regex_search(out->strings[row], rules.regex)) {
    return absl::StrCat(in.name, ": ", Shown(Value::String(out->strings[row])), " does not match ", in.regex);
  }
  if (!in.enum_values.empty()) {
    bool found = false;
    for (size_t i = 0; i < in.enum_values.size() && !found; ++i) found = SameCell(*out, row, rules.enum_values, i);
    if (!found) {
      std::vector<std::string> allowed;
      for (const Value& e : in.enum_values) allowed.push_back(e.ToString());
      return absl::StrCat(in.name, ": ", Shown(v), " is not one of: ", absl::StrJoin(allowed, ", "));
    }
  }
  return "";
}

std::vector<ColumnData> InputParser::Parse(const RecordBatch& batch, std::vector<std::string>* errors) const {
  size_t n = batch.num_rows();
  auto fail = [&](size_t row, std::string message) {
    if ((*errors)[row].empty()) (*errors)[row] = std::move(message);
  };
  std::vector<ColumnData> out;
  out.reserve(inputs_.size());
  for (size_t f = 0; f < inputs_.size(); ++f) {
    const InputSpec& in = inputs_[f];
    const Rules& rules = rules_[f];
    ColumnData col = ColumnData::Make(in.type, n);
    int index = batch.FindColumn(in.name);
    for (size_t r = 0; r < n; ++r) {
      const Value* v = index >= 0 ? &batch.column(index).values[r] : nullptr;
      if (v == nullptr || Missing(*v, in.type)) {
        if (in.required) {
          fail(r, absl::StrCat(in.name, ": required field is missing"));
        } else if (rules.default_value.valid[0]) {
          col.valid[r] = 1;
          if (in.type == Type::kFloat) col.floats[r] = rules.default_value.floats[0];
          else if (in.type == Type::kString) col.strings[r] = rules.default_value.strings[0];
          else col.ints[r] = rules.default_value.ints[0];
        }
        continue;
      }
      std::string err = ParseCell(in, rules, *v, r, &col);
      if (!err.empty()) {
        col.valid[r] = 0;
        fail(r, std::move(err));
      }
    }
    out.push_back(std::move(col));
  }
  if (reject_unknown_) {
    for (const Column& c : batch.columns()) {
      bool declared = false;
      for (const InputSpec& in : inputs_) declared = declared || in.name == c.name;
      if (declared) continue;
      for (size_t r = 0; r < n; ++r) {
        if (!c.values[r].is_null()) fail(r, absl::StrCat(c.name, ": unknown field (not declared in inputs, and unknown_fields is reject)"));
      }
    }
  }
  return out;
}

}  // namespace ferry::bundle
