// The server-rendered pages of the web front end (docs/serve.md, "Web pages"):
//   IndexPage  GET /                      models, versions, aliases and each version's health
//   ModelPage  GET /models/{name}         a form generated from the bundle's inputs; ferry.js
//                                         sends it to the sync and the async APIs
//   BatchPage  GET /models/{name}/batch   stored results of the async API over a date range
// Every value shown (names, descriptions, defaults, stored inputs and outputs) is escaped.
// Pure functions of their arguments; thread-safe.
#ifndef FERRY_SERVE_WEB_PAGES_H_
#define FERRY_SERVE_WEB_PAGES_H_

#include <string>
#include <string_view>
#include <vector>

#include "async/result_store.h"
#include "registry/snapshot.h"

namespace ferry::serve::web {

std::string IndexPage(const registry::Snapshot& snapshot, std::string_view server_version);

// The form of `model`'s latest version.
std::string ModelPage(const registry::ServedModel& model);

struct BatchQuery {
  std::string from, to;    // YYYY-MM-DD, both days included (UTC)
  std::string problem;     // what was wrong with the query or the store, shown instead of rows
  bool truncated = false;  // more rows matched than are shown
};

// The results of `model` processed from query.from to query.to, oldest first: when, the
// request id, the decoded prediction with its probability, the other outputs and the version;
// failed requests with their error. A GET form above the table changes the range.
std::string BatchPage(const registry::ServedModel& model, const BatchQuery& query,
                      const std::vector<async::StoredResult>& results);

}  // namespace ferry::serve::web

#endif  // FERRY_SERVE_WEB_PAGES_H_
