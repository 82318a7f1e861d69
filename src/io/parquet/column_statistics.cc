// ColumnWriter::ComputeStatistics: a column chunk's null count and min/max in the column's
// type order (see column_writer.h): signed integers, doubles ignoring NaN with -0.0/+0.0 at
// the ends, strings byte-wise and omitted beyond 4 KiB.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include "io/parquet/column_writer.h"
#include "io/parquet/plain.h"

namespace ferry::parquet {
namespace {

constexpr size_t kMaxStatisticsBytes = 4096;

}  // namespace

Statistics ColumnWriter::ComputeStatistics() const {
  Statistics s;
  int64_t nulls = 0;
  for (uint8_t d : defs_) nulls += d == 0;
  s.null_count = nulls;
  std::string min, max;
  switch (spec_.type) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
    case ColumnType::kDate:
    case ColumnType::kBool: {
      if (ints_.empty()) return s;
      auto [lo, hi] = std::minmax_element(ints_.begin(), ints_.end());
      if (spec_.type == ColumnType::kDate) {
        AppendPlainInt32(static_cast<int32_t>(*lo), &min);
        AppendPlainInt32(static_cast<int32_t>(*hi), &max);
      } else if (spec_.type == ColumnType::kBool) {
        min.push_back(static_cast<char>(*lo));
        max.push_back(static_cast<char>(*hi));
      } else {
        AppendPlainInt64(*lo, &min);
        AppendPlainInt64(*hi, &max);
      }
      break;
    }
    case ColumnType::kDouble: {
      bool any = false;
      double lo = 0, hi = 0;
      for (double d : doubles_) {
        if (std::isnan(d)) continue;
        if (!any || d < lo) lo = d;
        if (!any || d > hi) hi = d;
        any = true;
      }
      if (!any) return s;
      // Zeros: the minimum is written as -0.0 and the maximum as +0.0.
      if (lo == 0) lo = -0.0;
      if (hi == 0) hi = 0.0;
      AppendPlainDouble(lo, &min);
      AppendPlainDouble(hi, &max);
      break;
    }
    case ColumnType::kString: {
      std::optional<std::string_view> lo, hi;
      auto visit = [&](std::string_view v) {
        if (!lo || v < *lo) lo = v;
        if (!hi || v > *hi) hi = v;
      };
      if (use_dictionary_) {
        for (uint32_t i : indices_) visit(dictionary_[i]);
      } else {
        for (size_t i = 0; i < string_ends_.size(); ++i) visit(PlainString(i));
      }
      if (!lo || lo->size() > kMaxStatisticsBytes || hi->size() > kMaxStatisticsBytes) {
        return s;
      }
      s.min_value = std::string(*lo);
      s.max_value = std::string(*hi);
      return s;  // byte arrays: unsigned order, so no deprecated signed min/max
    }
  }
  s.min_value = min;
  s.max_value = max;
  s.min = min;
  s.max = max;
  return s;
}

}  // namespace ferry::parquet
