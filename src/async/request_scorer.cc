// RequestScorer: decode, resolve the version policy, score, build the result row's event.
#include "async/request_scorer.h"

#include "absl/strings/str_cat.h"
#include "stream/output_builder.h"

namespace ferry::async {
namespace {

// The version the request's policy names, or why there is none.
absl::StatusOr<const registry::ServedVersion*> Resolve(const registry::Snapshot& snapshot,
                                                       const QueuedRequest& request) {
  const registry::ServedModel* model = snapshot.FindModel(request.model);
  if (model == nullptr) {
    return absl::NotFoundError(absl::StrCat("model '", request.model, "' is no longer served"));
  }
  std::string version = request.version;
  if (!request.alias.empty()) {
    auto it = model->aliases.find(request.alias);
    if (it == model->aliases.end()) {
      return absl::NotFoundError(
          absl::StrCat("model '", request.model, "' no longer has alias '", request.alias, "'"));
    }
    version = it->second;
  }
  if (version.empty()) return &model->Latest();
  const registry::ServedVersion* served = model->FindVersion(version);
  if (served == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("version ", version, " of model '", request.model, "' is no longer served"));
  }
  return served;
}

}  // namespace

stream::SinkBatch RequestScorer::Score(const QueuedRequest& request) {
  std::vector<stream::Message> messages(1);
  messages[0].payload = request.event;
  messages[0].topic = "embedded";
  messages[0].entry_id = request.id;
  messages[0].timestamp_ms = request.received_ms;
  const int64_t now_ms = NowMs();
  std::vector<stream::DeadLetter> dead;
  stream::DecodedEvents events = decoder_.Decode(messages);
  for (const stream::DecodeFailure& f : events.failures) {
    dead.push_back({request.id, f.position, f.error, 1, f.payload});
  }
  std::shared_ptr<const registry::Snapshot> snapshot = repository_->snapshot();
  absl::StatusOr<const registry::ServedVersion*> version = Resolve(*snapshot, request);
  if (events.ids.empty() || !version.ok()) {
    if (!version.ok() && !events.ids.empty()) {
      dead.push_back({request.id, events.position[0], std::string(version.status().message()), 1,
                      events.payload[0]});
    }
    return stream::BuildDeadLetters(dead, request.model, "", now_ms);
  }
  bundle::ScoredBatch scored = (*version)->bundle->Score(events.inputs);
  stream::SinkBatch out =
      stream::BuildOutputs(stream::OutputConfig{}, request.model, (*version)->version, events,
                           scored, messages, now_ms, &dead);
  if (!dead.empty())
    return stream::BuildDeadLetters(dead, request.model, (*version)->version, now_ms);
  return out;
}

}  // namespace ferry::async
