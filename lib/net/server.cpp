/// \file
/// The shared listener loop and privilege drop (see server.h).
#include "net/server.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/fd_io.h"
#include "util/clock.h"
#include "util/errors.h"

namespace postseal::net {
namespace {

/// A pipe whose ends are close-on-exec and non-blocking. Throws TempFailure.
void make_pipe(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
    throw TempFailure("pipe: " + io::errno_text(errno));
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

ConnectionServer::ConnectionServer(unsigned max_connections, log::Logger& logger)
    : max_connections_(max_connections == 0 ? 1 : max_connections), logger_(logger) {
  make_pipe(stop_read_, stop_write_);
  make_pipe(wake_read_, wake_write_);
}

ConnectionServer::~ConnectionServer() { close_listeners(); }

void ConnectionServer::listen(const ListenAddress& a, const SocketAccess& access) {
  Listening l{open_listener(a, access), a, UniqueFd()};
  if (a.kind == ListenAddress::Kind::kUnix) {
    auto slash = a.path.rfind('/');
    std::string dir = slash == 0 ? "/" : a.path.substr(0, slash);
    l.dir.reset(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  }
  listeners_.push_back(std::move(l));
}

void ConnectionServer::stop() {
  stopping_ = true;
  char c = 's';
  ssize_t n = ::write(stop_write_.get(), &c, 1);
  (void)n;  // a full pipe is already readable, which is all that matters
}

void ConnectionServer::close_listeners() {
  for (auto& l : listeners_) {
    if (!l.fd) continue;
    l.fd.reset();
    if (l.address.kind != ListenAddress::Kind::kUnix) continue;
    // Through the directory opened while we were root: the daemon may have dropped
    // to a user who owns the socket's directory but may not search its parents
    // (Postfix's private/ is postfix's, mode 0700).
    if (l.dir) {
      auto slash = l.address.path.rfind('/');
      ::unlinkat(l.dir.get(), l.address.path.c_str() + slash + 1, 0);
      l.dir.reset();
    } else {
      ::unlink(l.address.path.c_str());
    }
  }
}

/// The connection threads. A thread that has served its connection waits, idle, for
/// the next one instead of ending: Postfix's smtpd opens a proxy connection per
/// transaction, and a new thread each time (its stack mapped and faulted in again) cost
/// more system time than the transaction's own socket calls. Idle threads end after
/// kIdleSeconds, and no more than kMaxIdle wait at once.
struct ConnectionServer::Workers {
  static constexpr int kIdleSeconds = 60;
  static constexpr unsigned kMaxIdle = 32;

  struct Job {
    UniqueFd fd;
    std::string peer;
    size_t listener = 0;
  };
  struct Worker {
    std::thread thread;
    std::atomic<bool> done{false};
  };

  ConnectionServer& server;
  const Handler& handler;
  std::mutex mu;
  std::condition_variable wake;
  std::deque<Job> jobs;       // handed over, not yet picked up by an idle thread
  unsigned busy = 0;          // connections being served or handed over (guarded by mu)
  unsigned idle = 0;          // threads waiting for a job (guarded by mu)
  bool quit = false;          // (guarded by mu)
  std::list<Worker> threads;  // accept loop only

  Workers(ConnectionServer& s, const Handler& h) : server(s), handler(h) {}

  unsigned in_progress() {
    std::lock_guard<std::mutex> lock(mu);
    return busy;
  }

  /// Serves `job`, then waits for more; runs on a connection thread.
  void work(Worker& self, Job job) {
    for (;;) {
      try {
        handler(Connection{job.fd.get(), job.peer, job.listener});
      } catch (const std::exception& e) {
        server.logger_.connection_warning(job.peer, std::string(e.what()) + "; disconnecting");
      }
      job.fd.reset();
      bool more = false;
      {
        std::unique_lock<std::mutex> lock(mu);
        --busy;
        server.poke();  // a connection slot is free: the accept loop may accept again
        if (!quit && idle < kMaxIdle) {
          ++idle;
          more = wake.wait_for(lock, std::chrono::seconds(kIdleSeconds), [&] {
            return quit || !jobs.empty();
          }) && !quit;
          --idle;
          if (more) {
            job = std::move(jobs.front());
            jobs.pop_front();
          }
        }
      }
      if (!more) break;
    }
    self.done = true;
    server.poke();
  }

  /// Hands a new connection to an idle thread, or to a new one. Accept loop only.
  /// Throws std::system_error when no thread can be started.
  void dispatch(Job job) {
    {
      std::lock_guard<std::mutex> lock(mu);
      ++busy;
      if (idle > jobs.size()) {
        jobs.push_back(std::move(job));
        wake.notify_one();
        return;
      }
    }
    auto& w = threads.emplace_back();
    try {
      w.thread =
          std::thread([this, &w, j = std::move(job)]() mutable { work(w, std::move(j)); });
    } catch (...) {
      threads.pop_back();
      std::lock_guard<std::mutex> lock(mu);
      --busy;
      throw;
    }
  }

  /// Joins the threads that have ended. Accept loop only.
  void reap() {
    for (auto it = threads.begin(); it != threads.end();) {
      if (it->done) {
        it->thread.join();
        it = threads.erase(it);
      } else {
        ++it;
      }
    }
  }
  void join_all() {
    {
      std::lock_guard<std::mutex> lock(mu);
      quit = true;
      jobs.clear();  // not picked up yet: closed unanswered, Postfix retries
    }
    wake.notify_all();
    for (auto& w : threads) w.thread.join();
    threads.clear();
  }
};

void ConnectionServer::poke() {
  char c = 'w';
  ssize_t n = ::write(wake_write_.get(), &c, 1);
  (void)n;  // a full pipe already wakes the accept loop
}

void ConnectionServer::run(const Handler& handler) {
  Workers workers(*this, handler);
  try {
    accept_loop(workers);
  } catch (...) {
    // Connection threads must end before their std::thread objects go: stop them as
    // SIGTERM would, then let the caller report the failure.
    stop();
    close_listeners();
    workers.join_all();
    throw;
  }
  close_listeners();
  workers.join_all();
}

void ConnectionServer::accept_loop(Workers& workers) {
  int64_t warned_full = -1;  // when max-connections was last reported, in ms
  std::vector<pollfd> fds;
  while (!stopping_) {
    workers.reap();
    bool full = workers.in_progress() >= max_connections_;
    // Once a minute at most: under sustained load the limit is reached again each time
    // a connection ends.
    if (full && (warned_full < 0 || monotonic_ms() - warned_full > 60000)) {
      logger_.daemon_warning("max-connections (" + std::to_string(max_connections_) +
                             ") reached; new connections wait until one ends");
      warned_full = monotonic_ms();
    }
    fds.clear();
    fds.push_back({stop_read_.get(), POLLIN, 0});
    fds.push_back({wake_read_.get(), POLLIN, 0});
    for (auto& l : listeners_) fds.push_back({full ? -1 : l.fd.get(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw TempFailure("poll: " + io::errno_text(errno));
    }
    if (fds[0].revents != 0) break;
    if (fds[1].revents != 0) {
      char buf[64];
      while (::read(wake_read_.get(), buf, sizeof buf) > 0) {
      }
    }
    for (size_t i = 0; i < listeners_.size(); ++i) {
      if (fds[i + 2].revents == 0) continue;
      if (workers.in_progress() >= max_connections_) break;
      UniqueFd conn(::accept4(listeners_[i].fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!conn) {
        int err = errno;
        if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR || err == ECONNABORTED)
          continue;
        logger_.daemon_warning("accept: " + io::errno_text(err));
        // Out of descriptors or memory: give connections a moment to end.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      std::string peer = prepare_accepted(conn.get());
      try {
        workers.dispatch(Workers::Job{std::move(conn), std::move(peer), i});
      } catch (const std::system_error& e) {
        // No thread (resource limits): the connection is closed unanswered, and the
        // client (Postfix) retries it.
        logger_.daemon_warning(std::string("cannot start a connection thread: ") + e.what());
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      ++served_;
    }
  }
}

uid_t user_id(const std::string& name, const std::string& option) {
  if (name.empty()) return static_cast<uid_t>(-1);
  if (all_digits(name)) return static_cast<uid_t>(std::stoul(name));
  const passwd* pw = ::getpwnam(name.c_str());
  if (pw == nullptr) throw ConfigError(option + ": no such user \"" + name + "\"");
  return pw->pw_uid;
}

gid_t group_id(const std::string& name, const std::string& option) {
  if (name.empty()) return static_cast<gid_t>(-1);
  if (all_digits(name)) return static_cast<gid_t>(std::stoul(name));
  const group* gr = ::getgrnam(name.c_str());
  if (gr == nullptr) throw ConfigError(option + ": no such group \"" + name + "\"");
  return gr->gr_gid;
}

void drop_privileges(const std::string& user, const std::string& group, bool allow_root) {
  if (!user.empty()) {
    uid_t uid;
    gid_t gid;
    if (all_digits(user)) {
      uid = static_cast<uid_t>(std::stoul(user));
      const passwd* pw = ::getpwuid(uid);
      gid = pw != nullptr ? pw->pw_gid : static_cast<gid_t>(uid);
    } else {
      const passwd* pw = ::getpwnam(user.c_str());
      if (pw == nullptr) throw ConfigError("user: no such user \"" + user + "\"");
      uid = pw->pw_uid;
      gid = pw->pw_gid;
    }
    if (!group.empty()) gid = group_id(group, "group");
    if (::geteuid() == 0) {
      if (::setgroups(0, nullptr) != 0)
        throw TempFailure("setgroups: " + io::errno_text(errno));
      if (::setgid(gid) != 0) throw TempFailure("setgid: " + io::errno_text(errno));
      if (::setuid(uid) != 0) throw TempFailure("setuid: " + io::errno_text(errno));
    } else if (::geteuid() != uid) {
      throw ConfigError("user: cannot become \"" + user + "\" without starting as root");
    }
  }
  if (::geteuid() == 0 && !allow_root)
    throw ConfigError(
        "running as root: set user (e.g. user = postseal) so the daemon drops root after "
        "opening its sockets, or run-as-root = yes to keep it");
}

}  // namespace postseal::net
