// One asynchronous prediction request as it travels from `POST /v1/models/{name}/requests` to
// a worker: a UUID, the model and its version policy (a version, an alias, or the latest), the
// time it was received, and the one input record as a JSON event:
//
//   {"id": "6f1c...", "model": "flight_delays", "version": "", "alias": "",
//    "received_at": "2026-11-21T04:00:00.123Z", "inputs": {"DepDelay": 5, "Origin": "ATL"}}
//
// The same event goes to every queue (the embedded SQLite queue, a Kafka topic, a Redis stream)
// and is decoded by the stream's EventDecoder with RequestEventConfig(), so the embedded
// workers and `ferry stream` workers read requests identically. Pure functions; thread-safe.
#ifndef FERRY_ASYNC_REQUEST_H_
#define FERRY_ASYNC_REQUEST_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/record_batch.h"
#include "stream/config.h"

namespace ferry::async {

struct QueuedRequest {
  std::string id;
  std::string model;
  std::string version;  // "" unless the request named a version
  std::string alias;    // "" unless the request named an alias
  int64_t received_ms = 0;
  std::string event;  // the JSON event above
};

// A random (version 4) UUID in lower-case 8-4-4-4-12 form.
std::string NewRequestId();

// True for any UUID in 8-4-4-4-12 hexadecimal form (either case).
bool IsRequestId(std::string_view text);

// The request with its event; `record` is one input row (REQUIRES: record.num_rows() == 1).
QueuedRequest MakeRequest(std::string id, std::string model, std::string version, std::string alias,
                          int64_t received_ms, const RecordBatch& record);

// How `ferry stream` workers (and the embedded ones) decode request events: id from "id",
// inputs from "inputs", event time from "received_at".
stream::EventConfig RequestEventConfig();

// Milliseconds since the Unix epoch, now.
int64_t NowMs();

}  // namespace ferry::async

#endif  // FERRY_ASYNC_REQUEST_H_
