// OutputEventWriter: one JSON line per scored row with io::JsonWriter (see output_event.h).
#include "bundle/output_event.h"

#include <set>

#include "io/json_writer.h"

namespace ferry::bundle {

OutputEventWriter::OutputEventWriter(const OutputEventKeys& keys, const ScoredBatch& scored)
    : keys_(keys), scored_(scored), field_written_(scored.field_names.size(), true) {
  if (keys.layout != "flat") return;
  // Flat: an output named like a fixed key (e.g. the id passed through) is written once.
  std::set<std::string> taken;
  for (const std::string* k :
       {&keys.id_key, &keys.model_key, &keys.version_key, &keys.timestamp_key}) {
    if (!k->empty()) taken.insert(*k);
  }
  for (size_t f = 0; f < scored.field_names.size(); ++f) {
    field_written_[f] = taken.insert(scored.field_names[f]).second;
  }
}

std::string OutputEventWriter::Event(const std::string& model, const std::string& version,
                                     const std::string& id, size_t row,
                                     const std::string& processed_at) const {
  const bool nested = keys_.layout != "flat";
  std::string line;
  io::JsonWriter w(&line);
  w.BeginObject();
  if (!keys_.model_key.empty()) w.Key(keys_.model_key).String(model);
  if (!keys_.version_key.empty()) w.Key(keys_.version_key).String(version);
  w.Key(keys_.id_key).String(id);
  if (nested) w.Key(keys_.prediction_key).BeginObject();
  for (size_t f = 0; f < scored_.field_names.size(); ++f) {
    if (field_written_[f]) w.Key(scored_.field_names[f]).Write(scored_.field(row, f));
  }
  if (!scored_.probabilities_name.empty()) {
    w.Key(scored_.probabilities_name).BeginObject();
    for (size_t k = 0; k < scored_.class_labels.size(); ++k) {
      w.Key(scored_.class_labels[k]).Double(scored_.probability(row, k));
    }
    w.EndObject();
  }
  if (nested) w.EndObject();
  if (!keys_.timestamp_key.empty()) w.Key(keys_.timestamp_key).String(processed_at);
  w.EndObject();
  return line;
}

}  // namespace ferry::bundle
