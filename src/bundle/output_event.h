// The output event: the JSON line that describes one scored record wherever ferry stores or
// sends it (stream sinks, the async API's result store, `ferry score` tables with shape json).
//
// Layout nested (default keys):
//   {"model": "flight_delays", "version": "1", "id": "r-17",
//    "prediction": {"delay_class": "Slightly Late (0-30 Minute Delay)", "probabilities":
//    {"...": 0.1}}, "processed_at": "2026-11-21T04:00:00.123Z"}
// Layout flat puts the prediction's fields at the top level (an output named like one of the
// fixed keys is then left out, the fixed key wins). A key configured as "" is left out, except
// the id. Pure; thread-safe.
#ifndef FERRY_BUNDLE_OUTPUT_EVENT_H_
#define FERRY_BUNDLE_OUTPUT_EVENT_H_

#include <string>
#include <vector>

#include "bundle/bundle.h"

namespace ferry::bundle {

// The event's keys (the `output:` section of a stream configuration, docs/stream.md).
struct OutputEventKeys {
  std::string layout = "nested";  // nested: outputs under `prediction`; flat: at the top level
  std::string model_key = "model";
  std::string version_key = "version";
  std::string id_key = "id";
  std::string prediction_key = "prediction";
  std::string timestamp_key = "processed_at";
};

// Writes the output events of rows of one ScoredBatch, scored by one model version and
// processed at one time.
class OutputEventWriter {
 public:
  // `scored` must outlive the writer.
  OutputEventWriter(const OutputEventKeys& keys, const ScoredBatch& scored,
                    const std::string& model, const std::string& version,
                    const std::string& processed_at);

  // The event of scored row `row` (which must have been scored: scored.ok(row)).
  std::string Event(const std::string& id, size_t row) const;

 private:
  OutputEventKeys keys_;
  const ScoredBatch& scored_;
  std::vector<bool> field_written_;  // per output field; false for those a flat layout drops
  // The keys quoted and escaped once, for every row: fixed keys, outputs, class labels.
  std::string id_key_, prediction_key_, timestamp_key_, probabilities_key_;
  std::vector<std::string> field_keys_, label_keys_;
  // The same for every row, written once: '{' and the model and version members, and the
  // processing time as a quoted JSON string.
  std::string head_, processed_at_json_;
  bool head_has_members_ = false;
  size_t reserve_ = 0;  // bytes reserved for a line
};

}  // namespace ferry::bundle

#endif  // FERRY_BUNDLE_OUTPUT_EVENT_H_
