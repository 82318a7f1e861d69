// KServe V2 / Open Inference Protocol REST: health, server and model metadata, readiness and
// inference. An infer request's input tensors are the record fields (one value per row:
// shape [n] or [n, 1]); BYTES carries strings. Outputs are tensors of the bundle's outputs, the
// class probabilities as one [n, classes] FP64 tensor whose class order is in its parameters.
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "serve/http_errors.h"
#include "serve/json_body.h"
#include "serve/routes.h"
#include "serve/sv.h"

namespace ferry::serve {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

const char* InputDatatype(bundle::Type type) {
  switch (type) {
    case bundle::Type::kBool:
      return "BOOL";
    case bundle::Type::kInt:
      return "INT64";
    case bundle::Type::kFloat:
      return "FP64";
    default:
      return "BYTES";
  }
}

// The datatype of a column of output Values: BOOL, INT64, FP64 or BYTES (anything mixed).
std::string OutputDatatype(const bundle::ScoredBatch& s, size_t field) {
  bool all_bool = true, all_int = true, all_number = true;
  for (size_t r = 0; r < s.num_rows; ++r) {
    Value::Kind k = s.field(r, field).kind();
    all_bool &= k == Value::Kind::kBool;
    all_int &= k == Value::Kind::kInt;
    all_number &= k == Value::Kind::kInt || k == Value::Kind::kFloat;
  }
  if (s.num_rows == 0) return "BYTES";
  return all_bool ? "BOOL" : all_int ? "INT64" : all_number ? "FP64" : "BYTES";
}

void FlattenInto(element e, std::vector<element>* out) {
  if (e.is_array()) {
    for (element child : ArrayOf(e)) FlattenInto(child, out);
  } else {
    out->push_back(e);
  }
}

// 400 unless `e` fits `datatype`.
absl::Status CheckDatatype(std::string_view input, std::string_view datatype, element e,
                           size_t index) {
  element_type t = e.type();
  bool ok = false;
  if (datatype == "BYTES")
    ok = t == element_type::STRING;
  else if (datatype == "BOOL")
    ok = t == element_type::BOOL;
  else if (absl::StartsWith(Sv(datatype), "INT") || absl::StartsWith(Sv(datatype), "UINT")) {
    ok = t == element_type::INT64 || t == element_type::UINT64;
  } else if (absl::StartsWith(Sv(datatype), "FP")) {
    ok = t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
  } else {
    return absl::InvalidArgumentError(Cat("input '", input, "': unknown datatype '", datatype,
                                          "' (use BOOL, INT8-64, UINT8-64, FP16-64 or BYTES)"));
  }
  if (t == element_type::NULL_VALUE) ok = true;  // a missing value
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      Cat("input '", input, "': element ", index, " is ", JsonTypeWords(e), ", not ", datatype));
}

absl::StatusOr<RecordBatch> DecodeInfer(const Request& request, const HandlerOptions& options,
                                        std::vector<std::string>* wanted, std::string* id) {
  std::string media = request.media_type();
  if (!media.empty() && media != "application/json") {
    return UnsupportedMediaType(
        Cat("Content-Type '", media, "' is not accepted by infer; send application/json"));
  }
  absl::StatusOr<element> root = ParseJsonBody(request.body, options.max_json_depth);
  if (!root.ok()) return root.status();
  simdjson::dom::array inputs;
  if (!root->is_object() || root->at_key("inputs").get_array().get(inputs) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        "an infer request is an object with \"inputs\": [{\"name\", \"shape\", \"datatype\", "
        "\"data\"}, ...]");
  }
  std::string_view id_text;
  if (root->at_key("id").get_string().get(id_text) == simdjson::SUCCESS) *id = id_text;
  simdjson::dom::array outputs;
  if (root->at_key("outputs").get_array().get(outputs) == simdjson::SUCCESS) {
    for (element o : outputs) {
      std::string_view name;
      if (o.at_key("name").get_string().get(name) != simdjson::SUCCESS) {
        return absl::InvalidArgumentError("each requested output needs a \"name\"");
      }
      wanted->emplace_back(name);
    }
  }
  std::vector<std::pair<std::string, std::vector<element>>> columns;
  size_t rows = 0;
  for (element input : inputs) {
    std::string_view name, datatype;
    element data;
    if (input.at_key("name").get_string().get(name) != simdjson::SUCCESS ||
        input.at_key("datatype").get_string().get(datatype) != simdjson::SUCCESS ||
        input.at_key("data").get(data) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(
          "each input tensor needs \"name\", \"datatype\" and \"data\" (and \"shape\")");
    }
    std::vector<element> values;
    FlattenInto(data, &values);
    simdjson::dom::array shape;
    size_t n = values.size();
    if (input.at_key("shape").get_array().get(shape) == simdjson::SUCCESS && shape.size() > 0) {
      int64_t product = 1, first = -1;
      for (element dim : shape) {
        int64_t d = 0;
        if (dim.get_int64().get(d) != simdjson::SUCCESS || d < 0) {
          return absl::InvalidArgumentError(Cat("input '", name, "': bad shape"));
        }
        if (first < 0) first = d;
        product *= d;
      }
      if (static_cast<size_t>(product) != n || (first > 0 && static_cast<size_t>(first) != n)) {
        return absl::InvalidArgumentError(Cat(
            "input '", name, "': shape ",
            absl::StrJoin(shape, "x",
                          [](std::string* out, element d) {
                            int64_t v = 0;
                            if (d.get_int64().get(v) != simdjson::SUCCESS) v = -1;
                            Append(out, v);
                          }),
            " does not fit its ", n, " values; each input is one value per record: [n] or [n, 1]"));
      }
    }
    for (size_t i = 0; i < n; ++i) {
      if (absl::Status s = CheckDatatype(name, datatype, values[i], i); !s.ok()) return s;
    }
    if (!columns.empty() && n != rows) {
      return absl::InvalidArgumentError(
          Cat("input '", name, "' has ", n, " values but the others have ", rows));
    }
    rows = n;
    columns.emplace_back(std::string(name), std::move(values));
  }
  if (columns.empty()) return absl::InvalidArgumentError("the infer request has no inputs");
  if (absl::Status s = CheckRowLimit(rows, options.max_rows); !s.ok()) return s;
  RecordBatch batch(rows);
  for (auto& [name, values] : columns) {
    if (batch.FindColumn(name) >= 0) {
      return absl::InvalidArgumentError(Cat("input '", name, "' is given twice"));
    }
    std::vector<Value> cells(rows);
    std::string error;
    for (size_t r = 0; r < rows; ++r) cells[r] = JsonScalar(values[r], name, &error);
    batch.AddColumn(name, std::move(cells));
  }
  return batch;
}

Response Infer(const Request& request, ServerState& state, const Target& target) {
  std::vector<std::string> wanted;
  std::string id;
  absl::StatusOr<RecordBatch> batch = DecodeInfer(request, state.options, &wanted, &id);
  if (!batch.ok()) return RouteError(batch.status(), "v2_infer", &target);
  bundle::ScoredBatch s = ScoreAndCount(state, target, *batch);
  std::string failed = RowErrorSummary(s);
  if (!failed.empty()) return RouteError(UnprocessableFields(failed), "v2_infer", &target);
  auto is_wanted = [&](const std::string& name) {
    return wanted.empty() || std::find(wanted.begin(), wanted.end(), name) != wanted.end();
  };
  for (const std::string& name : wanted) {
    bool known = name == s.probabilities_name && !name.empty();
    for (const std::string& f : s.field_names) known |= f == name;
    if (!known) {
      return RouteError(absl::InvalidArgumentError(Cat(
                            "requested output '", name,
                            "' does not exist (outputs: ", absl::StrJoin(s.field_names, ", "),
                            s.probabilities_name.empty() ? "" : ", " + s.probabilities_name, ")")),
                        "v2_infer", &target);
    }
  }
  std::string body;
  io::JsonWriter w(&body);
  w.BeginObject().Key("model_name").String(target.model->name);
  w.Key("model_version").String(target.version->version);
  if (!id.empty()) w.Key("id").String(id);
  w.Key("outputs").BeginArray();
  for (size_t f = 0; f < s.field_names.size(); ++f) {
    if (is_wanted(s.field_names[f])) {
      std::string datatype = OutputDatatype(s, f);
      w.BeginObject().Key("name").String(s.field_names[f]).Key("datatype").String(datatype);
      w.Key("shape").BeginArray().Int(static_cast<int64_t>(s.num_rows)).EndArray();
      w.Key("data").BeginArray();
      for (size_t r = 0; r < s.num_rows; ++r) {
        const Value& v = s.field(r, f);
        if (datatype == "BYTES")
          w.String(v.is_null() ? "" : v.ToString());
        else
          w.Write(v);
      }
      w.EndArray().EndObject();
    }
    if (f == 0 && !s.probabilities_name.empty() && is_wanted(s.probabilities_name)) {
      w.BeginObject().Key("name").String(s.probabilities_name).Key("datatype").String("FP64");
      w.Key("shape").BeginArray().Int(static_cast<int64_t>(s.num_rows));
      w.Int(static_cast<int64_t>(s.class_labels.size())).EndArray();
      w.Key("parameters").BeginObject().Key("classes").String(absl::StrJoin(s.class_labels, ","));
      w.EndObject().Key("data").BeginArray();
      for (double p : s.probabilities) w.Double(p);
      w.EndArray().EndObject();
    }
  }
  w.EndArray().EndObject();
  return JsonResponse(std::move(body), target, "v2_infer");
}

Response Metadata(const Target& target) {
  const bundle::BundleSpec& spec = target.version->bundle->spec();
  std::string body;
  io::JsonWriter w(&body);
  w.BeginObject().Key("name").String(target.model->name).Key("versions").BeginArray();
  for (const auto& v : target.model->versions) w.String(v.version);
  w.EndArray().Key("platform").String("ferry").Key("inputs").BeginArray();
  auto tensor = [&w](std::string_view name, std::string_view datatype, bool matrix) {
    w.BeginObject().Key("name").String(name).Key("datatype").String(datatype);
    w.Key("shape").BeginArray().Int(-1);
    if (matrix) w.Int(-1);
    w.EndArray().EndObject();
  };
  for (const bundle::InputSpec& in : spec.inputs) tensor(in.name, InputDatatype(in.type), false);
  w.EndArray().Key("outputs").BeginArray();
  tensor(spec.outputs.prediction, spec.outputs.labels.empty() ? "FP64" : "BYTES", false);
  if (spec.outputs.probabilities) tensor("probabilities", "FP64", true);
  if (!spec.outputs.probability_of_name.empty())
    tensor(spec.outputs.probability_of_name, "FP64", false);
  for (const std::string& p : spec.outputs.passthrough) {
    const char* datatype = "BYTES";
    for (const bundle::InputSpec& in : spec.inputs) {
      if (in.name == p) datatype = InputDatatype(in.type);
    }
    tensor(p, datatype, false);
  }
  for (const auto& [name, value] : spec.outputs.constants) {
    tensor(name,
           value.kind() == Value::Kind::kInt     ? "INT64"
           : value.kind() == Value::Kind::kFloat ? "FP64"
           : value.kind() == Value::Kind::kBool  ? "BOOL"
                                                 : "BYTES",
           false);
  }
  w.EndArray().EndObject();
  return JsonResponse(std::move(body), target, "v2_metadata");
}

// GET /v2/health/ready: 200 {"ready": true}, or 503 {"ready": false, "reason": ...}.
Response ServerReady(const ServerState& state) {
  std::string reason = NotReadyReason(state);
  std::string body;
  io::JsonWriter w(&body);
  w.BeginObject().Key("ready").Bool(reason.empty());
  if (!reason.empty()) w.Key("reason").String(reason);
  w.EndObject();
  Response response = JsonResponse(std::move(body), "v2_health");
  if (!reason.empty()) response.status = 503;
  return response;
}

// GET /v2/models/{name}[/versions/{v}]/ready: 200 with "ready": true when that version (or
// the latest) is loaded and serving; 503 with "ready": false and the reason when the model or
// version is known but not serving (not loaded yet, failed to load, unloaded, or the server is
// draining); 404 when nothing of that name was ever seen.
Response ModelReady(const ServerState& state, std::string_view model, std::string_view version,
                    const absl::StatusOr<Target>& target) {
  auto snapshot = state.repository->snapshot();
  std::string reason = state.draining ? NotReadyReason(state) : "";
  if (!target.ok() && target.status().code() != absl::StatusCode::kNotFound) {
    return RouteError(target.status(), "v2_ready");
  }
  if (!target.ok()) {
    for (const registry::VersionState& row : snapshot->index) {
      if (row.model == model && (version.empty() || row.version == version)) {
        reason = Cat(row.version.empty() ? "" : Cat("version ", row.version, ": "),
                     row.state == "READY" ? "not served" : row.state,
                     row.reason.empty() ? "" : Cat(": ", row.reason));
      }
    }
    if (reason.empty() && !state.initial_load_done) reason = "loading models";
    if (reason.empty()) return RouteError(target.status(), "v2_ready");
  }
  std::string body;
  io::JsonWriter w(&body);
  w.BeginObject().Key("name").String(model);
  w.Key("version").String(target.ok() ? std::string_view(target->version->version) : version);
  w.Key("ready").Bool(reason.empty());
  if (!reason.empty()) w.Key("reason").String(reason);
  w.EndObject();
  Response response = target.ok() ? JsonResponse(std::move(body), *target, "v2_ready")
                                  : JsonResponse(std::move(body), "v2_ready");
  if (!reason.empty()) response.status = 503;
  return response;
}

}  // namespace

Response HandleKServe(const Request& request, ServerState& state, const PathSegments& segments) {
  size_t n = segments.size();
  if (n >= 2 && segments[1] == "repository") return HandleAdmin(request, state, segments);
  if (n == 1 || (n == 3 && segments[1] == "health")) {
    if (absl::Status s = RequireMethod(request, "GET"); !s.ok()) return RouteError(s, "v2_health");
    std::string body;
    io::JsonWriter w(&body);
    if (n == 1) {
      w.BeginObject().Key("name").String("ferry").Key("version").String(
          state.options.server_version);
      w.Key("extensions").BeginArray().String("model_repository").EndArray().EndObject();
      return JsonResponse(std::move(body), "v2_health");
    }
    if (segments[2] == "live") {
      w.BeginObject().Key("live").Bool(true).EndObject();
      return JsonResponse(std::move(body), "v2_health");
    }
    if (segments[2] == "ready") return ServerReady(state);
  }
  if (n >= 3 && segments[1] == "models") {
    std::string_view version;
    size_t rest = 3;
    if (n >= 5 && segments[3] == "versions") {
      version = segments[4];
      rest = 5;
    }
    std::string_view action = n == rest ? "" : n == rest + 1 ? segments[rest] : "?";
    std::string route = action == "infer"   ? "v2_infer"
                        : action == "ready" ? "v2_ready"
                                            : "v2_metadata";
    if (action == "" || action == "ready" || action == "infer") {
      if (absl::Status s = RequireMethod(request, action == "infer" ? "POST" : "GET"); !s.ok()) {
        return RouteError(s, route);
      }
      absl::StatusOr<Target> target = ResolveTarget(state, request, segments[2], version, "");
      if (action == "ready") return ModelReady(state, segments[2], version, target);
      if (!target.ok()) return RouteError(target.status(), route);
      if (action == "infer") return Infer(request, state, *target);
      return Metadata(*target);
    }
  }
  return RouteError(
      absl::NotFoundError(Cat("no route ", request.path,
                              "; KServe V2 routes: /v2/health/live, /v2/health/ready, "
                              "/v2/models/{name}[/versions/{v}][/ready|/infer]")),
      "not_found");
}

}  // namespace ferry::serve
