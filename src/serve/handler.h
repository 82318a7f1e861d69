// Handle: answers one HTTP request, with no socket involved (the server session calls it on
// its event loop; tests call it directly). Routes:
//   native   GET  /v1/models, /v1/models/{name}
//            POST /v1/models/{name}[/versions/{v}|/aliases/{a}]/predict
//            (JSON object, {"instances": [...]}, JSON array, form posts, CSV, JSONL)
//   KServe   GET  /v2, /v2/health/live, /v2/health/ready, /v2/models/{name}[/versions/{v}]
//            GET  .../ready    POST .../infer
//   admin    POST /v2/repository/index, /v2/repository/models/{name}/load|unload (API key)
//   MLflow   POST /invocations    GET /ping, /health, /version
//   metrics  GET  /metrics
//   web      GET  / (HTML when the client accepts text/html), /models/{name}[/batch],
//                 /assets/{file} (web_routes.cc, src/serve/web/)
// Every answer that involves a model names it and its version (body and X-Ferry-Model /
// X-Ferry-Model-Version headers); every failure is {"error": ...} (http_errors.h).
#ifndef FERRY_SERVE_HANDLER_H_
#define FERRY_SERVE_HANDLER_H_

#include "serve/http_types.h"
#include "serve/server_state.h"

namespace ferry::serve {

Response Handle(const Request& request, ServerState& state);

}  // namespace ferry::serve

#endif  // FERRY_SERVE_HANDLER_H_
