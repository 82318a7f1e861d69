// OutputEventWriter: one JSON line per scored row with io::JsonWriter (see output_event.h).
#include "bundle/output_event.h"

#include <set>

#include "io/json_writer.h"

namespace ferry::bundle {

using io::JsonQuoted;

OutputEventWriter::OutputEventWriter(const OutputEventKeys& keys, const ScoredBatch& scored,
                                     const std::string& model, const std::string& version,
                                     const std::string& processed_at)
    : keys_(keys),
      scored_(scored),
      field_written_(scored.field_names.size(), true),
      id_key_(JsonQuoted(keys.id_key)),
      prediction_key_(JsonQuoted(keys.prediction_key)),
      timestamp_key_(JsonQuoted(keys.timestamp_key)),
      probabilities_key_(JsonQuoted(scored.probabilities_name)),
      processed_at_json_(JsonQuoted(processed_at)) {
  io::JsonWriter head(&head_);
  head.BeginObject();
  if (!keys.model_key.empty()) head.Key(keys.model_key).String(model);
  if (!keys.version_key.empty()) head.Key(keys.version_key).String(version);
  head_has_members_ = !keys.model_key.empty() || !keys.version_key.empty();
  for (const std::string& name : scored.field_names) field_keys_.push_back(JsonQuoted(name));
  for (const std::string& label : scored.class_labels) label_keys_.push_back(JsonQuoted(label));
  // A guess at a line's size that mostly saves the string's regrowth: the head, the keys,
  // the processing time, plus room for each value (the id up to 32 bytes).
  reserve_ = head_.size() + processed_at_json_.size() + 32 + id_key_.size() +
             prediction_key_.size() + timestamp_key_.size() + probabilities_key_.size();
  for (const std::string& k : field_keys_) reserve_ += k.size() + 24;
  for (const std::string& k : label_keys_) reserve_ += k.size() + 24;
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

std::string OutputEventWriter::Event(const std::string& id, size_t row) const {
  const bool nested = keys_.layout != "flat";
  std::string line;
  line.reserve(reserve_);
  line.append(head_);
  io::JsonWriter w(&line);
  w.ResumeObject(head_has_members_);
  w.QuotedKey(id_key_).String(id);
  if (nested) w.QuotedKey(prediction_key_).BeginObject();
  for (size_t f = 0; f < scored_.field_names.size(); ++f) {
    if (field_written_[f]) w.QuotedKey(field_keys_[f]).Write(scored_.field(row, f));
  }
  if (!scored_.probabilities_name.empty()) {
    w.QuotedKey(probabilities_key_).BeginObject();
    for (size_t k = 0; k < scored_.class_labels.size(); ++k) {
      w.QuotedKey(label_keys_[k]).Double(scored_.probability(row, k));
    }
    w.EndObject();
  }
  if (nested) w.EndObject();
  if (!keys_.timestamp_key.empty()) w.QuotedKey(timestamp_key_).Raw(processed_at_json_);
  w.EndObject();
  return line;
}

}  // namespace ferry::bundle
