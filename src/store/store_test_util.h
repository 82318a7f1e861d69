// Test helpers for src/store: batches from literals, and tables read back as sorted text rows
// so that tests compare what a database holds against what was written.
#ifndef FERRY_STORE_STORE_TEST_UTIL_H_
#define FERRY_STORE_STORE_TEST_UTIL_H_

#include <string>
#include <utility>
#include <vector>

#include "core/record_batch.h"
#include "store/database.h"

namespace ferry::store::testing {

// A batch from columns: {{"id", {Value::Int(1), ...}}, ...}.
inline RecordBatch MakeBatch(std::vector<std::pair<std::string, std::vector<Value>>> columns) {
  RecordBatch batch(columns.empty() ? 0 : columns[0].second.size());
  for (auto& [name, values] : columns) batch.AddColumn(name, std::move(values));
  return batch;
}

// Every row of `sql` as "a|b|c" text (Value::ToString per cell), in result order.
inline std::vector<std::string> Rows(Database& db, const std::string& sql,
                                     const std::vector<Value>& params = {}) {
  std::vector<std::string> rows;
  auto chunks = ReadQuery(db, sql, params, 3);
  if (!chunks.ok()) return {"error: " + std::string(chunks.status().message())};
  for (const RecordBatch& chunk : *chunks) {
    for (size_t r = 0; r < chunk.num_rows(); ++r) {
      std::string row;
      for (size_t c = 0; c < chunk.num_columns(); ++c) {
        if (c > 0) row += '|';
        row += chunk.column(c).values[r].ToString();
      }
      rows.push_back(row);
    }
  }
  return rows;
}

}  // namespace ferry::store::testing

#endif  // FERRY_STORE_STORE_TEST_UTIL_H_
