// The listener side of Server: one acceptor per event loop on the same port (SO_REUSEPORT, so
// the kernel spreads connections), signals, and the drain on shutdown.
#include "serve/server.h"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "serve/server_internal.h"
#include "serve/sv.h"

namespace ferry::serve {

using internal::net::ip::tcp;
namespace net = internal::net;

struct Server::Impl {
  internal::Shared shared;
  std::vector<std::unique_ptr<internal::Worker>> workers;
  std::unique_ptr<net::signal_set> signals;
  uint16_t port = 0;

  std::mutex mu;
  std::condition_variable cv;
  bool drain_started = false;
  bool finished = false;

  void Accept(internal::Worker& worker) {
    worker.acceptor->async_accept([this, &worker](boost::system::error_code ec,
                                                  internal::Socket socket) {
      if (ec == net::error::operation_aborted || !worker.acceptor->is_open()) return;
      if (ec) {  // e.g. out of file descriptors: pause, then accept again
        auto timer = std::make_shared<net::steady_timer>(worker.ioc, std::chrono::milliseconds(50));
        timer->async_wait([this, &worker, timer](boost::system::error_code) { Accept(worker); });
        return;
      }
      internal::StartSession(std::move(socket), worker, shared);
      Accept(worker);
    });
  }

  // Runs on the first worker's loop.
  void BeginDrain() {
    if (shared.draining.exchange(true)) return;
    shared.state->draining = true;  // /v2/health/ready answers 503 from now on
    // From now on a repeated SIGTERM (a supervisor insisting) is ignored rather than killing
    // the drain or the exit after it, and a second SIGINT (Ctrl-C again) stops at once. The
    // set is cleared first: destroying a set that still holds the signals would restore their
    // default actions, however late.
    boost::system::error_code ec;
    signals->cancel(ec);  // a pending wait (Shutdown() before any signal) would keep the loop up
    signals->clear(ec);
    std::signal(SIGTERM, SIG_IGN);
    for (auto& worker : workers) {
      net::post(worker->ioc, [w = worker.get()] {
        boost::system::error_code ignored;
        w->acceptor->close(ignored);
        for (auto& weak : w->sessions) {
          if (auto session = weak.lock()) session->CloseIfIdle();
        }
      });
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      drain_started = true;
    }
    cv.notify_all();
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

uint16_t Server::port() const { return impl_->port; }

absl::StatusOr<std::unique_ptr<Server>> Server::Create(const ServerOptions& options,
                                                       ServerState* state) {
  auto impl = std::make_unique<Impl>();
  impl->shared.options = options;
  impl->shared.state = state;
  impl->shared.server_header = "ferry/" + state->options.server_version;
  if (!options.access_log.empty()) {
    auto log = AccessLog::Open(options.access_log);
    if (!log.ok()) return log.status();
    impl->shared.access_log = std::move(*log);
  }
  if (!options.tls_cert.empty() || !options.tls_key.empty()) {
    if (options.tls_cert.empty() || options.tls_key.empty()) {
      return absl::InvalidArgumentError("TLS needs both --tls-cert and --tls-key");
    }
    auto tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                     net::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    tls->use_certificate_chain_file(options.tls_cert, ec);
    if (ec) {
      return absl::InvalidArgumentError(Cat("--tls-cert ", options.tls_cert, ": ", ec.message()));
    }
    tls->use_private_key_file(options.tls_key, net::ssl::context::pem, ec);
    if (ec) {
      return absl::InvalidArgumentError(Cat("--tls-key ", options.tls_key, ": ", ec.message(),
                                            " (expected a PEM key matching the certificate)"));
    }
    impl->shared.tls = std::move(tls);
  }

  boost::system::error_code ec;
  net::ip::address address = net::ip::make_address(options.host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        Cat("--host ", options.host, ": not an IP address (e.g. 127.0.0.1 or 0.0.0.0)"));
  }
  int threads = options.threads > 0
                    ? options.threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  uint16_t port = options.port;
  for (int i = 0; i < threads; ++i) {
    auto worker = std::make_unique<internal::Worker>();
    worker->acceptor = std::make_unique<internal::Acceptor>(worker->ioc.get_executor());
    tcp::endpoint endpoint(address, port);
    auto& acceptor = *worker->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) {
      acceptor.set_option(net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
    }
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError(Cat("cannot listen on ", options.host, ":", port, ": ",
                                        ec.message(),
                                        " (is another server using the port? try --port)"));
    }
    port = acceptor.local_endpoint().port();
    impl->workers.push_back(std::move(worker));
  }
  impl->port = port;
  impl->signals = std::make_unique<net::signal_set>(impl->workers[0]->ioc, SIGINT, SIGTERM);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

absl::Status Server::Run() {
  Impl& impl = *impl_;
  impl.signals->async_wait([&impl](boost::system::error_code ec, int) {
    if (!ec) impl.BeginDrain();
  });
  for (auto& worker : impl.workers) {
    impl.Accept(*worker);
    worker->sweep = std::make_unique<net::steady_timer>(worker->ioc);
    internal::SweepSessions(*worker, impl.shared);
  }

  // Cuts the drain short after drain_timeout.
  std::thread watchdog([&impl] {
    std::unique_lock<std::mutex> lock(impl.mu);
    impl.cv.wait(lock, [&impl] { return impl.drain_started || impl.finished; });
    if (impl.finished) return;
    if (!impl.cv.wait_for(lock, impl.shared.options.drain_timeout,
                          [&impl] { return impl.finished; })) {
      std::cerr << "ferry serve: requests still running after the drain timeout; closing them\n";
      for (auto& worker : impl.workers) worker->ioc.stop();
    }
  });
  std::vector<std::thread> threads;
  for (auto& worker : impl.workers) {
    threads.emplace_back([w = worker.get()] {
      try {
        w->ioc.run();
      } catch (const std::exception& e) {
        std::cerr << "ferry serve: event loop stopped: " << e.what() << "\n";
      }
    });
  }
  for (auto& t : threads) t.join();
  {
    std::lock_guard<std::mutex> lock(impl.mu);
    impl.finished = true;
  }
  impl.cv.notify_all();
  watchdog.join();
  return absl::OkStatus();
}

void Server::Shutdown() {
  net::post(impl_->workers[0]->ioc, [impl = impl_.get()] { impl->BeginDrain(); });
}

}  // namespace ferry::serve
