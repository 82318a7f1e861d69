// Run periods and path templates (see run_period.h).
#include "batch/run_period.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "batch/row_partitions.h"

namespace ferry::batch {
namespace {

bool ParseDigits(absl::string_view text, size_t pos, size_t n, int* out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    v = v * 10 + (text[i] - '0');
  }
  *out = v;
  return true;
}

// A civil time as an absl::Time in UTC, so that FormatTime prints the civil fields as they are.
std::string FormatWith(absl::CivilSecond t, absl::string_view format) {
  return absl::FormatTime(std::string(format), absl::FromCivil(t, absl::UTCTimeZone()),
                          absl::UTCTimeZone());
}

constexpr const char* kKnownVariables =
    "date, year, month, day, prev_day, next_day, prev_month, next_month, start, end, shard, "
    "num_shards";

}  // namespace

absl::StatusOr<PeriodUnit> ParsePeriodUnit(absl::string_view text) {
  if (text == "day" || text == "daily") return PeriodUnit::kDay;
  if (text == "month" || text == "monthly") return PeriodUnit::kMonth;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown period '", text, "' (choose day or month)"));
}

absl::string_view PeriodUnitName(PeriodUnit unit) {
  return unit == PeriodUnit::kDay ? "day" : "month";
}

RunPeriod PeriodOf(absl::CivilDay date, PeriodUnit unit) {
  RunPeriod p;
  if (unit == PeriodUnit::kDay) {
    p.date = date;
    p.start = absl::CivilSecond(date);
    p.end = absl::CivilSecond(date + 1);
  } else {
    absl::CivilMonth month(date);
    p.date = absl::CivilDay(month);
    p.start = absl::CivilSecond(month);
    p.end = absl::CivilSecond(month + 1);
  }
  return p;
}

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text) {
  int y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ParseDigits(text, 0, 4, &y) ||
      !ParseDigits(text, 5, 2, &m) || !ParseDigits(text, 8, 2, &d)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a date; write it as YYYY-MM-DD, e.g. 2021-03-01"));
  }
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a calendar date"));
  }
  return day;
}

absl::StatusOr<absl::CivilSecond> ParseCivilTime(absl::string_view text) {
  absl::StatusOr<absl::CivilDay> day = ParseDay(text.substr(0, std::min<size_t>(10, text.size())));
  if (!day.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a time; write YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]"));
  }
  if (text.size() == 10) return absl::CivilSecond(*day);
  int hh = 0, mm = 0, ss = 0;
  bool ok = text.size() >= 16 && (text[10] == ' ' || text[10] == 'T') && text[13] == ':' &&
            ParseDigits(text, 11, 2, &hh) && ParseDigits(text, 14, 2, &mm);
  if (ok && text.size() > 16) {
    ok = text.size() == 19 && text[16] == ':' && ParseDigits(text, 17, 2, &ss);
  }
  if (!ok || hh > 23 || mm > 59 || ss > 59) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a time; write YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]"));
  }
  return absl::CivilSecond(day->year(), day->month(), day->day(), hh, mm, ss);
}

std::string FormatCivil(absl::CivilSecond t) { return FormatWith(t, "%Y-%m-%d %H:%M:%S"); }

std::vector<RunPeriod> PeriodsBetween(absl::CivilDay from, absl::CivilDay to, PeriodUnit unit) {
  std::vector<RunPeriod> out;
  if (unit == PeriodUnit::kDay) {
    for (absl::CivilDay d = from; d <= to; ++d) out.push_back(PeriodOf(d, unit));
  } else {
    for (absl::CivilMonth m(from); m <= absl::CivilMonth(to); ++m) {
      out.push_back(PeriodOf(absl::CivilDay(m), unit));
    }
  }
  return out;
}

std::vector<std::string> RowKeysOf(absl::string_view text, const TemplateContext& context) {
  std::vector<std::string> keys;
  static const std::set<std::string, std::less<>> kBuiltins = {
      "date",       "year",       "month", "day", "prev_day", "next_day",
      "prev_month", "next_month", "start", "end", "shard",    "num_shards"};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    if (i + 1 < text.size() && text[i + 1] == '{') {
      ++i;
      continue;
    }
    size_t close = text.find('}', i);
    if (close == absl::string_view::npos) break;  // ExpandTemplate reports it
    absl::string_view name = text.substr(i + 1, close - i - 1);
    name = name.substr(0, name.find(':'));
    if (!kBuiltins.count(name) && !context.vars.count(std::string(name)) &&
        std::find(keys.begin(), keys.end(), name) == keys.end()) {
      keys.emplace_back(name);
    }
    i = close;
  }
  return keys;
}

absl::StatusOr<std::string> ExpandTemplate(absl::string_view text, const TemplateContext& context,
                                           absl::string_view where) {
  const RunPeriod& p = context.period;
  const absl::CivilSecond date(p.date);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        out.push_back('}');
        i += 2;
        continue;
      }
      return absl::InvalidArgumentError(absl::StrCat(where, ": unmatched '}' at position ", i,
                                                     " in '", text,
                                                     "' (write '}}' for a literal brace)"));
    }
    if (c != '{') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      out.push_back('{');
      i += 2;
      continue;
    }
    size_t close = text.find('}', i);
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": unclosed '{' at position ", i, " in '", text, "'"));
    }
    absl::string_view body = text.substr(i + 1, close - i - 1);
    absl::string_view name = body, format;
    bool has_format = false;
    if (size_t colon = body.find(':'); colon != absl::string_view::npos) {
      name = body.substr(0, colon);
      format = body.substr(colon + 1);
      has_format = true;
    }
    auto time_var = [&](absl::CivilSecond t, absl::string_view default_format) {
      return FormatWith(t, has_format ? format : default_format);
    };
    const absl::CivilMonth month(p.date);
    if (auto it = context.vars.find(std::string(name)); it != context.vars.end()) {
      out += it->second;
    } else if (name == "date") {
      out += time_var(date, "%Y-%m-%d");
    } else if (name == "year") {
      out += time_var(date, "%Y");
    } else if (name == "month") {
      out += time_var(date, "%m");
    } else if (name == "day") {
      out += time_var(date, "%d");
    } else if (name == "prev_day") {
      out += time_var(absl::CivilSecond(p.date - 1), "%Y-%m-%d");
    } else if (name == "next_day") {
      out += time_var(absl::CivilSecond(p.date + 1), "%Y-%m-%d");
    } else if (name == "prev_month") {
      out += time_var(absl::CivilSecond(month - 1), "%Y-%m");
    } else if (name == "next_month") {
      out += time_var(absl::CivilSecond(month + 1), "%Y-%m");
    } else if (name == "start") {
      out += time_var(p.start, "%Y-%m-%d %H:%M:%S");
    } else if (name == "end") {
      out += time_var(p.end, "%Y-%m-%d %H:%M:%S");
    } else if (name == "shard" && !has_format) {
      out += absl::StrCat(context.shard);
    } else if (name == "num_shards" && !has_format) {
      out += absl::StrCat(context.num_shards);
    } else if (int column =
                   context.row_batch ? context.row_batch->FindColumn(std::string(name)) : -1;
               column >= 0) {
      absl::StatusOr<std::string> value = PartitionValueText(
          context.row_batch->column(column).values[context.row], name, format, has_format);
      if (!value.ok()) return value.status();
      out += *value;
    } else {
      std::vector<std::string> vars;
      for (const auto& [k, v] : context.vars) vars.push_back(k);
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": unknown template variable '{", body, "}' in '", text, "' (known: ",
          kKnownVariables, vars.empty() ? "" : ", and vars: ", absl::StrJoin(vars, ", "), ")"));
    }
    i = close + 1;
  }
  return out;
}

}  // namespace ferry::batch
