// The scheduler's jobs file and clock (see scheduler.h).
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "batch/scheduler.h"

namespace ferry::batch {
namespace {

namespace fs = std::filesystem;

std::string Where(const std::string& file, const YAML::Node& n) {
  return absl::StrCat(file, ":", n.Mark().line + 1, ":", n.Mark().column + 1, ": ");
}

std::string Resolve(const fs::path& dir, const std::string& p) {
  return fs::path(p).is_absolute() ? p : (dir / p).lexically_normal().string();
}

}  // namespace

absl::StatusOr<ScheduleFile> LoadScheduleFile(const std::string& path) {
  if (!fs::exists(path)) {
    return absl::NotFoundError(absl::StrCat("jobs file '", path, "' does not exist"));
  }
  const fs::path dir = fs::absolute(path).parent_path();
  ScheduleFile out;
  std::vector<std::string> problems;
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (!root.IsMap() || !root["jobs"] || !root["jobs"].IsSequence()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": needs 'jobs:', a list of {name, cron, config, ...}"));
    }
    for (const auto& kv : root) {
      std::string key = kv.first.as<std::string>();
      if (key != "jobs" && key != "history") {
        problems.push_back(Where(path, kv.first) + "unknown key '" + key +
                           "' (keys: history, jobs)");
      }
    }
    out.history = Resolve(dir, root["history"] ? root["history"].as<std::string>()
                                               : std::string("schedule-history.db"));
    for (const YAML::Node& j : root["jobs"]) {
      ScheduledJob job;
      const std::string at = Where(path, j);
      static const char* kKeys[] = {"name", "cron",    "timezone",        "config",
                                    "date", "retries", "backoff_seconds", "args"};
      for (const auto& kv : j) {
        std::string key = kv.first.as<std::string>();
        if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
          problems.push_back(Where(path, kv.first) + "unknown job key '" + key +
                             "' (keys: " + absl::StrJoin(kKeys, ", ") + ")");
        }
      }
      if (!j["name"] || !j["cron"] || !j["config"]) {
        problems.push_back(at + "a job needs name, cron and config");
        continue;
      }
      job.name = j["name"].as<std::string>();
      absl::StatusOr<CronSchedule> cron = CronSchedule::Parse(
          j["cron"].as<std::string>(), j["timezone"] ? j["timezone"].as<std::string>() : "UTC");
      if (!cron.ok()) {
        problems.push_back(Where(path, j["cron"]) + std::string(cron.status().message()));
        continue;
      }
      job.cron = *cron;
      job.config = Resolve(dir, j["config"].as<std::string>());
      std::string date = j["date"] ? j["date"].as<std::string>() : "scheduled";
      if (date == "scheduled") {
        job.date = DateRule::kScheduled;
      } else if (date == "previous_day") {
        job.date = DateRule::kPreviousDay;
      } else if (date == "previous_month") {
        job.date = DateRule::kPreviousMonth;
      } else {
        problems.push_back(Where(path, j["date"]) +
                           "date must be scheduled, previous_day or previous_month");
      }
      if (j["retries"]) job.retries = j["retries"].as<int>();
      if (j["backoff_seconds"]) job.backoff = absl::Seconds(j["backoff_seconds"].as<double>());
      if (j["args"]) job.extra_args = j["args"].as<std::vector<std::string>>();
      for (const ScheduledJob& other : out.jobs) {
        if (other.name == job.name)
          problems.push_back(at + "two jobs are named '" + job.name + "'");
      }
      out.jobs.push_back(std::move(job));
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ":", e.mark.line + 1, ":", e.mark.column + 1, ": ", e.msg));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
  return out;
}

Clock::Clock(absl::Time start, double speed)
    : real_start_(absl::Now()),
      start_(start == absl::InfinitePast() ? real_start_ : start),
      speed_(speed > 0 ? speed : 1.0) {}

absl::Time Clock::Now() const { return start_ + (absl::Now() - real_start_) * speed_; }

absl::Duration Clock::RealUntil(absl::Time t) const { return (t - Now()) / speed_; }

absl::CivilDay RunDateFor(const ScheduledJob& job, absl::Time t) {
  absl::CivilDay day = absl::ToCivilDay(t, job.cron.zone());
  switch (job.date) {
    case DateRule::kScheduled:
      return day;
    case DateRule::kPreviousDay:
      return day - 1;
    case DateRule::kPreviousMonth:
      return absl::CivilDay(absl::CivilMonth(day) - 1);
  }
  return day;
}

}  // namespace ferry::batch
