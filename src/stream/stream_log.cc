// JSON log lines on stderr; see stream_log.h.
#include "stream/stream_log.h"

#include <iostream>

#include "io/json_writer.h"

namespace ferry::stream {

void LogLine(const std::string& line) {
  std::cerr.write((line + "\n").data(), static_cast<std::streamsize>(line.size() + 1));
  std::cerr.flush();
}

void LogEvent(const std::string& event,
              std::initializer_list<std::pair<std::string, std::string>> text,
              std::initializer_list<std::pair<std::string, int64_t>> numbers) {
  std::string line;
  io::JsonWriter w(&line);
  w.BeginObject().Key("event").String(event);
  for (const auto& [key, value] : text) w.Key(key).String(value);
  for (const auto& [key, value] : numbers) w.Key(key).Int(value);
  w.EndObject();
  LogLine(line);
}

}  // namespace ferry::stream
