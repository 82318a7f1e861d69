// Request ids (UUID v4 from absl's random generator) and request events (io::JsonWriter).
#include "async/request.h"

#include <chrono>
#include <mutex>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "io/json_writer.h"
#include "stream/output_builder.h"

namespace ferry::async {

std::string NewRequestId() {
  static std::mutex mutex;
  static absl::BitGen* gen = new absl::BitGen();
  uint8_t bytes[16];
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (uint8_t& b : bytes) b = absl::Uniform<uint8_t>(*gen);
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0f]);
  }
  return out;
}

bool IsRequestId(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !absl::ascii_isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

QueuedRequest MakeRequest(std::string id, std::string model, std::string version, std::string alias,
                          int64_t received_ms, const RecordBatch& record) {
  QueuedRequest request{std::move(id),    std::move(model), std::move(version),
                        std::move(alias), received_ms,      ""};
  io::JsonWriter w(&request.event);
  w.BeginObject()
      .Key("id")
      .String(request.id)
      .Key("model")
      .String(request.model)
      .Key("version")
      .String(request.version)
      .Key("alias")
      .String(request.alias)
      .Key("received_at")
      .String(stream::FormatTimestampMs(received_ms))
      .Key("inputs")
      .BeginObject();
  for (const Column& column : record.columns()) w.Key(column.name).Write(column.values[0]);
  w.EndObject().EndObject();
  return request;
}

stream::EventConfig RequestEventConfig() {
  stream::EventConfig config;
  config.id_field = "id";
  config.input_path = "inputs";
  config.timestamp_field = "received_at";
  return config;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ferry::async
