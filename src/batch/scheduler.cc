// The scheduler loop, child processes and the run history (see scheduler.h).
#include "batch/scheduler.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "store/database.h"

namespace ferry::batch {
namespace {

constexpr const char* kCreateHistory =
    "CREATE TABLE IF NOT EXISTS schedule_runs (job TEXT NOT NULL, scheduled_for TEXT NOT NULL, "
    "attempt BIGINT NOT NULL, run_date TEXT, started_at TEXT, finished_at TEXT, "
    "exit_code BIGINT, status TEXT NOT NULL, summary TEXT)";

std::string TimeText(absl::Time t, const absl::TimeZone& zone) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Z", t, zone);
}

absl::StatusOr<std::unique_ptr<store::Database>> OpenHistory(const std::string& path) {
  absl::StatusOr<std::unique_ptr<store::Database>> db = store::OpenDatabase("sqlite://" + path);
  if (!db.ok()) return db.status();
  if (absl::Status s = (*db)->Execute(kCreateHistory); !s.ok()) return s;
  return db;
}

struct JobState {
  absl::Time next_fire;
  pid_t pid = 0;  // running child, or 0
  int attempt = 0;
  absl::Time scheduled_for;  // of the current or pending run
  absl::Time started_at;
  absl::Time retry_at = absl::InfiniteFuture();
  std::string output_path;  // child's stdout (its JSON summary)
};

std::string StatusForExit(int code) {
  switch (code) {
    case 0:
      return "ok";
    case 99:
      return "nothing_to_do";
    case 3:
      return "too_many_rejects";
    case 2:
      return "failed";
    case 1:
      return "failed_retryable";
  }
  return "failed";
}

class Scheduler {
 public:
  Scheduler(const ScheduleFile& schedule, const Clock& clock, const SchedulerOptions& options,
            std::unique_ptr<store::Database> history)
      : schedule_(schedule),
        clock_(clock),
        options_(options),
        history_(std::move(history)),
        states_(schedule.jobs.size()) {}

  absl::Status Run() {
    absl::Time now = clock_.Now();
    for (size_t i = 0; i < states_.size(); ++i) {
      states_[i].next_fire = schedule_.jobs[i].cron.Next(now);
      Log(i, absl::StrCat("next run at ",
                          TimeText(states_[i].next_fire, schedule_.jobs[i].cron.zone())));
    }
    while (true) {
      Reap();
      bool busy = false;
      for (const JobState& s : states_) busy |= s.pid != 0;
      if (options_.max_runs > 0 && finished_ >= options_.max_runs && !busy) break;
      if (options_.stop && options_.stop->load()) {
        if (!busy) break;
        for (const JobState& s : states_) {
          if (s.pid) ::kill(s.pid, SIGTERM);  // the run stops cleanly, publishing nothing
        }
      }
      now = clock_.Now();
      for (size_t i = 0; i < states_.size(); ++i) {
        JobState& s = states_[i];
        if (!s.pid && now >= s.retry_at) {
          s.retry_at = absl::InfiniteFuture();
          Launch(i, s.scheduled_for, s.attempt + 1);
        }
        if (now >= s.next_fire) {
          absl::Time fire = s.next_fire;
          s.next_fire = schedule_.jobs[i].cron.Next(std::max(fire, now));
          if (s.pid || s.retry_at != absl::InfiniteFuture()) {
            Record(i, fire, 0, "", -1, "skipped_overlap", "");
            Log(i, "still running; skipped the run scheduled at " +
                       TimeText(fire, schedule_.jobs[i].cron.zone()));
          } else {
            Launch(i, fire, 1);
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return absl::OkStatus();
  }

 private:
  void Log(size_t i, const std::string& text) {
    std::fprintf(stderr, "ferry schedule: %s: %s\n", schedule_.jobs[i].name.c_str(), text.c_str());
  }

  void Launch(size_t i, absl::Time scheduled_for, int attempt) {
    const ScheduledJob& job = schedule_.jobs[i];
    JobState& s = states_[i];
    s.scheduled_for = scheduled_for;
    s.attempt = attempt;
    s.started_at = clock_.Now();
    const std::string date = absl::FormatCivilTime(RunDateFor(job, scheduled_for));
    std::vector<std::string> args = {
        options_.ferry_binary, "score", "--config", job.config, "--date", date, "--no-progress"};
    args.insert(args.end(), job.extra_args.begin(), job.extra_args.end());
    s.output_path = absl::StrCat(schedule_.history, ".", job.name, ".", getpid(), ".out");
    pid_t pid = ::fork();
    if (pid == 0) {
      int fd = ::open(s.output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) ::dup2(fd, STDOUT_FILENO);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      _exit(127);
    }
    if (pid < 0) {
      Record(i, scheduled_for, attempt, date, -1, "failed_to_start", std::strerror(errno));
      return;
    }
    s.pid = pid;
    Log(i, absl::StrCat("started attempt ", attempt, " for ", date, " (pid ", pid, ")"));
  }

  void Reap() {
    for (size_t i = 0; i < states_.size(); ++i) {
      JobState& s = states_[i];
      if (!s.pid) continue;
      int wstatus = 0;
      if (::waitpid(s.pid, &wstatus, WNOHANG) != s.pid) continue;
      s.pid = 0;
      int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 1;  // killed: a retry may help
      std::ifstream in(s.output_path);
      std::stringstream summary;
      summary << in.rdbuf();
      ::unlink(s.output_path.c_str());
      const ScheduledJob& job = schedule_.jobs[i];
      std::string status = StatusForExit(code);
      const std::string date = absl::FormatCivilTime(RunDateFor(job, s.scheduled_for));
      Record(i, s.scheduled_for, s.attempt, date, code, status, summary.str());
      Log(i,
          absl::StrCat("attempt ", s.attempt, " for ", date, " exited ", code, " (", status, ")"));
      if (code == 1 && s.attempt <= job.retries) {
        absl::Duration wait = job.backoff * std::pow(2.0, s.attempt - 1);
        s.retry_at = clock_.Now() + wait;
        Log(i, absl::StrCat("retrying in ", absl::FormatDuration(wait)));
      } else {
        ++finished_;
      }
    }
  }

  void Record(size_t i, absl::Time scheduled_for, int attempt, const std::string& date, int code,
              const std::string& status, const std::string& summary) {
    const absl::TimeZone& zone = schedule_.jobs[i].cron.zone();
    std::string trimmed = summary;
    while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
    absl::Status s = history_->Execute(
        "INSERT INTO schedule_runs VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        {Value::String(schedule_.jobs[i].name), Value::String(TimeText(scheduled_for, zone)),
         Value::Int(attempt), date.empty() ? Value::Null() : Value::String(date),
         attempt ? Value::String(TimeText(states_[i].started_at, zone)) : Value::Null(),
         Value::String(TimeText(clock_.Now(), zone)), code < 0 ? Value::Null() : Value::Int(code),
         Value::String(status), trimmed.empty() ? Value::Null() : Value::String(trimmed)});
    if (!s.ok()) Log(i, absl::StrCat("cannot record the run in the history: ", s.message()));
  }

  const ScheduleFile& schedule_;
  const Clock& clock_;
  SchedulerOptions options_;
  std::unique_ptr<store::Database> history_;
  std::vector<JobState> states_;
  int64_t finished_ = 0;
};

}  // namespace

absl::Status RunScheduler(const ScheduleFile& schedule, const Clock& clock,
                          const SchedulerOptions& options) {
  absl::StatusOr<std::unique_ptr<store::Database>> history = OpenHistory(schedule.history);
  if (!history.ok()) return history.status();
  Scheduler scheduler(schedule, clock, options, std::move(*history));
  return scheduler.Run();
}

absl::StatusOr<std::string> ScheduleStatus(const ScheduleFile& schedule, const Clock& clock,
                                           int last_runs) {
  absl::StatusOr<std::unique_ptr<store::Database>> history = OpenHistory(schedule.history);
  if (!history.ok()) return history.status();
  std::string out;
  for (const ScheduledJob& job : schedule.jobs) {
    absl::StrAppend(&out, job.name, "  cron '", job.cron.expression(), "' (",
                    job.cron.zone().name(), ")  next run ",
                    TimeText(job.cron.Next(clock.Now()), job.cron.zone()), "\n");
    absl::StatusOr<std::vector<RecordBatch>> rows = store::ReadQuery(
        **history,
        "SELECT scheduled_for, attempt, run_date, status, exit_code, finished_at FROM "
        "schedule_runs WHERE job = $1 ORDER BY rowid DESC LIMIT $2",
        {Value::String(job.name), Value::Int(last_runs)});
    if (!rows.ok()) return rows.status();
    size_t n = 0;
    for (const RecordBatch& b : *rows) {
      for (size_t r = 0; r < b.num_rows(); ++r, ++n) {
        absl::StrAppend(
            &out,
            absl::StrFormat("  %-27s attempt %s  date %-10s  %-17s exit %-4s finished %s\n",
                            b.column(0).values[r].ToString(), b.column(1).values[r].ToString(),
                            b.column(2).values[r].ToString(), b.column(3).values[r].ToString(),
                            b.column(4).values[r].ToString(), b.column(5).values[r].ToString()));
      }
    }
    if (n == 0) absl::StrAppend(&out, "  no runs yet\n");
  }
  return out;
}

}  // namespace ferry::batch
