// Metrics rendering and the blocking one-connection-at-a-time metrics listener (poll() with a
// 200 ms tick so the destructor can stop it).
#include "stream/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/value.h"

namespace ferry::stream {
namespace {

std::string Series(const std::string& name, const std::string& labels) {
  return labels.empty() ? name : absl::StrCat(name, "{", labels, "}");
}

std::string Number(double v) {
  if (v == static_cast<double>(static_cast<int64_t>(v)) && v < 1e15 && v > -1e15) {
    return std::to_string(static_cast<int64_t>(v));
  }
  return FormatDouble(v);
}

}  // namespace

std::string MetricLabel(const std::string& key, const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c == '\n' ? 'n' : c;
  }
  return absl::StrCat(key, "=\"", escaped, "\"");
}

void Metrics::Describe(const std::string& name, Type type, const std::string& help,
                       std::vector<double> buckets) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = families_[name];
  f.type = type;
  f.help = help;
  f.buckets = std::move(buckets);
}

void Metrics::Add(const std::string& name, const std::string& labels, double delta) {
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].values[labels] += delta;
}

void Metrics::Set(const std::string& name, const std::string& labels, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].values[labels] = value;
}

void Metrics::SetAll(const std::string& name,
                     const std::vector<std::pair<std::string, double>>& series) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, double>& values = families_[name].values;
  values.clear();
  for (const auto& [labels, value] : series) values[labels] = value;
}

void Metrics::Observe(const std::string& name, const std::string& labels, double value) {
  ObserveAll(name, labels, {value});
}

void Metrics::ObserveAll(const std::string& name, const std::string& labels,
                         const std::vector<double>& values) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = families_[name];
  Histogram& h = f.histograms[labels];
  if (h.counts.size() != f.buckets.size()) h.counts.assign(f.buckets.size(), 0);
  for (double value : values) {
    // The first bucket whose upper bound holds the value (none: only +Inf counts it).
    auto b = std::lower_bound(f.buckets.begin(), f.buckets.end(), value);
    if (b != f.buckets.end()) ++h.counts[b - f.buckets.begin()];
    ++h.count;
    h.sum += value;
  }
}

double Metrics::Get(const std::string& name, const std::string& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto v = f->second.values.find(labels);
  return v == f->second.values.end() ? 0 : v->second;
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    const char* type = f.type == Type::kCounter ? "counter"
                       : f.type == Type::kGauge ? "gauge"
                                                : "histogram";
    absl::StrAppend(&out, "# HELP ", name, " ", f.help, "\n# TYPE ", name, " ", type, "\n");
    for (const auto& [labels, value] : f.values) {
      absl::StrAppend(&out, Series(name, labels), " ", Number(value), "\n");
    }
    for (const auto& [labels, h] : f.histograms) {
      const std::string sep = labels.empty() ? "" : ",";
      uint64_t cumulative = 0;
      for (size_t b = 0; b < f.buckets.size(); ++b) {
        cumulative += b < h.counts.size() ? h.counts[b] : 0;
        absl::StrAppend(&out, name, "_bucket{", labels, sep, "le=\"", FormatDouble(f.buckets[b]),
                        "\"} ", cumulative, "\n");
      }
      absl::StrAppend(&out, name, "_bucket{", labels, sep, "le=\"+Inf\"} ", h.count, "\n");
      absl::StrAppend(&out, Series(name + "_sum", labels), " ", Number(h.sum), "\n");
      absl::StrAppend(&out, Series(name + "_count", labels), " ", h.count, "\n");
    }
  }
  return out;
}

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& host,
                                                                    int port,
                                                                    const Metrics* metrics) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat("metrics.host '", host, "' is not an IPv4 address"));
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 16) != 0) {
    std::string why = strerror(errno);
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot listen for metrics on ", host, ":", port,
                                               ": ", why, " (is the port taken?)"));
  }
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return std::unique_ptr<MetricsServer>(new MetricsServer(fd, ntohs(addr.sin_port), metrics));
}

MetricsServer::MetricsServer(int fd, int port, const Metrics* metrics)
    : fd_(fd), port_(port), metrics_(metrics), thread_([this] { Serve(); }) {}

MetricsServer::~MetricsServer() {
  stop_ = true;
  thread_.join();
  close(fd_);
}

void MetricsServer::Serve() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    timeval timeout{2, 0};
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    char request[4096];
    ssize_t n = recv(client, request, sizeof(request), 0);  // the request line is enough
    std::string body = metrics_->Render();
    bool ok = n > 4 && std::strncmp(request, "GET ", 4) == 0;
    std::string response =
        ok ? absl::StrCat(
                 "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
                 "Content-Length: ",
                 body.size(), "\r\nConnection: close\r\n\r\n", body)
           : "HTTP/1.0 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    size_t sent = 0;
    while (sent < response.size()) {
      ssize_t m = send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (m <= 0) break;
      sent += static_cast<size_t>(m);
    }
    close(client);
  }
}

}  // namespace ferry::stream
