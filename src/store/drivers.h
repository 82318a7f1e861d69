// Internal to src/store: the two drivers behind OpenDatabase.
#ifndef FERRY_STORE_DRIVERS_H_
#define FERRY_STORE_DRIVERS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "store/database.h"

namespace ferry::store {

// `path` is a file path or ":memory:"; `url` is kept for messages.
absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                                     const std::string& url);
// `url` is a libpq connection URI.
absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& url);

}  // namespace ferry::store

#endif  // FERRY_STORE_DRIVERS_H_
