#include "cli/bundle_predict.h"

#include <filesystem>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bundle/bundle.h"
#include "cli/commands.h"
#include "io/output_file.h"

namespace ferry::cli {

int PredictWithBundle(const std::string& dir, const PredictOptions& options) {
  constexpr char kName[] = "predict";
  std::error_code ec;
  if (std::filesystem::is_regular_file(dir, ec)) {
    return ReportCannotRun(kName, absl::StrCat("'", dir, "' is a file, not a bundle directory"),
                           absl::StrCat("to score with a model file, pass it as --model ", dir));
  }
  if (!std::filesystem::exists(dir, ec)) {
    return ReportCannotRun(kName, absl::StrCat("no bundle directory '", dir, "'"),
                           "check the path; a bundle is a directory holding ferry.yaml");
  }
  auto bundle = bundle::Bundle::Load(dir);
  if (!bundle.ok()) {
    return ReportCannotRun(kName, bundle.status().message(),
                           absl::StrCat("'ferry validate ", dir, "' lists every problem"));
  }
  auto format = io::ParseRecordFormat(options.format);
  if (!format.ok()) return ReportCannotRun(kName, format.status().message(), "pass --format csv or --format jsonl");
  io::ReaderOptions reader_options;
  reader_options.chunk_rows = options.chunk_rows;
  auto reader = io::OpenRecordReader(options.input_path, *format, reader_options);
  if (!reader.ok()) return ReportCannotRun(kName, reader.status().message(), "check the --input path");
  auto output = io::OutputFile::Open(options.output_path);
  if (!output.ok()) {
    return ReportCannotRun(kName, output.status().message(), "check that the --output folder exists and is writable");
  }
  int threads = options.threads < 1 ? 1 : options.threads;
  std::vector<io::RecordChunk> chunks(threads);
  std::vector<bundle::ScoredBatch> scored(threads);
  int64_t failed = 0;
  std::string text;
  bool done = false;
  while (!done) {
    int filled = 0;
    while (filled < threads) {
      auto more = (*reader)->Next(&chunks[filled]);
      if (!more.ok()) return ReportCannotRun(kName, more.status().message(), "");
      if (!*more) {
        done = true;
        break;
      }
      ++filled;
    }
    std::vector<std::thread> workers;  // the bundle is immutable and thread-safe
    for (int i = 1; i < filled; ++i) {
      workers.emplace_back([&, i] { scored[i] = (*bundle)->Score(chunks[i].batch); });
    }
    if (filled > 0) scored[0] = (*bundle)->Score(chunks[0].batch);
    for (auto& w : workers) w.join();
    for (int i = 0; i < filled; ++i) {
      text.clear();
      for (size_t r = 0; r < scored[i].num_rows; ++r) {
        failed += !scored[i].ok(r);
        absl::StrAppend(&text, scored[i].RowJson(r, chunks[i].first_record + static_cast<int64_t>(r)), "\n");
      }
      absl::Status written = (*output)->Write(text);
      if (!written.ok()) return ReportCannotRun(kName, written.message(), "");
    }
  }
  absl::Status closed = (*output)->Close();
  if (!closed.ok()) return ReportCannotRun(kName, closed.message(), "");
  return failed > 0 ? kExitSomeRecordsFailed : kExitOk;
}

}  // namespace ferry::cli
