#include "core/record_batch.h"

#include <cassert>

namespace ferry {

void RecordBatch::AddColumn(std::string name, std::vector<Value> values) {
  assert(values.size() == num_rows_);
  index_.emplace(name, static_cast<int>(columns_.size()));
  columns_.push_back(Column{std::move(name), std::move(values)});
}

Column& RecordBatch::GetOrAddColumn(std::string_view name) {
  int i = FindColumn(name);
  if (i >= 0) return columns_[i];
  AddColumn(std::string(name), std::vector<Value>(num_rows_));
  return columns_.back();
}

int RecordBatch::FindColumn(std::string_view name) const {
  auto it = index_.find(absl::string_view(name.data(), name.size()));
  return it == index_.end() ? -1 : it->second;
}

void RecordBatch::SetError(size_t row, std::string message) {
  if (errors_[row].empty()) errors_[row] = std::move(message);
}

}  // namespace ferry
