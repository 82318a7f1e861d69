// Server: the HTTP/1.1 front of ferry serve (Boost.Beast over Asio): keep-alive, one event
// loop per thread each accepting on the same port (SO_REUSEPORT), requests answered inline
// on the loop that read them by Handle (handler.h). Optional TLS (OpenSSL). SIGTERM/SIGINT,
// or Shutdown(): stop accepting, close idle connections, let requests in flight finish (their
// responses say Connection: close), then Run returns; after drain_timeout the rest is cut.
// Once draining, SIGTERM is ignored and a second SIGINT has its default action (exit now).
#ifndef FERRY_SERVE_SERVER_H_
#define FERRY_SERVE_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "serve/server_state.h"

namespace ferry::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                // 0 picks a free port (see Server::port)
  int threads = 0;                     // event loops; 0 = one per core
  size_t max_body_bytes = 8 << 20;     // larger bodies get 413
  size_t max_header_bytes = 16 << 10;  // larger request heads get 431
  // A connection waiting for its next request is closed after idle_timeout; a request whose
  // body has not fully arrived within read_timeout of its head is dropped.
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds read_timeout{30000};
  size_t max_connections = 10000;  // more are closed at once (and counted in /metrics)
  std::chrono::milliseconds drain_timeout{30000};
  std::string tls_cert;    // PEM certificate chain; with tls_key, serve HTTPS only
  std::string tls_key;     // PEM private key
  std::string access_log;  // "" = none, "-" = stderr, else a file appended to
};

class Server {
 public:
  // Binds the port (and loads the TLS files). `state` must outlive the server.
  static absl::StatusOr<std::unique_ptr<Server>> Create(const ServerOptions& options,
                                                        ServerState* state);
  ~Server();

  uint16_t port() const;
  // Serves until a signal or Shutdown, then drains; OK after a graceful stop.
  absl::Status Run();
  // Starts the drain from any thread.
  void Shutdown();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::serve

#endif  // FERRY_SERVE_SERVER_H_
