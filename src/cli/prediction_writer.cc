#include "cli/prediction_writer.h"

#include <cmath>

#include "io/json_writer.h"

namespace ferry::cli {

std::string LabelText(const Value& label) {
  switch (label.kind()) {
    case Value::Kind::kNull:
      return "None";
    case Value::Kind::kBool:
      return label.as_bool() ? "True" : "False";
    case Value::Kind::kInt:
      return std::to_string(label.as_int());
    case Value::Kind::kFloat: {
      double d = label.as_float();
      if (std::isnan(d)) return "nan";
      if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
      return FormatDouble(d);
    }
    case Value::Kind::kString:
      return label.as_string();
  }
  return "";
}

PredictionWriter::PredictionWriter(const Scorer& scorer, const PredictionWriterOptions& options)
    : task_(scorer.task), options_(options) {
  for (const Value& label : scorer.classes) {
    std::string json;
    io::JsonWriter(&json).Write(label);
    label_json_.push_back(std::move(json));
    std::string key;
    io::AppendJsonString(&key, LabelText(label));
    key.push_back(':');
    key_json_.push_back(std::move(key));
  }
}

size_t PredictionWriter::Append(const RecordBatch& input, const model::Predictions& predictions,
                                int64_t first_record, std::string* out) const {
  size_t failed = 0;
  const bool classifier = task_ == model::Task::kClassification;
  for (size_t r = 0; r < input.num_rows(); ++r) {
    const std::string& error = !input.ok(r) ? input.error(r) : predictions.errors[r];
    io::JsonWriter w(out);
    if (!error.empty()) {
      w.BeginObject()
          .Key("row")
          .Int(first_record + static_cast<int64_t>(r))
          .Key("error")
          .String(error)
          .EndObject();
      out->push_back('\n');
      ++failed;
      continue;
    }
    w.BeginObject().Key("prediction");
    if (classifier) {
      w.Raw(label_json_[predictions.label[r]]);
      if (options_.probabilities) {
        out->append(",\"probabilities\":{");
        for (int32_t k = 0; k < predictions.width; ++k) {
          if (k > 0) out->push_back(',');
          out->append(key_json_[k]);
          io::AppendJsonDouble(out, predictions.value(r, k));
        }
        out->push_back('}');
      }
    } else if (predictions.width == 1) {
      w.Double(predictions.value(r, 0));
    } else {
      w.BeginArray();
      for (int32_t k = 0; k < predictions.width; ++k) w.Double(predictions.value(r, k));
      w.EndArray();
    }
    w.EndObject();
    out->push_back('\n');
  }
  return failed;
}

}  // namespace ferry::cli
