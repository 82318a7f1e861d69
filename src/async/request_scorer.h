// RequestScorer: scores one queued request with the model version its policy names in the
// repository's current snapshot (a version, an alias, or the latest), and returns what the
// result table receives: the output event (stream::BuildOutputs, default output keys), or a
// dead letter (stream::BuildDeadLetters) when the event does not decode, the model or version
// is no longer served, or the record fails. Not thread-safe (one per worker thread).
#ifndef FERRY_ASYNC_REQUEST_SCORER_H_
#define FERRY_ASYNC_REQUEST_SCORER_H_

#include "async/request.h"
#include "registry/repository.h"
#include "stream/event_decoder.h"
#include "stream/stream_types.h"

namespace ferry::async {

class RequestScorer {
 public:
  explicit RequestScorer(registry::Repository* repository)
      : repository_(repository), decoder_(RequestEventConfig()) {}

  stream::SinkBatch Score(const QueuedRequest& request);

 private:
  registry::Repository* repository_;  // not owned
  stream::EventDecoder decoder_;
};

}  // namespace ferry::async

#endif  // FERRY_ASYNC_REQUEST_SCORER_H_
