// JSON log lines of `ferry stream` on stderr, one object per line, written whole so that lines
// from the loop and the sink-writer thread never interleave.
#ifndef FERRY_STREAM_STREAM_LOG_H_
#define FERRY_STREAM_STREAM_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

namespace ferry::stream {

// Writes `line` and a newline to stderr in one call.
void LogLine(const std::string& line);

// {"event": event, key: value, ...}: `text` values as JSON strings, `numbers` as integers.
void LogEvent(const std::string& event,
              std::initializer_list<std::pair<std::string, std::string>> text,
              std::initializer_list<std::pair<std::string, int64_t>> numbers = {});

}  // namespace ferry::stream

#endif  // FERRY_STREAM_STREAM_LOG_H_
