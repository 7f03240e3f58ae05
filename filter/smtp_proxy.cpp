/// \file
/// One SMTP connection of the filter daemon (see smtp_proxy.h).
#include "filter/smtp_proxy.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <exception>

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "history/batch_writer.h"
#include "history/row.h"
#include "io/fd_io.h"
#include "session/log.h"
#include "session/settings.h"
#include "smtp/client.h"
#include "smtp/protocol.h"
#include "util/clock.h"
#include "util/errors.h"
#include "util/host_name.h"

namespace postseal::filter {
namespace {

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

/// The address part of "[192.0.2.1]:1234"; "" for "local".
std::string peer_address(const std::string& peer) {
  if (peer.size() < 2 || peer[0] != '[') return "";
  return peer.substr(1, peer.find(']') - 1);
}

bool unavailable(const std::string* v) {
  return v == nullptr || v->empty() || *v == "[UNAVAILABLE]" || *v == "[TEMPUNAVAIL]";
}

/// ESMTP parameters the next hop is given: those it announced (RFC 1870 SIZE, RFC 6152
/// BODY, RFC 6531 SMTPUTF8, RFC 3461 DSN); others are dropped.
std::vector<std::pair<std::string, std::string>> params_for(
    const smtp::Client& next, const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : params) {
    const std::string& k = p.first;
    bool keep =
        (k == "SIZE" && next.supports("SIZE")) || (k == "BODY" && next.supports("8BITMIME")) ||
        (k == "SMTPUTF8" && next.supports("SMTPUTF8")) ||
        ((k == "RET" || k == "ENVID" || k == "NOTIFY" || k == "ORCPT") && next.supports("DSN"));
    if (keep) out.push_back(p);
  }
  return out;
}

/// The reply's lines for format_reply(): without the enhanced code that format_reply()
/// puts back on each line.
std::string join_lines(const smtp::Reply& r) {
  std::string t;
  for (size_t i = 0; i < r.lines.size(); ++i) {
    std::string_view line = r.lines[i];
    if (!r.enhanced.empty() && line.starts_with(r.enhanced)) {
      line.remove_prefix(r.enhanced.size());
      if (line.starts_with(" ")) line.remove_prefix(1);
    }
    if (i) t += "\n";
    t += line;
  }
  return t;
}

class Connection {
 public:
  Connection(const net::Connection& c, const ProxyContext& ctx)
      : conn_(c), ctx_(ctx), spec_(ctx.listeners[c.listener]) {}
  // A client that leaves between transactions without QUIT leaves a clean next-hop
  // connection; one that leaves inside a transaction leaves a dirty one, which closes.
  ~Connection() {
    if (next_ && !in_transaction_) release_next_hop();
  }

  void run();

 private:
  enum class Wait { kReadable, kTimeout, kStop, kClosed };

  Wait wait(bool allow_stop);
  bool read_more();  // false: the client closed the connection or an error
  bool handle(const std::string& line);
  void reply(int code, std::string_view enhanced, std::string_view text) {
    out_ += smtp::format_reply(code, enhanced, text);
  }
  void relay(const smtp::Reply& r) {
    out_ += smtp::format_reply(r.code, r.enhanced, join_lines(r));
  }
  void flush();
  bool next_hop_ready();
  void next_hop_trouble(const std::string& what);
  void reset_transaction();
  void rset_next_hop();
  void release_next_hop();
  void receive_message();
  session::Client client() const;
  bool xforward_allowed() const {
    return conn_.peer == "local" || rt_->xforward_hosts.matches(peer_address(conn_.peer));
  }
  std::string queue_id() const;
  void record(const session::Session& message, const session::Client& who, int64_t when,
              const std::string& applied);

  const net::Connection& conn_;
  const ProxyContext& ctx_;
  const ListenerSpec& spec_;
  std::shared_ptr<const Runtime> rt_;
  smtp::LineReader lines_;
  std::string out_;
  std::unique_ptr<smtp::Client> next_;
  smtp::Xforward xforward_;
  bool greeted_ = false;
  bool in_transaction_ = false;
  std::string broken_;  // why the open transaction cannot go on (next hop trouble)
  std::string sender_;
  std::vector<std::string> recipients_;
  bool quit_ = false;
};

void Connection::flush() {
  if (out_.empty()) return;
  io::write_all(conn_.fd, out_, "reply to " + conn_.peer);
  out_.clear();
}

Connection::Wait Connection::wait(bool allow_stop) {
  std::array<pollfd, 2> fds{
      {{conn_.fd, POLLIN, 0}, {allow_stop ? ctx_.server.stop_fd() : -1, POLLIN, 0}}};
  for (;;) {
    int n = ::poll(fds.data(), fds.size(), rt_->smtp_timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Wait::kClosed;
    if (n == 0) return Wait::kTimeout;
    if (fds[0].revents != 0) return Wait::kReadable;
    return Wait::kStop;
  }
}

bool Connection::read_more() {
  std::array<char, 16384> buf;
  ssize_t n;
  do n = ::read(conn_.fd, buf.data(), buf.size());
  while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  lines_.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
  return true;
}

void Connection::run() {
  rt_ = ctx_.runtime.get();
  // smtp-line-limit: RFC 5321 §4.5.3.1.4 allows 512 with CRLF; XFORWARD and ESMTP
  // parameters make Postfix's lines longer.
  lines_ = smtp::LineReader(rt_->line_limit);
  timeval tv{rt_->smtp_timeout_ms / 1000, 0};
  ::setsockopt(conn_.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  reply(220, "", rt_->hostname + " ESMTP postseal");
  flush();
  for (;;) {
    while (auto line = lines_.next()) {
      if (!line->ok()) {
        reply(500, "5.5.2", "line too long");
        continue;
      }
      if (!handle(line->value()) || quit_) {
        flush();
        return;
      }
    }
    flush();
    // Shutdown waits for the open transaction; between transactions it says goodbye.
    bool idle = !in_transaction_;
    if (idle && ctx_.server.stopping()) {
      reply(421, "4.3.2", rt_->hostname + " postseal shutting down");
      flush();
      return;
    }
    switch (wait(idle)) {
      case Wait::kReadable:
        if (!read_more()) {
          if (in_transaction_)
            ctx_.logger.connection_warning(conn_.peer, "lost connection in a transaction");
          return;
        }
        break;
      case Wait::kTimeout:
        reply(421, "4.4.2", rt_->hostname + " timeout exceeded");
        flush();
        ctx_.logger.connection_warning(
            conn_.peer, "no command for " + std::to_string(rt_->smtp_timeout_ms / 1000) +
                            "s; disconnecting");
        return;
      case Wait::kStop:
        break;  // the loop above answers 421
      case Wait::kClosed:
        return;
    }
  }
}

bool Connection::next_hop_ready() {
  // A reload may have moved next-hop: the next transaction goes to the new one.
  if (next_ && next_->is_open() && next_->where() != net::describe(rt_->next_hop))
    next_->quit();
  if (next_ && next_->is_open()) return true;
  if (ctx_.pool != nullptr) {
    next_ = ctx_.pool->take(net::describe(rt_->next_hop));
    if (next_) return true;
  }
  next_ =
      std::make_unique<smtp::Client>(rt_->next_hop, rt_->next_hop_timeout_ms, rt_->hostname);
  try {
    smtp::Reply r = next_->open();
    if (r.code == 250) return true;
    broken_ = "next hop " + next_->where() +
              " refused the connection: " + std::to_string(r.code) + " " + r.text();
  } catch (const TempFailure& e) {
    broken_ = e.what();
  }
  ctx_.logger.connection_warning(conn_.peer, broken_);
  return false;
}

void Connection::next_hop_trouble(const std::string& what) {
  broken_ = what;
  ctx_.logger.connection_warning(conn_.peer, what);
  if (next_) next_->close();
}

void Connection::reset_transaction() {
  in_transaction_ = false;
  broken_.clear();
  sender_.clear();
  recipients_.clear();
  // Postfix forgets XFORWARD attributes at the end of each transaction, and so do we.
  xforward_ = smtp::Xforward();
}

// Between transactions the next-hop connection is clean (XFORWARD attributes end with
// each transaction too): it goes back to the pool for the next client connection.
void Connection::release_next_hop() {
  if (!next_) return;
  if (in_transaction_) rset_next_hop();
  if (ctx_.pool != nullptr && next_->is_open())
    ctx_.pool->give(std::move(next_));
  else
    next_->quit();
  next_.reset();
}

void Connection::rset_next_hop() {
  if (!next_ || !next_->is_open()) return;
  try {
    smtp::Reply r = next_->command("RSET");
    if (r.code != 250) next_->close();
  } catch (const TempFailure&) {
    // closed by the client object; the next transaction reconnects
  }
}

session::Client Connection::client() const {
  session::Client c;
  const std::string* addr = xforward_.find("ADDR");
  const std::string* source = xforward_.find("SOURCE");
  if (!unavailable(addr))
    c.address = *addr;
  else if (source != nullptr && *source == "LOCAL")
    c.address = "";  // sendmail or pickup: a local submission
  else if (xforward_.empty())
    c.address = peer_address(conn_.peer);
  if (const std::string* name = xforward_.find("NAME"); !unavailable(name)) c.hostname = *name;
  if (const std::string* helo = xforward_.find("HELO"); !unavailable(helo)) c.helo = *helo;
  c.sender = sender_;
  return c;
}

// The DMARC history row of a message the next hop took or we refused; queued for the
// writer thread, never written here (history/batch_writer.h).
void Connection::record(const session::Session& message, const session::Client& who,
                        int64_t when, const std::string& applied) {
  if (ctx_.history == nullptr) return;
  auto row =
      history::row_from(message.verdicts(), who, when,
                        recipients_.empty() ? std::string() : recipients_.front(), applied);
  if (row) ctx_.history->push(std::move(*row));
}

std::string Connection::queue_id() const {
  const std::string* ident = xforward_.find("IDENT");
  return unavailable(ident) ? std::string() : *ident;
}

bool Connection::handle(const std::string& line) {
  auto parsed = smtp::parse_command(line);
  if (!parsed.ok()) {
    reply(501, "5.5.2", parsed.message());
    return true;
  }
  const smtp::Command& cmd = parsed.value();
  switch (cmd.verb) {
    case smtp::Verb::kEhlo: {
      if (in_transaction_) rset_next_hop();
      reset_transaction();
      greeted_ = true;
      std::string text = rt_->hostname + "\nPIPELINING\n";
      text += rt_->size_limit ? "SIZE " + std::to_string(rt_->size_limit) : std::string("SIZE");
      text += "\n8BITMIME\nSMTPUTF8\nDSN\nENHANCEDSTATUSCODES";
      if (xforward_allowed()) text += "\nXFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE";
      reply(250, "", text);
      return true;
    }
    case smtp::Verb::kHelo:
      if (in_transaction_) rset_next_hop();
      reset_transaction();
      greeted_ = true;
      reply(250, "", rt_->hostname);
      return true;
    case smtp::Verb::kXforward: {
      // XFORWARD names the client whose mail this is (mode auto and internal-hosts
      // sign by it): believed only from Postfix, as smtpd_authorized_xforward_hosts.
      if (!xforward_allowed()) {
        reply(550, "5.7.0", "Error: insufficient authorization");
        return true;
      }
      if (in_transaction_) {
        reply(503, "5.5.1", "Error: MAIL transaction in progress");
        return true;
      }
      Status st = smtp::parse_xforward(cmd.argument, xforward_);
      if (!st.ok())
        reply(501, "5.5.4", "Bad XFORWARD command syntax: " + st.message());
      else
        reply(250, "2.0.0", "Ok");
      return true;
    }
    case smtp::Verb::kMail: {
      if (!greeted_) {
        reply(503, "5.5.1", "Error: send HELO/EHLO first");
        return true;
      }
      if (in_transaction_) {
        reply(503, "5.5.1", "Error: nested MAIL command");
        return true;
      }
      for (const auto& p : cmd.params) {
        if (p.first != "SIZE") continue;
        // RFC 1870: SIZE=<digits>; anything else is a syntax error, not a crash.
        if (p.second.empty() || p.second.size() > 19 ||
            p.second.find_first_not_of("0123456789") != std::string::npos) {
          reply(501, "5.5.4", "Bad SIZE parameter");
          return true;
        }
        if (rt_->size_limit && std::stoull(p.second) > rt_->size_limit) {
          reply(552, "5.3.4", "Message size exceeds fixed limit");
          return true;
        }
      }
      // A new transaction takes the configuration in force now (SIGHUP).
      rt_ = ctx_.runtime.get();
      in_transaction_ = true;
      sender_ = cmd.argument;
      if (!next_hop_ready()) {
        reply(451, "4.4.1", broken_);
        return true;
      }
      try {
        if (!xforward_.empty() && next_->supports("XFORWARD")) {
          for (const auto& x : smtp::format_xforward(xforward_, next_->xforward_names())) {
            smtp::Reply r = next_->command(x);
            if (r.code != 250) {
              next_hop_trouble("next hop " + next_->where() +
                               " refused XFORWARD: " + std::to_string(r.code) + " " + r.text());
              reply(451, "4.4.2", broken_);
              return true;
            }
          }
        }
        smtp::Reply r = next_->command(smtp::format_path_command(
            "MAIL FROM:", cmd.argument, params_for(*next_, cmd.params)));
        relay(r);
        if (!r.positive()) {
          // 4xx: the rest of this transaction is answered 4xx too, so no recipient is
          // bounced for a passing trouble; 5xx: Postfix bounces on the MAIL reply.
          if (r.transient())
            broken_ = "next hop said " + std::to_string(r.code) + " " + r.text();
          else
            in_transaction_ = false;
        }
      } catch (const TempFailure& e) {
        next_hop_trouble(e.what());
        reply(451, "4.4.2", broken_);
      }
      return true;
    }
    case smtp::Verb::kRcpt: {
      if (!in_transaction_) {
        reply(503, "5.5.1", "Error: need MAIL command");
        return true;
      }
      if (!broken_.empty()) {
        reply(451, "4.4.2", broken_);
        return true;
      }
      try {
        smtp::Reply r = next_->command(smtp::format_path_command(
            "RCPT TO:", cmd.argument, params_for(*next_, cmd.params)));
        relay(r);
        if (r.positive()) recipients_.push_back(cmd.argument);
      } catch (const TempFailure& e) {
        next_hop_trouble(e.what());
        reply(451, "4.4.2", broken_);
      }
      return true;
    }
    case smtp::Verb::kData:
      if (!in_transaction_) {
        reply(503, "5.5.1", "Error: need RCPT command");
        return true;
      }
      if (!broken_.empty()) {
        reply(451, "4.4.2", broken_);
        return true;
      }
      if (recipients_.empty()) {
        reply(554, "5.5.1", "Error: no valid recipients");
        return true;
      }
      reply(354, "", "End data with <CR><LF>.<CR><LF>");
      flush();
      receive_message();
      return true;
    case smtp::Verb::kRset:
      if (in_transaction_) rset_next_hop();
      reset_transaction();
      reply(250, "2.0.0", "Ok");
      return true;
    case smtp::Verb::kNoop:
      reply(250, "2.0.0", "Ok");
      return true;
    case smtp::Verb::kQuit:
      reply(221, "2.0.0", "Bye");
      release_next_hop();
      quit_ = true;
      return true;
    case smtp::Verb::kVrfy:
      reply(252, "2.0.0", "Send some mail, I'll try my best");
      return true;
    case smtp::Verb::kHelp:
      reply(214, "2.0.0", "postseal-filter; see postseal-filter(8)");
      return true;
    case smtp::Verb::kLhlo:
    case smtp::Verb::kBdat:
    case smtp::Verb::kStartTls:
      reply(502, "5.5.1", "Error: command not implemented");
      return true;
    case smtp::Verb::kUnknown:
      reply(500, "5.5.2", "Error: command not recognized");
      return true;
  }
  return true;
}

void Connection::receive_message() {
  const Runtime& rt = *rt_;
  const session::Setup& setup = rt.setups[conn_.listener];
  session::Client who = client();
  session::Plan plan = session::plan_for(setup, who);
  SystemClock clock;
  int64_t started = clock.now();
  session::Session message(setup, plan, started);

  smtp::DataReader reader(smtp::DataReader::Limits{rt.size_limit, 0});
  auto sink = [&](std::string_view d) { message.feed(d); };
  std::string rest = lines_.take_rest();
  size_t used = reader.feed(rest, sink);
  std::string after(rest.substr(used));
  std::array<char, 65536> buf;
  while (!reader.done()) {
    // The transaction is open: shutdown waits for it, a timeout does not.
    Wait w = wait(false);
    if (w != Wait::kReadable) {
      ctx_.logger.connection_warning(conn_.peer, w == Wait::kTimeout
                                                     ? "timeout in DATA; transaction dropped"
                                                     : "error in DATA; transaction dropped");
      if (w == Wait::kTimeout) {
        reply(421, "4.4.2", rt.hostname + " timeout exceeded");
        flush();
      }
      rset_next_hop();
      reset_transaction();
      quit_ = true;
      return;
    }
    ssize_t n;
    do n = ::read(conn_.fd, buf.data(), buf.size());
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
      ctx_.logger.connection_warning(conn_.peer,
                                     "lost connection in DATA; transaction dropped");
      rset_next_hop();
      reset_transaction();
      quit_ = true;
      return;
    }
    std::string_view chunk(buf.data(), static_cast<size_t>(n));
    used = reader.feed(chunk, sink);
    if (reader.done()) after.assign(chunk.substr(used));
  }
  // Pipelined commands after the dot.
  lines_.feed(after);

  std::string qid = queue_id();
  size_t nrcpt = recipients_.size();
  auto finish_rejected = [&](int code, const std::string& enhanced, const std::string& text,
                             const char* status) {
    reply(code, enhanced, text);
    rset_next_hop();
    ctx_.logger.relayed(qid.empty() ? "NOQUEUE" : qid, next_->where(), nrcpt, status,
                        std::to_string(code) + " " + enhanced + " " + text);
    reset_transaction();
  };
  if (reader.too_big()) {
    finish_rejected(552, "5.3.4", "Message size exceeds fixed limit", "rejected");
    return;
  }
  message.finish();
  if (message.disposition() == session::Disposition::kTempFail) {
    session::log_verdicts(ctx_.logger, qid.empty() ? "NOQUEUE" : qid, message);
    finish_rejected(451, message.status_code(), message.disposition_reason(), "deferred");
    return;
  }
  if (message.disposition() == session::Disposition::kReject) {
    session::log_verdicts(ctx_.logger, qid.empty() ? "NOQUEUE" : qid, message);
    // A refused message is an evaluation too: RFC 9990 reports count it as rejected.
    record(message, who, started, "reject");
    finish_rejected(550, message.status_code(), message.disposition_reason(), "rejected");
    return;
  }
  smtp::Reply final;
  try {
    smtp::Reply r = next_->command("DATA");
    if (r.code != 354) {
      final = r;
    } else {
      final = next_->data([&](smtp::DataWriter& w) {
        message.write_to([&](std::string_view d) { w.write(d); });
      });
    }
  } catch (const TempFailure& e) {
    next_hop_trouble(e.what());
    if (qid.empty()) qid = "NOQUEUE";
    session::log_verdicts(ctx_.logger, qid, message);
    ctx_.logger.relayed(qid, next_->where(), nrcpt, "deferred", e.what());
    reply(451, "4.4.2", e.what());
    reset_transaction();
    return;
  }
  std::string said = std::to_string(final.code) + " " +
                     (final.enhanced.empty() ? "" : final.enhanced + " ") + final.text();
  // The answer goes back before anything else is done: from the next hop's 250 to ours
  // is the window in which a crash makes Postfix send the message again (RFC 1047).
  if (final.transient())
    reply(451, final.enhanced.empty() ? "4.4.2" : final.enhanced,
          "next hop " + next_->where() + " said: " + said);
  else
    relay(final);
  flush();
  if (qid.empty()) qid = smtp::queued_as(final);
  if (qid.empty()) qid = "NOQUEUE";
  session::log_verdicts(ctx_.logger, qid, message);
  const char* status = final.positive() ? "sent" : final.transient() ? "deferred" : "bounced";
  ctx_.logger.relayed(qid, next_->where(), nrcpt, status, said);
  if (final.positive()) record(message, who, started, "none");
  reset_transaction();
}

}  // namespace

Result<std::vector<ListenerSpec>> parse_filter_listen(std::string_view value) {
  std::vector<ListenerSpec> out;
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    std::string entry = trim(value.substr(
        pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    pos = comma == std::string_view::npos ? value.size() + 1 : comma + 1;
    if (entry.empty()) continue;
    ListenerSpec spec;
    spec.text = entry;
    size_t word_start = 0;
    bool first = true;
    while (word_start < entry.size()) {
      size_t end = entry.find_first_of(" \t", word_start);
      std::string word =
          entry.substr(word_start, end == std::string::npos ? end : end - word_start);
      word_start =
          end == std::string::npos ? entry.size() : entry.find_first_not_of(" \t", end);
      if (word_start == std::string::npos) word_start = entry.size();
      if (first) {
        auto a = net::parse_listen(word);
        if (!a.ok()) return Error{"\"" + entry + "\": " + a.message()};
        spec.address = *a;
        first = false;
      } else if (word.starts_with("mode=")) {
        spec.mode = session::parse_mode(word.substr(5));
        if (!spec.mode)
          return Error{"\"" + entry + "\": expected mode=sign, mode=verify or mode=auto"};
      } else if (word == "before-queue") {
        spec.before_queue = true;
      } else {
        return Error{"\"" + entry + "\": unknown word \"" + word +
                     "\" (expected mode=MODE or before-queue)"};
      }
    }
    for (const auto& other : out)
      if (other.address == spec.address) return Error{"\"" + entry + "\" is listed twice"};
    out.push_back(std::move(spec));
  }
  if (out.empty()) return Error{"no address"};
  return out;
}

std::shared_ptr<const Runtime> make_runtime(const config::Settings& s,
                                            const std::vector<ListenerSpec>& listeners) {
  auto rt = std::make_shared<Runtime>(s, session::key_store(s));
  auto hop = net::parse_listen(s.str("next-hop"));
  if (!hop.ok()) throw ConfigError("next-hop: " + hop.message());
  rt->next_hop = *hop;
  rt->next_hop_timeout_ms = static_cast<int>(s.uint("next-hop-timeout") * 1000);
  rt->smtp_timeout_ms = static_cast<int>(s.uint("smtp-timeout") * 1000);
  rt->size_limit = s.uint("message-size-limit");
  rt->line_limit = s.uint("smtp-line-limit");
  auto xf = config::HostList::from_value(s.str("xforward-hosts"));
  if (!xf.ok()) throw ConfigError("xforward-hosts: " + xf.message());
  rt->xforward_hosts = *xf;
  rt->hostname = host_name();
  auto resolver = dns::UnboundResolver::create(dns::unbound_options(s));
  if (!resolver.ok()) throw ConfigError(resolver.message());
  rt->resolver = std::move(resolver.value());
  session::Setup base = session::filter_setup(rt->settings, rt->keys);
  base.resolver = rt->resolver.get();
  rt->spf = std::make_unique<spf::Checker>(*rt->resolver, base.receiver);
  base.spf = rt->spf.get();
  for (const auto& l : listeners) {
    session::Setup setup = base;
    if (l.mode) setup.mode = *l.mode;
    setup.reject_dmarc = l.before_queue;
    rt->setups.push_back(std::move(setup));
  }
  return rt;
}

NextHopPool::~NextHopPool() {
  for (auto& i : idle_) i.client->quit();
}

std::unique_ptr<smtp::Client> NextHopPool::take(const std::string& where) {
  int64_t now = monotonic_ms();
  std::lock_guard lock(mu_);
  while (!idle_.empty()) {
    Idle i = std::move(idle_.back());
    idle_.pop_back();
    // Newest first; anything older than the newest that is too old is older still.
    if (now - i.since_ms > max_age_ms_ || !i.client->idle_and_open()) {
      i.client->close();
      continue;
    }
    if (i.client->where() == where) return std::move(i.client);
    i.client->close();
  }
  return nullptr;
}

void NextHopPool::give(std::unique_ptr<smtp::Client> c) {
  if (!c || !c->idle_and_open()) return;
  std::unique_ptr<smtp::Client> drop;
  {
    std::lock_guard lock(mu_);
    int64_t now = monotonic_ms();
    std::erase_if(idle_, [&](const Idle& i) { return now - i.since_ms > max_age_ms_; });
    if (idle_.size() < max_idle_) {
      idle_.push_back(Idle{std::move(c), now});
      return;
    }
    drop = std::move(c);
  }
  drop->quit();
}

void serve_smtp(const net::Connection& connection, const ProxyContext& context) {
  try {
    Connection c(connection, context);
    c.run();
  } catch (const std::exception& e) {
    context.logger.connection_warning(connection.peer,
                                      std::string(e.what()) + "; disconnecting");
  }
}

}  // namespace postseal::filter
