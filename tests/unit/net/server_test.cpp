/// \file
/// net::ConnectionServer on a unix socket in a temp directory: connections are served
/// each on a thread, a thread whose connection ended serves the next one (no new thread
/// per connection), max_connections holds further clients in the backlog until one
/// ends, and stop() ends idle threads and busy handlers alike.
#include "net/server.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>
#include <unistd.h>

#include "config/temp_dir.h"
#include "log/logger.h"
#include "net/listen.h"

using namespace postseal;

namespace {

/// Runs a ConnectionServer on its own thread; the handler answers one byte with the
/// handler thread's id and waits until the client closes (or the server stops).
class Running {
 public:
  explicit Running(unsigned max_connections) : server_(max_connections, logger_) {
    address_.kind = net::ListenAddress::Kind::kUnix;
    address_.path = dir_.path() + "/s.sock";
    server_.listen(address_, net::SocketAccess{});
    thread_ = std::thread([this] {
      server_.run([this](const net::Connection& c) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          threads_.insert(std::this_thread::get_id());
          ++active_;
        }
        char b = 'x';
        ssize_t n = ::write(c.fd, &b, 1);
        (void)n;
        pollfd fds[2] = {{c.fd, POLLIN, 0}, {server_.stop_fd(), POLLIN, 0}};
        (void)::poll(fds, 2, 10000);
        std::lock_guard<std::mutex> lock(mu_);
        --active_;
      });
    });
  }
  ~Running() {
    server_.stop();
    thread_.join();
  }

  /// Connects; true when the server answered within `ms`.
  bool connect(UniqueFd& fd, int ms) {
    fd = net::connect_to(address_, 2000);
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, ms) != 1) return false;
    char b;
    return ::read(fd.get(), &b, 1) == 1;
  }
  size_t distinct_threads() {
    std::lock_guard<std::mutex> lock(mu_);
    return threads_.size();
  }
  int active() {
    std::lock_guard<std::mutex> lock(mu_);
    return active_;
  }
  /// Waits until no handler runs (the client's close was seen).
  bool wait_idle() {
    for (int i = 0; i < 200 && active() != 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return active() == 0;
  }
  net::ConnectionServer& server() { return server_; }

 private:
  testing::TempDir dir_;
  log::Logger logger_{"postseal-test", "/dev/null", false};
  net::ConnectionServer server_;
  net::ListenAddress address_;
  std::thread thread_;
  std::mutex mu_;
  std::set<std::thread::id> threads_;
  int active_ = 0;
};

}  // namespace

class ConnectionServerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConnectionServerTest);
  CPPUNIT_TEST(testSequentialConnectionsReuseOneThread);
  CPPUNIT_TEST(testConcurrentConnectionsGetTheirOwnThreads);
  CPPUNIT_TEST(testMaxConnectionsHoldsTheNextClientUntilOneEnds);
  CPPUNIT_TEST(testStopEndsBusyAndIdleThreads);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testSequentialConnectionsReuseOneThread() {
    Running r(4);
    for (int i = 0; i < 20; ++i) {
      UniqueFd c;
      CPPUNIT_ASSERT(r.connect(c, 2000));
      c.reset();
      CPPUNIT_ASSERT(r.wait_idle());
    }
    CPPUNIT_ASSERT_EQUAL(size_t{1}, r.distinct_threads());
    CPPUNIT_ASSERT_EQUAL(20UL, r.server().connections());
  }

  void testConcurrentConnectionsGetTheirOwnThreads() {
    Running r(4);
    UniqueFd a, b, c;
    CPPUNIT_ASSERT(r.connect(a, 2000));
    CPPUNIT_ASSERT(r.connect(b, 2000));
    CPPUNIT_ASSERT(r.connect(c, 2000));
    CPPUNIT_ASSERT_EQUAL(size_t{3}, r.distinct_threads());
    CPPUNIT_ASSERT_EQUAL(3, r.active());
  }

  void testMaxConnectionsHoldsTheNextClientUntilOneEnds() {
    Running r(2);
    UniqueFd a, b, c;
    CPPUNIT_ASSERT(r.connect(a, 2000));
    CPPUNIT_ASSERT(r.connect(b, 2000));
    // The third waits in the backlog, unanswered...
    CPPUNIT_ASSERT(!r.connect(c, 300));
    // ...until a connection ends; then it is served, by the thread that is free now.
    a.reset();
    pollfd p{c.get(), POLLIN, 0};
    CPPUNIT_ASSERT_EQUAL(1, ::poll(&p, 1, 3000));
    CPPUNIT_ASSERT_EQUAL(size_t{2}, r.distinct_threads());
  }

  void testStopEndsBusyAndIdleThreads() {
    UniqueFd busy;
    auto start = std::chrono::steady_clock::now();
    {
      Running r(4);
      UniqueFd idle;
      CPPUNIT_ASSERT(r.connect(idle, 2000));
      idle.reset();
      CPPUNIT_ASSERT(r.wait_idle());  // one thread now waits for work
      CPPUNIT_ASSERT(r.connect(busy, 2000));
    }  // ~Running: stop(), run() returns once every thread has ended
    auto took = std::chrono::steady_clock::now() - start;
    CPPUNIT_ASSERT(took < std::chrono::seconds(5));
    // The busy connection was closed by the server.
    char b;
    CPPUNIT_ASSERT_EQUAL(ssize_t{0}, ::read(busy.get(), &b, 1));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConnectionServerTest);
