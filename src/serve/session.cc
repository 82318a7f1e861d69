// One client connection: read a request head (idle timeout), answer 100-continue, read the
// body (read timeout, size limit), Handle it inline, write the response, repeat while
// keep-alive. Plain TCP and TLS share the code through the Stream parameter. Timeouts are
// deadlines the worker's sweep checks (server_internal.h), not a timer per operation.
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "serve/handler.h"
#include "serve/http_errors.h"
#include "serve/server_internal.h"
#include "serve/sv.h"

namespace ferry::serve::internal {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using PlainStream = Socket;
using TlsStream = beast::ssl_stream<Socket>;

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Socket&& socket, Shared& shared)
      : shared_(shared), stream_(MakeStream(std::move(socket))) {
    beast::error_code ec;
    auto endpoint = beast::get_lowest_layer(stream_).remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
    shared_.open_sessions.fetch_add(1);
    shared_.state->metrics->ConnectionOpened();
  }
  ~Session() override {
    shared_.open_sessions.fetch_sub(1);
    shared_.state->metrics->ConnectionClosed();
  }

  void Start() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      ExpireAfter(shared_.options.read_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->ReadHead();
                              });
    } else {
      ReadHead();
    }
  }

  void CloseIfIdle() override {
    if (idle_ && (!parser_ || !parser_->got_some())) {
      beast::error_code ec;
      beast::get_lowest_layer(stream_).close(ec);
    }
  }

  // The operation in progress fails (operation_aborted), which ends the session.
  void Expire() override {
    deadline = Clock::time_point::max();
    beast::error_code ec;
    beast::get_lowest_layer(stream_).close(ec);
  }

 private:
  void ExpireAfter(std::chrono::milliseconds timeout) { deadline = Clock::now() + timeout; }

  Stream MakeStream(Socket&& socket) {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      return Stream(std::move(socket), *shared_.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  void ReadHead() {
    if (shared_.draining.load()) return Close();
    parser_.emplace();
    parser_->body_limit(shared_.options.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(shared_.options.max_header_bytes));
    idle_ = true;
    ExpireAfter(shared_.options.idle_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHead(ec); });
  }

  void OnHead(beast::error_code ec) {
    idle_ = false;
    if (ec) return OnReadError(ec);
    started_ = Clock::now();
    shared_.state->metrics->RequestStarted();
    auto& head = parser_->get();
    if (beast::iequals(head[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, head.version());
      http::async_write(stream_, *continue_,
                        [self = this->shared_from_this()](beast::error_code ec, size_t) {
                          if (ec) return self->Abandon();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    // A small body usually arrives with its head: parse what the buffer holds first, and
    // answer without another read operation when that completes the request.
    while (!parser_->is_done() && buffer_.size() > 0) {
      beast::error_code ec;
      const size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more || (!ec && used == 0)) break;
      if (ec) return OnBodyError(ec);
    }
    if (parser_->is_done()) return Answer();
    ExpireAfter(shared_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->OnBodyError(ec);
                       self->Answer();
                     });
  }

  // A read failed before a request head was complete.
  void OnReadError(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      started_ = Clock::now();
      shared_.state->metrics->RequestStarted();
      return Reply(
          ErrorResponse(HeadersTooLarge(Cat("the request head is larger than the limit of ",
                                            shared_.options.max_header_bytes, " bytes"))),
          "", "", 0, /*close=*/true);
    }
    if (ec == http::error::body_limit) {  // Content-Length already says too much
      started_ = Clock::now();
      shared_.state->metrics->RequestStarted();
      return Reply(TooLarge(), "", "", 0, true);
    }
    bool quiet = ec == http::error::end_of_stream || ec == beast::error::timeout ||
                 ec == net::error::operation_aborted || ec == net::error::connection_reset ||
                 ec == net::error::eof || ec == net::ssl::error::stream_truncated;
    if (quiet || !parser_ || !parser_->got_some()) return Close();
    started_ = Clock::now();
    shared_.state->metrics->RequestStarted();
    Reply(ErrorResponse(absl::InvalidArgumentError(Cat("malformed HTTP request: ", ec.message()))),
          "", "", 0, true);
  }

  // A read failed after the head: the request is counted as started.
  void OnBodyError(beast::error_code ec) {
    if (ec == http::error::body_limit) return Reply(TooLarge(), "", "", 0, true);
    if (ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset) {
      return Abandon();
    }
    Reply(ErrorResponse(
              absl::InvalidArgumentError(Cat("malformed HTTP request body: ", ec.message()))),
          "", "", 0, true);
  }

  Response TooLarge() {
    Response r = ErrorResponse(PayloadTooLarge(
        Cat("the request body is larger than the limit of ", shared_.options.max_body_bytes,
            " bytes (raise --max-body-bytes, or send fewer records per request)")));
    r.route = "rejected";
    return r;
  }

  // The client went away mid-request: count it and close.
  void Abandon() {
    shared_.state->metrics->RequestFinished(
        "abandoned", "", "", 499, std::chrono::duration<double>(Clock::now() - started_).count());
    Close();
  }

  void Answer() {
    http::request<http::string_body> message = parser_->release();
    Request request;
    request.method = std::string(message.method_string());
    std::string_view target(message.target().data(), message.target().size());
    size_t q = target.find('?');
    request.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
    for (const auto& field : message) {
      request.headers[absl::AsciiStrToLower(absl::string_view(
          field.name_string().data(), field.name_string().size()))] = std::string(field.value());
    }
    request.body = std::move(message.body());
    Response response;
    try {
      response = Handle(request, *shared_.state);
    } catch (const std::exception& e) {
      response = ErrorResponse(absl::InternalError(Cat("internal error: ", e.what())));
    }
    bool close = !message.keep_alive();
    Reply(std::move(response), request.method, request.path, request.body.size(), close);
  }

  void Reply(Response response, std::string method, std::string path, size_t bytes_in, bool close) {
    close = close || shared_.draining.load();
    // The head and the body go out in one gathered write (not through Beast's serializer,
    // whose generic buffer sequences cost more than the rest of the answer).
    head_.clear();
    const beast::string_view reason =
        http::obsolete_reason(static_cast<http::status>(response.status));
    AppendResponseHead(response, std::string_view(reason.data(), reason.size()),
                       shared_.server_header, response.body.size(), close, &head_);
    body_ = std::move(response.body);
    response.body.clear();
    ExpireAfter(shared_.options.read_timeout);
    const std::array<net::const_buffer, 2> buffers = {net::buffer(head_), net::buffer(body_)};
    net::async_write(stream_, buffers,
                      [self = this->shared_from_this(), response = std::move(response),
                       method = std::move(method), path = std::move(path), bytes_in,
                       close](beast::error_code ec, size_t) mutable {
                        self->OnWritten(ec, std::move(response), method, path, bytes_in, close);
                      });
  }

  void OnWritten(beast::error_code ec, Response response, const std::string& method,
                 const std::string& path, size_t bytes_in, bool close) {
    double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    shared_.state->metrics->RequestFinished(response.route, response.model, response.version,
                                            response.status, seconds);
    if (shared_.access_log) {
      shared_.access_log->Write(remote_, method, path, response,
                                static_cast<int64_t>(seconds * 1e6), bytes_in,
                                body_.size());
    }
    if (ec || close) return Close();
    ReadHead();
  }

  void Close() {
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      ExpireAfter(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream_).close(ignored);
      });
    } else {
      stream_.shutdown(tcp::socket::shutdown_send, ec);
      stream_.close(ec);
    }
  }

  Shared& shared_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::string head_;  // of the response being written
  std::string body_;
  std::string remote_;
  Clock::time_point started_;
  bool idle_ = false;
};

template <class Stream>
void Launch(Socket socket, Worker& worker, Shared& shared) {
  auto session = std::make_shared<Session<Stream>>(std::move(socket), shared);
  worker.sessions.push_back(session);  // the sweep drops it once the session has ended
  session->Start();
}

}  // namespace

std::chrono::milliseconds SweepPeriod(const ServerOptions& options) {
  auto shortest = std::min(options.idle_timeout, options.read_timeout);
  return std::clamp<std::chrono::milliseconds>(shortest / 8, std::chrono::milliseconds(5),
                                               std::chrono::milliseconds(250));
}

void SweepSessions(Worker& worker, Shared& shared) {
  const Clock::time_point now = Clock::now();
  std::erase_if(worker.sessions, [now](const std::weak_ptr<SessionBase>& weak) {
    std::shared_ptr<SessionBase> session = weak.lock();
    if (!session) return true;
    if (session->deadline <= now) session->Expire();
    return false;
  });
  // A draining loop ends when its last session has: the sweep stops keeping it up then.
  if (shared.draining.load() && worker.sessions.empty()) return;
  worker.sweep->expires_after(SweepPeriod(shared.options));
  worker.sweep->async_wait([&worker, &shared](boost::system::error_code ec) {
    if (!ec) SweepSessions(worker, shared);
  });
}

void StartSession(Socket socket, Worker& worker, Shared& shared) {
  if (static_cast<size_t>(shared.open_sessions.load()) >= shared.options.max_connections) {
    shared.state->metrics->ConnectionRejected();
    beast::error_code ec;
    socket.close(ec);
    return;
  }
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  if (shared.tls) {
    Launch<TlsStream>(std::move(socket), worker, shared);
  } else {
    Launch<PlainStream>(std::move(socket), worker, shared);
  }
}

}  // namespace ferry::serve::internal
