// Early-return helper for absl::Status in the Parquet code (private to this folder).
#ifndef FERRY_IO_PARQUET_STATUS_MACROS_H_
#define FERRY_IO_PARQUET_STATUS_MACROS_H_

#define PQ_RETURN_IF_ERROR(expr)            \
  do {                                      \
    if (absl::Status _st = (expr); !_st.ok()) \
      return _st;                           \
  } while (0)

#endif  // FERRY_IO_PARQUET_STATUS_MACROS_H_
