// The web front end's static files (style sheet, scripts), compiled into the binary from
// src/serve/web/ by embed_assets.cmake, so pages work offline and nothing is read from disk at
// run time. Served under /assets/{name}. Immutable; thread-safe.
#ifndef FERRY_SERVE_WEB_ASSETS_H_
#define FERRY_SERVE_WEB_ASSETS_H_

#include <string_view>

namespace ferry::serve::web {

struct WebAsset {
  std::string_view name;          // the file name, e.g. "ferry.css"
  std::string_view content_type;  // e.g. "text/css; charset=utf-8"
  std::string_view body;
};

// The asset named `name` (a bare file name: no directories), or null when there is none.
const WebAsset* FindWebAsset(std::string_view name);

}  // namespace ferry::serve::web

#endif  // FERRY_SERVE_WEB_ASSETS_H_
