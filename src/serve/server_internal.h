// Internal to server.cc and session.cc: the Boost.Beast/Asio pieces. One Worker per event
// loop; a Worker's sessions are touched only on its own loop's thread.
#ifndef FERRY_SERVE_SERVER_INTERNAL_H_
#define FERRY_SERVE_SERVER_INTERNAL_H_

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "serve/access_log.h"
#include "serve/server.h"

namespace ferry::serve::internal {

namespace net = boost::asio;
using tcp = net::ip::tcp;
// Sockets and acceptors bound to their loop's executor type, not the type-erased
// any_io_executor: every completion handler is dispatched without the erasure's copies.
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using Acceptor = net::basic_socket_acceptor<tcp, Executor>;

using Clock = std::chrono::steady_clock;

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection when no request is being read or answered (drain).
  virtual void CloseIfIdle() = 0;
  // Closes the connection: its deadline has passed.
  virtual void Expire() = 0;
  // When the operation in progress (idle wait, read, write) times out.
  Clock::time_point deadline = Clock::time_point::max();
};

// An event loop and its sessions. Timeouts are deadlines: a timer on the loop sweeps the
// sessions every sweep_period and expires those past theirs, so a request costs no timer
// operation (a timer per read and write meant a timerfd_settime system call for about every
// other request under load).
struct Worker {
  net::io_context ioc{1};
  std::unique_ptr<Acceptor> acceptor;
  std::vector<std::weak_ptr<SessionBase>> sessions;
  std::unique_ptr<net::steady_timer> sweep;
};

// How often a worker checks deadlines: an eighth of the shortest timeout, within 5..250 ms,
// so a timeout fires at most that late.
std::chrono::milliseconds SweepPeriod(const ServerOptions& options);

struct Shared;

// Expires the sessions past their deadline, drops the ended ones, and re-arms the sweep
// (unless the server drains and the worker has no session left).
void SweepSessions(Worker& worker, Shared& shared);

// What every session reads; owned by the server.
struct Shared {
  ServerOptions options;
  ServerState* state = nullptr;
  std::unique_ptr<net::ssl::context> tls;  // null: plain HTTP
  std::unique_ptr<AccessLog> access_log;   // null: no access log
  std::string server_header;               // "ferry/<version>", the Server header
  std::atomic<bool> draining{false};
  std::atomic<int64_t> open_sessions{0};
};

// Takes over an accepted connection (refusing it when max_connections are open).
void StartSession(Socket socket, Worker& worker, Shared& shared);

}  // namespace ferry::serve::internal

#endif  // FERRY_SERVE_SERVER_INTERNAL_H_
