#include "bundle/implied_spec.h"

#include <cctype>
#include <set>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "io/json_writer.h"

namespace ferry::bundle {
namespace {

struct ImpliedInput {
  std::string name;
  bool is_string = false;
};

// A YAML scalar that means exactly `text` (a JSON string is a YAML double-quoted scalar).
std::string Quoted(std::string_view text) { return io::JsonQuoted(text); }

bool IsIdentifier(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool StringCategories(const std::vector<Value>& categories) {
  return !categories.empty() && categories.front().is_string();
}

// Marks the columns `stage` (the first one applied to them) reads as strings.
void MarkStringColumns(const model::Stage& stage, const std::vector<int32_t>& columns,
                       std::vector<ImpliedInput>* inputs) {
  auto mark = [&](size_t i) {
    size_t column = columns.empty() ? i : (i < columns.size() ? columns[i] : inputs->size());
    if (column < inputs->size()) (*inputs)[column].is_string = true;
  };
  if (const auto* onehot = std::get_if<model::OneHotEncoderStage>(&stage.op)) {
    for (size_t i = 0; i < onehot->categories.size(); ++i) {
      if (StringCategories(onehot->categories[i])) mark(i);
    }
  } else if (const auto* imputer = std::get_if<model::SimpleImputerStage>(&stage.op)) {
    for (size_t i = 0; i < imputer->statistics.size(); ++i) {
      if (imputer->statistics[i].is_string()) mark(i);
    }
  } else if (const auto* columns_op = std::get_if<model::ColumnTransformerStage>(&stage.op)) {
    for (const model::ColumnBranch& branch : columns_op->branches) {
      if (!branch.stages.empty()) MarkStringColumns(branch.stages.front(), branch.columns, inputs);
    }
  }
}

std::vector<ImpliedInput> DictVectorizerKeys(const model::DictVectorizerStage& dv) {
  std::vector<ImpliedInput> inputs;
  std::set<std::string> seen;
  for (const std::string& entry : dv.feature_names) {
    size_t sep = dv.separator.empty() ? std::string::npos : entry.find(dv.separator);
    std::string key = sep == std::string::npos ? entry : entry.substr(0, sep);
    if (seen.insert(key).second) inputs.push_back({key, sep != std::string::npos});
    if (sep != std::string::npos) {
      for (ImpliedInput& in : inputs) in.is_string |= in.name == key;
    }
  }
  return inputs;
}

absl::StatusOr<std::vector<ImpliedInput>> Inputs(const model::Model& model) {
  const model::ModelIR& ir = model.ir();
  if (ir.dict_input) {
    for (const model::Stage& stage : ir.stages) {
      if (const auto* dv = std::get_if<model::DictVectorizerStage>(&stage.op)) {
        return DictVectorizerKeys(*dv);
      }
    }
  }
  std::vector<ImpliedInput> inputs;
  for (const std::string& name : ir.input_names) inputs.push_back({name, false});
  for (int32_t i = static_cast<int32_t>(inputs.size()); i < ir.num_inputs; ++i) {
    inputs.push_back({absl::StrCat("x", i), false});
  }
  if (inputs.empty()) {
    return absl::InvalidArgumentError(
        "the model records neither its input names nor their number; write a ferry.yaml "
        "that lists its features (docs/bundle.md)");
  }
  if (!ir.stages.empty()) MarkStringColumns(ir.stages.front(), {}, &inputs);
  return inputs;
}

}  // namespace

absl::StatusOr<std::string> ImpliedSpecText(const model::Model& model, std::string_view name,
                                            std::string_view version, std::string_view model_file) {
  absl::StatusOr<std::vector<ImpliedInput>> inputs = Inputs(model);
  if (!inputs.ok()) return inputs.status();
  std::string text = absl::StrCat("name: ", Quoted(name), "\n");
  if (!version.empty()) absl::StrAppend(&text, "version: ", Quoted(version), "\n");
  absl::StrAppend(&text, "model: ", Quoted(model_file), "\nunknown_fields: ignore\ninputs:\n");
  for (const ImpliedInput& in : *inputs) {
    absl::StrAppend(&text, "  ", Quoted(in.name), ": {type: ", in.is_string ? "string" : "float",
                    "}\n");
  }
  absl::StrAppend(&text, "features:\n");
  for (const ImpliedInput& in : *inputs) {
    if (in.name.find('`') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the model's input name '", in.name,
          "' cannot be written in a feature expression; write a ferry.yaml (docs/bundle.md)"));
    }
    std::string expression = IsIdentifier(in.name) ? in.name : absl::StrCat("`", in.name, "`");
    absl::StrAppend(&text, "  ", Quoted(in.name), ": ", Quoted(expression), "\n");
  }
  absl::StrAppend(&text, "outputs:\n  prediction: prediction\n");
  if (model.task() == model::Task::kClassification) {
    absl::StrAppend(&text, "  probabilities: true\n");
  }
  return text;
}

}  // namespace ferry::bundle
