/// \file
/// policyd_bench: load for an SPF policy server speaking Postfix's policy protocol, as
/// smtpd(8) would send it. Either connects to a listening server (--connect
/// unix:PATH or inet:HOST:PORT) or starts one process per connection with the protocol
/// on its stdin/stdout, as spawn(8) does (--command "CMD ..."). Each connection is a
/// thread that sends one request at a time and waits for the reply; every request is a
/// new message (a fresh instance), so each one costs a full HELO + MAIL FROM
/// evaluation. Senders cycle through --domains domains (dN.bench.test, HELO
/// mail.dN.bench.test, client 192.0.2.10: the zones bench/policyd_run serves make all
/// of them pass). A warm-up round (every domain once per connection) comes first, so
/// resolver caches are warm. Prints one line of key=value words:
///   case= connections= requests= seconds= req_per_s= p50_ms= p99_ms= prepend= other=
/// and exits 1 if any reply was not a PREPEND (a wrong answer makes the timing
/// meaningless) or a connection failed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Options {
  std::string name = "policyd";
  std::string connect;
  std::string command;
  int connections = 1;
  int domains = 20;
  double seconds = 2;
};

using Clock = std::chrono::steady_clock;

/// One policy connection: a socket, or a child's stdin/stdout pipes.
struct Conn {
  int in = -1, out = -1;
  pid_t child = -1;
};

bool open_conn(const Options& o, Conn& c) {
  if (!o.command.empty()) {
    int to[2], from[2];
    // Close-on-exec, or each child would hold the other connections' pipes open and
    // never see its own end of input.
    if (::pipe2(to, O_CLOEXEC) != 0 || ::pipe2(from, O_CLOEXEC) != 0) return false;
    pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
      ::dup2(to[0], 0);
      ::dup2(from[1], 1);
      ::close(to[0]), ::close(to[1]), ::close(from[0]), ::close(from[1]);
      ::execl("/bin/sh", "sh", "-c", o.command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    ::close(to[0]);
    ::close(from[1]);
    c.out = to[1];
    c.in = from[0];
    c.child = pid;
    return true;
  }
  int fd = -1;
  if (o.connect.rfind("unix:", 0) == 0) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::string path = o.connect.substr(5);
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
  } else if (o.connect.rfind("inet:", 0) == 0) {
    std::string hp = o.connect.substr(5);
    auto colon = hp.rfind(':');
    addrinfo hints{}, *res = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (::getaddrinfo(hp.substr(0, colon).c_str(), hp.substr(colon + 1).c_str(), &hints, &res))
      return false;
    fd = ::socket(res->ai_family, SOCK_STREAM, 0);
    bool ok = fd >= 0 && ::connect(fd, res->ai_addr, res->ai_addrlen) == 0;
    ::freeaddrinfo(res);
    if (!ok) return false;
  } else {
    return false;
  }
  c.in = c.out = fd;
  return true;
}

void close_conn(Conn& c) {
  if (c.out >= 0) ::close(c.out);
  if (c.in >= 0 && c.in != c.out) ::close(c.in);
  if (c.child > 0) ::waitpid(c.child, nullptr, 0);
}

std::string request(int conn, long n, int domains) {
  int d = static_cast<int>(n % domains);
  std::string dom = "d" + std::to_string(d) + ".bench.test";
  return "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
         "client_address=192.0.2.10\nclient_name=mail." +
         dom + "\nreverse_client_name=mail." + dom + "\nhelo_name=mail." + dom +
         "\nsender=user" + std::to_string(n) + "@" + dom +
         "\nrecipient=rcpt@example.com\nrecipient_count=0\nqueue_id=\ninstance=b" +
         std::to_string(::getpid()) + "." + std::to_string(conn) + "." + std::to_string(n) +
         "\nsize=0\netrn_domain=\nstress=\nsasl_method=\nsasl_username=\nsasl_sender=\n"
         "ccert_subject=\nccert_issuer=\nccert_fingerprint=\nencryption_protocol=\n"
         "encryption_cipher=\nencryption_keysize=0\nserver_address=127.0.0.1\n"
         "server_port=25\npolicy_context=\ncompatibility_level=3.6\nmail_version=3.7.11\n\n";
}

/// Sends one request and reads its reply; returns the reply, or "" on failure.
std::string exchange(Conn& c, const std::string& req, std::string& buf) {
  for (size_t off = 0; off < req.size();) {
    ssize_t n = ::write(c.out, req.data() + off, req.size() - off);
    if (n <= 0) return "";
    off += static_cast<size_t>(n);
  }
  for (;;) {
    auto end = buf.find("\n\n");
    if (end != std::string::npos) {
      std::string reply = buf.substr(0, end);
      buf.erase(0, end + 2);
      return reply;
    }
    char tmp[4096];
    ssize_t n = ::read(c.in, tmp, sizeof tmp);
    if (n <= 0) return "";
    buf.append(tmp, static_cast<size_t>(n));
  }
}

bool is_prepend(const std::string& reply) {
  std::string head = reply.substr(0, 15);
  for (char& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return head.rfind("action=prepend ", 0) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--name")
      o.name = val();
    else if (a == "--connect")
      o.connect = val();
    else if (a == "--command")
      o.command = val();
    else if (a == "--connections")
      o.connections = std::max(1, std::atoi(val().c_str()));
    else if (a == "--domains")
      o.domains = std::max(1, std::atoi(val().c_str()));
    else if (a == "--seconds")
      o.seconds = std::atof(val().c_str());
    else if (a == "--help" || a == "-h") {
      std::cout << "usage: policyd_bench [--name CASE] (--connect unix:PATH|inet:HOST:PORT | "
                   "--command CMD) [--connections N] [--domains N] [--seconds S]\n";
      return 0;
    } else if (a == "--version") {
      std::cout << "policyd_bench (postseal)\n";
      return 0;
    } else {
      std::cerr << "policyd_bench: unknown argument " << a << "\n";
      return 2;
    }
  }
  if (o.connect.empty() == o.command.empty()) {
    std::cerr << "policyd_bench: give exactly one of --connect and --command\n";
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);

  std::atomic<bool> failed{false};
  std::atomic<long> prepend{0}, other{0};
  std::mutex mu;
  std::vector<double> latencies;  // milliseconds, measured phase only
  std::atomic<int> warmed{0};
  std::atomic<bool> go{false};
  Clock::time_point start, stop;
  Clock::time_point last_end;  // when the last connection stopped measuring (under mu)

  std::vector<std::thread> threads;
  for (int t = 0; t < o.connections; ++t) {
    threads.emplace_back([&, t] {
      Conn c;
      if (!open_conn(o, c)) {
        failed = true;
        ++warmed;
        return;
      }
      std::string buf;
      long n = 0;
      // Warm-up: every domain once, so resolver caches (and process start-up) are out
      // of the measurement.
      for (int d = 0; d < o.domains; ++d) {
        std::string r = exchange(c, request(t, n++, o.domains), buf);
        if (r.empty()) failed = true;
      }
      ++warmed;
      while (!go) std::this_thread::yield();
      std::vector<double> mine;
      while (!failed && Clock::now() < stop) {
        auto t0 = Clock::now();
        std::string r = exchange(c, request(t, n++, o.domains), buf);
        auto t1 = Clock::now();
        if (r.empty()) {
          failed = true;
          break;
        }
        (is_prepend(r) ? prepend : other)++;
        if (!is_prepend(r) && other < 3)
          std::cerr << "policyd_bench: unexpected reply: " << r << "\n";
        mine.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
      auto end = Clock::now();
      close_conn(c);
      std::lock_guard<std::mutex> lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      last_end = std::max(last_end, end);
    });
  }
  while (warmed < o.connections) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  start = Clock::now();
  stop = start + std::chrono::microseconds(static_cast<long>(o.seconds * 1e6));
  go = true;
  for (auto& th : threads) th.join();
  double elapsed = std::chrono::duration<double>(last_end - start).count();

  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    if (latencies.empty()) return 0.0;
    size_t i = static_cast<size_t>(p * static_cast<double>(latencies.size() - 1) + 0.5);
    return latencies[i];
  };
  std::printf(
      "case=%s connections=%d requests=%zu seconds=%.2f req_per_s=%.1f p50_ms=%.3f "
      "p99_ms=%.3f prepend=%ld other=%ld\n",
      o.name.c_str(), o.connections, latencies.size(), elapsed,
      static_cast<double>(latencies.size()) / elapsed, pct(0.50), pct(0.99), prepend.load(),
      other.load());
  if (failed) std::cerr << "policyd_bench: a connection failed\n";
  return failed || other > 0 || latencies.empty() ? 1 : 0;
}
