/// \file
/// The filter daemon's SMTP connection (filter/smtp_proxy): filter-listen parsing, and
/// one connection driven over a socketpair against a scripted next hop on 127.0.0.1:
/// command order (RFC 5321 §4.1.4: 503 out of sequence), pipelined commands answered in
/// order (RFC 2920), per-recipient replies from the next hop, 451 (never 5xx) for every
/// recipient and DATA once the next hop is down, SIZE (RFC 1870), XFORWARD passed on,
/// dot-stuffing both ways, a 5xx at the end of DATA passed back, a 4xx turned into
/// 451. Signing uses a real key; DNS is never asked (mode sign).
#include "filter/smtp_proxy.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/program_options.hpp>
#include <cppunit/extensions/HelperMacros.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/server.h"
#include "util/unique_fd.h"

namespace po = boost::program_options;
using namespace postseal;
using filter::ListenerSpec;
using filter::parse_filter_listen;

namespace {

/// A scripted next hop: one connection at a time on 127.0.0.1:PORT; records every line
/// it receives; answers 250 to everything, 354 to DATA and `final` to the end of data;
/// RCPT to an address containing "refuse" gets 550.
class NextHop {
 public:
  explicit NextHop(std::string final = "250 2.0.0 Ok: queued as NH1")
      : final_(std::move(final)) {
    fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CPPUNIT_ASSERT(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    CPPUNIT_ASSERT(::listen(fd_.get(), 4) == 0);
    thread_ = std::thread([this] { run(); });
  }
  ~NextHop() {
    stop_ = true;
    ::shutdown(fd_.get(), SHUT_RDWR);
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }
  std::string data() {
    std::lock_guard lock(mu_);
    return data_;
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_.get(), POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      UniqueFd c(::accept(fd_.get(), nullptr, nullptr));
      if (!c) continue;
      serve(c.get());
    }
  }
  void serve(int fd) {
    auto say = [fd](const std::string& s) { (void)!::write(fd, s.data(), s.size()); };
    say("220 nexthop ESMTP\r\n");
    std::string buf;
    bool in_data = false;
    std::array<char, 4096> chunk;
    for (;;) {
      size_t eol;
      while ((eol = buf.find("\r\n")) != std::string::npos) {
        std::string line = buf.substr(0, eol);
        buf.erase(0, eol + 2);
        std::lock_guard lock(mu_);
        if (in_data) {
          if (line == ".") {
            in_data = false;
            say(final_ + "\r\n");
          } else {
            data_ += line + "\n";
          }
          continue;
        }
        lines_.push_back(line);
        std::string verb = line.substr(0, 4);
        if (verb == "EHLO")
          say("250-nexthop\r\n250-PIPELINING\r\n250-SIZE\r\n250-8BITMIME\r\n"
              "250 XFORWARD NAME ADDR PROTO HELO IDENT\r\n");
        else if (verb == "DATA") {
          in_data = true;
          say("354 go ahead\r\n");
        } else if (verb == "RCPT" && line.find("refuse") != std::string::npos)
          say("550 5.1.1 no such user\r\n");
        else if (verb == "QUIT") {
          say("221 2.0.0 bye\r\n");
          return;
        } else
          say("250 2.0.0 Ok\r\n");
      }
      ssize_t n = ::read(fd, chunk.data(), chunk.size());
      if (n <= 0) return;
      buf.append(chunk.data(), static_cast<size_t>(n));
    }
  }

  std::string final_;
  UniqueFd fd_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::string> lines_;
  std::string data_;
};

/// A fresh RSA-2048 key in PEM, written once to a temporary file.
std::string key_file() {
  static const std::string path = [] {
    char name[] = "/tmp/postseal-smtp-proxy-test.XXXXXX";
    int fd = ::mkstemp(name);
    CPPUNIT_ASSERT(fd >= 0);
    EVP_PKEY* key = EVP_RSA_gen(2048);
    CPPUNIT_ASSERT(key != nullptr);
    FILE* f = ::fdopen(fd, "w");
    CPPUNIT_ASSERT(PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
    ::fclose(f);
    EVP_PKEY_free(key);
    std::atexit([] { ::unlink(path.c_str()); });
    return std::string(name);
  }();
  return path;
}

/// One daemon connection on a socketpair, served on its own thread.
class Session {
 public:
  Session(int next_hop_port, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--next-hop",
                                     "inet:127.0.0.1:" + std::to_string(next_hop_port),
                                     "--domain",
                                     "example.com",
                                     "--selector",
                                     "s1",
                                     "--key-file",
                                     key_file(),
                                     "--dns",
                                     "127.0.0.1:9",
                                     "--next-hop-timeout",
                                     "2",
                                     "--history",
                                     ""};
    // The peer below stands for Postfix: it may send XFORWARD unless a test says.
    if (std::find(extra.begin(), extra.end(), "--xforward-hosts") == extra.end())
      extra.insert(extra.end(), {"--xforward-hosts", "192.0.2.0/24"});
    args.insert(args.end(), extra.begin(), extra.end());
    po::options_description desc;
    config::Settings::describe(desc, config::kFilter);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
    settings_.emplace(config::Settings::load(vm, "", config::kFilter));
    auto l = parse_filter_listen("inet:127.0.0.1:10025 mode=sign");
    CPPUNIT_ASSERT(l.ok());
    listeners_ = *l;
    holder_.set(filter::make_runtime(*settings_, listeners_));
    int fds[2];
    CPPUNIT_ASSERT(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    client_.reset(fds[0]);
    server_fd_.reset(fds[1]);
    thread_ = std::thread([this] {
      filter::ProxyContext ctx{listeners_, holder_, logger_, server_, nullptr, nullptr};
      filter::serve_smtp(net::Connection{server_fd_.get(), "[192.0.2.9]:2525", 0}, ctx);
      ::shutdown(server_fd_.get(), SHUT_RDWR);
    });
    std::string greeting = replies(1);
    CPPUNIT_ASSERT_MESSAGE(greeting, greeting.starts_with("220 "));
  }
  ~Session() {
    ::shutdown(client_.get(), SHUT_RDWR);
    thread_.join();
  }

  void send(const std::string& s) {
    CPPUNIT_ASSERT(::write(client_.get(), s.data(), s.size()) ==
                   static_cast<ssize_t>(s.size()));
  }
  /// Reads until `n` complete replies (final lines "NNN ") arrived; returns them all.
  std::string replies(int n) {
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (count_final(got) < n && std::chrono::steady_clock::now() < deadline) {
      pollfd p{client_.get(), POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      std::array<char, 4096> buf;
      ssize_t r = ::read(client_.get(), buf.data(), buf.size());
      if (r <= 0) break;
      got.append(buf.data(), static_cast<size_t>(r));
    }
    return got;
  }
  /// The final-line codes, in order ("250 354 ...").
  static std::string codes(const std::string& replies) {
    std::string out;
    size_t pos = 0;
    while (pos < replies.size()) {
      size_t eol = replies.find("\r\n", pos);
      if (eol == std::string::npos) break;
      if (eol - pos >= 4 && replies[pos + 3] == ' ')
        out += (out.empty() ? "" : " ") + replies.substr(pos, 3);
      pos = eol + 2;
    }
    return out;
  }

 private:
  static int count_final(const std::string& s) {
    std::string c = codes(s);
    return c.empty() ? 0 : static_cast<int>(std::count(c.begin(), c.end(), ' ') + 1);
  }

  std::optional<config::Settings> settings_;
  std::vector<ListenerSpec> listeners_;
  filter::RuntimeHolder holder_;
  log::Logger logger_{"postseal-filter", "/dev/null", false};
  net::ConnectionServer server_{4, logger_};
  UniqueFd client_, server_fd_;
  std::thread thread_;
};

const char kMessage[] =
    "From: a@example.com\r\nTo: b@example.org\r\nSubject: t\r\n\r\nhello\r\n..dot\r\n.\r\n";

}  // namespace

class SmtpProxyTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SmtpProxyTest);
  CPPUNIT_TEST(testFilterListen);
  CPPUNIT_TEST(testFilterListenErrors);
  CPPUNIT_TEST(testOutOfSequence);
  CPPUNIT_TEST(testPipelinedTransaction);
  CPPUNIT_TEST(testRecipientRepliesFromNextHop);
  CPPUNIT_TEST(testNextHopDown);
  CPPUNIT_TEST(testSizeLimit);
  CPPUNIT_TEST(testXforwardPassedOn);
  CPPUNIT_TEST(testXforwardOnlyFromXforwardHosts);
  CPPUNIT_TEST(testNextHop5xxPassedBack);
  CPPUNIT_TEST(testNextHop4xxIs451);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testFilterListen() {
    auto l = parse_filter_listen(
        "inet:127.0.0.1:10025 mode=sign, unix:/run/postseal/v.sock  mode=VERIFY before-queue,"
        "inet:[::1]:10027");
    CPPUNIT_ASSERT_MESSAGE(l.message(), l.ok());
    CPPUNIT_ASSERT_EQUAL(size_t(3), l->size());
    CPPUNIT_ASSERT((*l)[0].mode == session::Mode::kSign && !(*l)[0].before_queue);
    CPPUNIT_ASSERT((*l)[1].address.kind == net::ListenAddress::Kind::kUnix);
    CPPUNIT_ASSERT((*l)[1].mode == session::Mode::kVerify && (*l)[1].before_queue);
    CPPUNIT_ASSERT(!(*l)[2].mode && (*l)[2].address.host == "::1");
  }
  void testFilterListenErrors() {
    for (const char* bad :
         {"", " , ", "inet:127.0.0.1:10025 mode=both", "inet:127.0.0.1:10025 proxy",
          "tcp:127.0.0.1:1", "inet:127.0.0.1:1, inet:127.0.0.1:1"})
      CPPUNIT_ASSERT_MESSAGE(bad, !parse_filter_listen(bad).ok());
  }
  // RFC 5321 §4.1.4: commands out of order get 503; an unknown one 500.
  void testOutOfSequence() {
    NextHop hop;
    Session s(hop.port());
    s.send("MAIL FROM:<a@example.com>\r\n");
    CPPUNIT_ASSERT_EQUAL(std::string("503"), Session::codes(s.replies(1)));
    s.send("EHLO c.example\r\nRCPT TO:<b@example.org>\r\nDATA\r\nFROB\r\n");
    CPPUNIT_ASSERT_EQUAL(std::string("250 503 503 500"), Session::codes(s.replies(4)));
    s.send(
        "MAIL FROM:<a@example.com>\r\nMAIL FROM:<a@example.com>\r\nXFORWARD ADDR=1.2.3.4\r\n");
    CPPUNIT_ASSERT_EQUAL(std::string("250 503 503"), Session::codes(s.replies(3)));
    s.send("DATA\r\nQUIT\r\n");
    CPPUNIT_ASSERT_EQUAL(std::string("554 221"), Session::codes(s.replies(2)));
  }
  // RFC 2920: a pipelined group is answered in order; the message reaches the next hop
  // signed, dot-stuffing undone on the way in and done again on the way out.
  void testPipelinedTransaction() {
    NextHop hop;
    Session s(hop.port());
    s.send(
        std::string("EHLO c.example\r\nMAIL FROM:<a@example.com> BODY=8BITMIME\r\n"
                    "RCPT TO:<b@example.org>\r\nDATA\r\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("250 250 250 354"), Session::codes(s.replies(4)));
    s.send(std::string(kMessage) + "QUIT\r\n");
    std::string r = s.replies(2);
    CPPUNIT_ASSERT_EQUAL(std::string("250 221"), Session::codes(r));
    CPPUNIT_ASSERT_MESSAGE(r, r.find("queued as NH1") != std::string::npos);
    std::string data = hop.data();
    CPPUNIT_ASSERT_MESSAGE(data, data.starts_with("DKIM-Signature:"));
    CPPUNIT_ASSERT_MESSAGE(data, data.find("\nhello\n..dot\n") != std::string::npos);
    auto lines = hop.lines();
    CPPUNIT_ASSERT(std::find(lines.begin(), lines.end(),
                             "MAIL FROM:<a@example.com> BODY=8BITMIME") != lines.end());
  }
  // Each RCPT gets the next hop's own answer; DATA goes on with the accepted ones.
  void testRecipientRepliesFromNextHop() {
    NextHop hop;
    Session s(hop.port());
    s.send(
        "EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<refuse@example.org>\r\n"
        "RCPT TO:<b@example.org>\r\nDATA\r\n");
    std::string r = s.replies(5);
    CPPUNIT_ASSERT_EQUAL(std::string("250 250 550 250 354"), Session::codes(r));
    CPPUNIT_ASSERT_MESSAGE(r, r.find("550 5.1.1 no such user") != std::string::npos);
    s.send(kMessage);
    CPPUNIT_ASSERT_EQUAL(std::string("250"), Session::codes(s.replies(1)));
  }
  // A next hop that is down: MAIL, every RCPT and DATA get 4xx, never a 5xx that would
  // make Postfix bounce a recipient.
  void testNextHopDown() {
    int port;
    {
      NextHop gone;
      port = gone.port();
    }
    Session s(port);
    s.send(
        "EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\n"
        "RCPT TO:<c@example.org>\r\nDATA\r\nRSET\r\n");
    std::string r = s.replies(6);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r, std::string("250 451 451 451 451 250"), Session::codes(r));
    CPPUNIT_ASSERT_MESSAGE(r,
                           r.find("451 4.4.1 connect to inet:127.0.0.1:") != std::string::npos);
  }
  // RFC 1870: SIZE announced, a declared size over the limit refused with 552 5.3.4, and
  // a message over it refused at the end of DATA.
  void testSizeLimit() {
    NextHop hop;
    Session s(hop.port(), {"--message-size-limit", "100"});
    s.send("EHLO c\r\n");
    std::string ehlo = s.replies(1);
    CPPUNIT_ASSERT_MESSAGE(ehlo, ehlo.find("250-SIZE 100\r\n") != std::string::npos);
    s.send("MAIL FROM:<a@example.com> SIZE=101\r\n");
    std::string r = s.replies(1);
    CPPUNIT_ASSERT_MESSAGE(r, r.starts_with("552 5.3.4"));
    s.send("MAIL FROM:<a@example.com> SIZE=12x\r\n");
    r = s.replies(1);
    CPPUNIT_ASSERT_MESSAGE(r, r.starts_with("501 5.5.4"));
    s.send("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n");
    CPPUNIT_ASSERT_EQUAL(std::string("250 250 354"), Session::codes(s.replies(3)));
    s.send("Subject: big\r\n\r\n" + std::string(200, 'x') + "\r\n.\r\n");
    r = s.replies(1);
    CPPUNIT_ASSERT_MESSAGE(r, r.starts_with("552 5.3.4"));
  }
  // XFORWARD (Postfix XFORWARD_README) goes to the next hop before MAIL, only the
  // attributes it announced.
  void testXforwardPassedOn() {
    NextHop hop;
    Session s(hop.port());
    s.send(
        "EHLO c\r\nXFORWARD NAME=mx.client.example ADDR=192.0.2.7 PORT=4321\r\n"
        "XFORWARD HELO=helo.example IDENT=ABC123\r\nMAIL FROM:<a@example.com>\r\n");
    CPPUNIT_ASSERT_EQUAL(std::string("250 250 250 250"), Session::codes(s.replies(4)));
    std::string sent;
    for (const auto& l : hop.lines())
      if (l.starts_with("XFORWARD")) sent += l + "|";
    CPPUNIT_ASSERT_MESSAGE(sent, sent.find("NAME=mx.client.example") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(sent, sent.find("ADDR=192.0.2.7") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(sent, sent.find("HELO=helo.example") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(sent, sent.find("IDENT=ABC123") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(sent, sent.find("PORT=") == std::string::npos);
  }
  // xforward-hosts: a peer outside it is not offered XFORWARD and its XFORWARD is
  // refused; the next hop never hears the claimed client.
  void testXforwardOnlyFromXforwardHosts() {
    NextHop hop;
    Session s(hop.port(), {"--xforward-hosts", "127.0.0.0/8"});
    s.send("EHLO c\r\n");
    std::string ehlo = s.replies(1);
    CPPUNIT_ASSERT_MESSAGE(ehlo, ehlo.find("XFORWARD") == std::string::npos);
    s.send("XFORWARD ADDR=10.0.0.5\r\nMAIL FROM:<a@example.com>\r\n");
    std::string r = s.replies(2);
    CPPUNIT_ASSERT_MESSAGE(r, r.starts_with("550 5.7.0 Error: insufficient authorization\r\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("550 250"), Session::codes(r));
    for (const auto& l : hop.lines()) CPPUNIT_ASSERT_MESSAGE(l, !l.starts_with("XFORWARD"));
  }
  void testNextHop5xxPassedBack() {
    NextHop hop("554 5.7.1 not today");
    Session s(hop.port());
    s.send("EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n");
    CPPUNIT_ASSERT_EQUAL(std::string("250 250 250 354"), Session::codes(s.replies(4)));
    s.send(kMessage);
    std::string r = s.replies(1);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r, std::string("554 5.7.1 not today\r\n"), r);
  }
  void testNextHop4xxIs451() {
    NextHop hop("452 4.3.1 insufficient system storage");
    Session s(hop.port());
    s.send("EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n");
    CPPUNIT_ASSERT_EQUAL(std::string("250 250 250 354"), Session::codes(s.replies(4)));
    s.send(kMessage);
    std::string r = s.replies(1);
    CPPUNIT_ASSERT_MESSAGE(r, r.starts_with("451 4.3.1 next hop inet:127.0.0.1:"));
    CPPUNIT_ASSERT_MESSAGE(
        r, r.find("said: 452 4.3.1 insufficient system storage") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SmtpProxyTest);
