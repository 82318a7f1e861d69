// RunPeriod: the slice of time one batch run covers (a day, a month, or an explicit
// interval [start, end)), and ExpandTemplate, which turns path templates such as
// "data/green_tripdata_{prev_month:%Y-%m}.csv" or "year={year}/month={month}/" into text.
//
// Template variables: date, year, month, day, prev_day, next_day, prev_month, next_month,
// start, end (all from the period), shard, num_shards, and the job's own `vars`. A variable
// may carry an absl::FormatTime format after a colon: {date:%Y%m%d}. "{{" and "}}" are
// literal braces. Unknown variables are errors naming the known ones, except in output.path,
// where they name output columns whose values partition the rows (row_partitions.h).
#ifndef FERRY_BATCH_RUN_PERIOD_H_
#define FERRY_BATCH_RUN_PERIOD_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/record_batch.h"

namespace ferry::batch {

enum class PeriodUnit { kDay, kMonth };

// "day" or "month"; the error lists the choices.
absl::StatusOr<PeriodUnit> ParsePeriodUnit(absl::string_view text);
absl::string_view PeriodUnitName(PeriodUnit unit);

struct RunPeriod {
  absl::CivilDay date;      // the run date (first day of the month for monthly runs)
  absl::CivilSecond start;  // interval start, inclusive
  absl::CivilSecond end;    // interval end, exclusive
};

// The period of `date` for the unit: a day [D, D+1), a month [first, first of next).
RunPeriod PeriodOf(absl::CivilDay date, PeriodUnit unit);

// Parses "YYYY-MM-DD"; the error says the expected form.
absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text);
// Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM[:SS]".
absl::StatusOr<absl::CivilSecond> ParseCivilTime(absl::string_view text);
// Formats a civil time as "YYYY-MM-DD HH:MM:SS".
std::string FormatCivil(absl::CivilSecond t);

// Every period from `from` to `to` inclusive, stepping by the unit (months start on the 1st).
std::vector<RunPeriod> PeriodsBetween(absl::CivilDay from, absl::CivilDay to, PeriodUnit unit);

struct TemplateContext {
  RunPeriod period;
  int shard = 0;
  int num_shards = 1;
  std::map<std::string, std::string> vars;  // job variables, e.g. taxi_type: green
  // Partition keys from row data (output.path only, see row_partitions.h): a name that is no
  // variable above is the value of that column of `row_batch` at `row`. Null: no row.
  const RecordBatch* row_batch = nullptr;
  size_t row = 0;
};

// The names in `text` that are not run variables (for output.path: the columns whose values
// split a run's rows into partitions), in order of appearance, each once.
std::vector<std::string> RowKeysOf(absl::string_view text, const TemplateContext& context);

// Expands `text`; `where` names the key for messages (e.g. "output.path").
absl::StatusOr<std::string> ExpandTemplate(absl::string_view text, const TemplateContext& context,
                                           absl::string_view where);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_RUN_PERIOD_H_
