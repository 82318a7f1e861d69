#include "core/record_batch.h"

#include <cassert>

namespace ferry {

void RecordBatch::AddColumn(std::string name, std::vector<Value> values) {
  assert(values.size() == num_rows_);
  columns_.push_back(Column{std::move(name), std::move(values)});
  if (!index_.empty()) {
    index_.emplace(columns_.back().name, static_cast<int>(columns_.size() - 1));
  } else if (columns_.size() > kScannedColumns) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      index_.emplace(columns_[i].name, static_cast<int>(i));  // the first of a name wins
    }
  }
}

Column& RecordBatch::GetOrAddColumn(std::string_view name) {
  int i = FindColumn(name);
  if (i >= 0) return columns_[i];
  AddColumn(std::string(name), std::vector<Value>(num_rows_));
  return columns_.back();
}

int RecordBatch::FindColumn(std::string_view name) const {
  if (index_.empty()) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }
  auto it = index_.find(absl::string_view(name.data(), name.size()));
  return it == index_.end() ? -1 : it->second;
}

void RecordBatch::SetError(size_t row, std::string message) {
  if (errors_[row].empty()) errors_[row] = std::move(message);
}

}  // namespace ferry
