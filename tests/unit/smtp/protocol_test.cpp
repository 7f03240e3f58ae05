/// \file
/// The SMTP wire format: the line reader, command parsing (RFC 5321 §4.1.1, §4.1.2),
/// XFORWARD (Postfix XFORWARD_README) and xtext (RFC 3461 §4), the DATA reader and
/// writer (RFC 5321 §4.5.2, end detection at every chunk boundary), replies (RFC 5321
/// §4.2.1, RFC 2034 enhanced codes, RFC 2920 pipelining) and reply formatting.
#include "smtp/protocol.h"

#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

using namespace postseal;
using smtp::Command;
using smtp::DataReader;
using smtp::DataWriter;
using smtp::LineReader;
using smtp::Reply;
using smtp::ReplyReader;
using smtp::Verb;
using smtp::Xforward;

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

// Every line (or "ERROR") that `r` has complete now.
std::vector<std::string> drain(LineReader& r) {
  std::vector<std::string> out;
  while (auto line = r.next()) out.push_back(line->ok() ? line->value() : "ERROR");
  return out;
}

// What a DataReader made of a stream: the content handed on, the offset in the stream
// where the bytes it did not consume begin, and how many pieces it handed on.
struct DataRun {
  std::string content;
  size_t consumed = 0;
  bool done = false;
  size_t pieces = 0;
};

// Feeds `parts` in order; after the end of data, what is left is not fed.
DataRun read_data(const std::vector<std::string_view>& parts, DataReader::Limits limits = {}) {
  DataReader reader(limits);
  DataRun run;
  for (std::string_view part : parts) {
    size_t n = reader.feed(part, [&](std::string_view piece) {
      run.content.append(piece);
      ++run.pieces;
    });
    run.consumed += n;
    if (reader.done()) break;
    CPPUNIT_ASSERT_EQUAL(part.size(), n);
  }
  run.done = reader.done();
  return run;
}

DataRun read_data(std::string_view stream) {
  return read_data(std::vector<std::string_view>{stream});
}

DataRun read_bytewise(std::string_view stream) {
  std::vector<std::string_view> parts;
  for (size_t i = 0; i < stream.size(); ++i) parts.push_back(stream.substr(i, 1));
  return read_data(parts);
}

// The bytes a DataWriter sends for `parts` followed by finish().
std::string write_data(const std::vector<std::string_view>& parts, size_t* pieces = nullptr) {
  std::string out;
  size_t n = 0;
  DataWriter writer([&](std::string_view piece) {
    out.append(piece);
    ++n;
  });
  for (std::string_view part : parts) writer.write(part);
  writer.finish();
  if (pieces) *pieces = n;
  return out;
}

// `s` with every bare LF turned into CRLF and a CRLF added when it does not end in one.
std::string crlf_normalized(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out += '\r';
    out += s[i];
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += out.ends_with('\r') ? "\n" : "\r\n";
  return out;
}

Reply read_reply(std::string_view bytes, size_t max_lines = 100) {
  ReplyReader r(4096, max_lines);
  r.feed(bytes);
  auto reply = r.next();
  CPPUNIT_ASSERT(reply.has_value());
  CPPUNIT_ASSERT_MESSAGE(reply->message(), reply->ok());
  return reply->value();
}

bool reply_fails(std::string_view bytes, size_t max_lines = 100) {
  ReplyReader r(4096, max_lines);
  r.feed(bytes);
  auto reply = r.next();
  return reply.has_value() && !reply->ok();
}

Command parse_ok(std::string_view line) {
  auto c = smtp::parse_command(line);
  CPPUNIT_ASSERT_MESSAGE(std::string(line) + ": " + c.message(), c.ok());
  return c.value();
}

// A syntax error whose text fits after "501 5.5.2 " on one reply line.
void assert_syntax_error(std::string_view line) {
  auto c = smtp::parse_command(line);
  CPPUNIT_ASSERT_MESSAGE(std::string(line) + " was accepted", !c.ok());
  CPPUNIT_ASSERT(!c.message().empty());
  CPPUNIT_ASSERT(c.message().size() < 100);
  CPPUNIT_ASSERT(c.message().find_first_of("\r\n") == std::string::npos);
}

}  // namespace

class ProtocolTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProtocolTest);
  CPPUNIT_TEST(testLineReaderEndsLinesAtCrlfAndAtBareLf);
  CPPUNIT_TEST(testLineReaderJoinsLinesSplitAtEveryByte);
  CPPUNIT_TEST(testLineReaderReportsAnOverlongLineOnceAndReadsTheNext);
  CPPUNIT_TEST(testLineReaderDropsAnOverlongLineAsItArrives);
  CPPUNIT_TEST(testLineReaderAcceptsALineOfExactlyMaxLineWithItsCrlfSplit);
  CPPUNIT_TEST(testLineReaderReadsManyLinesFromOneFeedInLinearTime);
  CPPUNIT_TEST(testTakeRestHandsOverTheBytesAfterTheDataCommand);
  CPPUNIT_TEST(testHeloEhloLhloTakeTheDomain);
  CPPUNIT_TEST(testHeloWithoutDomainIsAnError);
  CPPUNIT_TEST(testMailFromNullSender);
  CPPUNIT_TEST(testMailParametersKeepTheirOrderWithKeywordsUpperCased);
  CPPUNIT_TEST(testFromAndToAreCaseInsensitiveAndASpaceAfterTheColonIsTolerated);
  CPPUNIT_TEST(testSourceRouteIsStripped);
  CPPUNIT_TEST(testQuotedLocalPartMayHoldSpacesAndBrackets);
  CPPUNIT_TEST(testMalformedPathsAndParametersAreSyntaxErrors);
  CPPUNIT_TEST(testUnknownVerbIsNotAnError);
  CPPUNIT_TEST(testCommandsWithoutPaths);
  CPPUNIT_TEST(testXforwardCommandKeepsTheRawAttributes);
  CPPUNIT_TEST(testFormatPathCommandWritesWhatParseCommandReads);
  CPPUNIT_TEST(testXforwardValuesAreXtextDecoded);
  CPPUNIT_TEST(testXforwardKeepsUnavailableMarkers);
  CPPUNIT_TEST(testXforwardUnknownAttributeIsAnErrorAndChangesNothing);
  CPPUNIT_TEST(testLaterXforwardCommandsReplaceEarlierValues);
  CPPUNIT_TEST(testXforwardMalformedValuesAreErrors);
  CPPUNIT_TEST(testFormatXforwardSendsOnlySupportedAttributes);
  CPPUNIT_TEST(testFormatXforwardEncodesValues);
  CPPUNIT_TEST(testFormatXforwardLinesFitIn512Bytes);
  CPPUNIT_TEST(testXtextRoundTripsEveryByte);
  CPPUNIT_TEST(testXtextBadEscapeIsAnError);
  CPPUNIT_TEST(testDataReaderUndoesDotStuffing);
  CPPUNIT_TEST(testDataReaderFindsTheEndAtEveryTwoWaySplit);
  CPPUNIT_TEST(testDataReaderFindsTheEndFedOneByteAtATime);
  CPPUNIT_TEST(testDataReaderEmptyMessage);
  CPPUNIT_TEST(testDataReaderLeavesPipelinedBytesAfterTheEnd);
  CPPUNIT_TEST(testDataReaderEndNeedsCrlfOnBothSides);
  CPPUNIT_TEST(testDataReaderSizeLimitDropsTheExcessButFindsTheEnd);
  CPPUNIT_TEST(testDataReaderLineLimit);
  CPPUNIT_TEST(testDataReaderHandsOnLargeChunksWhole);
  CPPUNIT_TEST(testDataWriterStuffsLeadingDots);
  CPPUNIT_TEST(testDataWriterTurnsBareLfIntoCrlfAndKeepsCrlf);
  CPPUNIT_TEST(testDataWriterFinishAddsTheMissingLineEnding);
  CPPUNIT_TEST(testDataWriterChunkBoundaryBetweenCrAndLf);
  CPPUNIT_TEST(testDataWriterOutputDoesNotDependOnChunking);
  CPPUNIT_TEST(testDataWriterHandsOnLargeChunksWhole);
  CPPUNIT_TEST(testWriterThenReaderGivesTheContentBack);
  CPPUNIT_TEST(testSingleLineReplyWithEnhancedCode);
  CPPUNIT_TEST(testMultiLineReply);
  CPPUNIT_TEST(testEnhancedCodeOfAnotherClassIsNotTaken);
  CPPUNIT_TEST(testReplyCodesDifferingBetweenLinesAreAnError);
  CPPUNIT_TEST(testReplyWithoutThreeDigitCodeIsAnError);
  CPPUNIT_TEST(testReplyWithTooManyLinesIsAnError);
  CPPUNIT_TEST(testPipelinedRepliesSplitAtEveryByte);
  CPPUNIT_TEST(testFormatReplySingleLine);
  CPPUNIT_TEST(testFormatReplyMultiLineRepeatsTheEnhancedCode);
  CPPUNIT_TEST(testFormatReplyDropsControlCharacters);
  CPPUNIT_TEST(testFormatReplyLinesFitIn512Bytes);
  CPPUNIT_TEST(testFormattedReplyReadsBack);
  CPPUNIT_TEST(testQueuedAs);
  CPPUNIT_TEST_SUITE_END();

 public:
  // ---- LineReader

  // RFC 5321 §2.3.8 ends lines with CRLF; like Postfix, a bare LF ends one too.
  void testLineReaderEndsLinesAtCrlfAndAtBareLf() {
    LineReader r;
    r.feed("EHLO client.example\r\nMAIL FROM:<>\nRCPT");
    CPPUNIT_ASSERT(drain(r) ==
                   (std::vector<std::string>{"EHLO client.example", "MAIL FROM:<>"}));
    CPPUNIT_ASSERT_EQUAL(size_t{4}, r.buffered());
    CPPUNIT_ASSERT(!r.empty());
    r.feed(" TO:<a@b.example>\r\n");
    CPPUNIT_ASSERT(drain(r) == std::vector<std::string>{"RCPT TO:<a@b.example>"});
    CPPUNIT_ASSERT(r.empty());
  }

  void testLineReaderJoinsLinesSplitAtEveryByte() {
    const std::string stream = "HELO x\r\nNOOP\r\n\r\nbare\nQUIT\r\n";
    const std::vector<std::string> want = {"HELO x", "NOOP", "", "bare", "QUIT"};
    for (size_t k = 0; k <= stream.size(); ++k) {
      LineReader r;
      r.feed(stream.substr(0, k));
      auto got = drain(r);
      r.feed(stream.substr(k));
      auto rest = drain(r);
      got.insert(got.end(), rest.begin(), rest.end());
      CPPUNIT_ASSERT_MESSAGE("split at " + std::to_string(k), got == want);
      CPPUNIT_ASSERT(r.empty());
    }
    LineReader r;
    std::vector<std::string> got;
    for (char c : stream) {
      r.feed(std::string_view(&c, 1));
      for (auto& l : drain(r)) got.push_back(l);
    }
    CPPUNIT_ASSERT(got == want);
  }

  void testLineReaderReportsAnOverlongLineOnceAndReadsTheNext() {
    const std::string stream = "0123456789A\r\nNEXT\r\n";
    LineReader whole(10);
    whole.feed(stream);
    CPPUNIT_ASSERT(drain(whole) == (std::vector<std::string>{"ERROR", "NEXT"}));

    LineReader bytewise(10);
    std::vector<std::string> got;
    for (char c : stream) {
      bytewise.feed(std::string_view(&c, 1));
      for (auto& l : drain(bytewise)) got.push_back(l);
    }
    CPPUNIT_ASSERT(got == (std::vector<std::string>{"ERROR", "NEXT"}));
  }

  // A client sending an endless line must not make us buffer it.
  void testLineReaderDropsAnOverlongLineAsItArrives() {
    LineReader r(100);
    const std::string junk(1000, 'x');
    std::vector<std::string> got;
    for (int i = 0; i < 100; ++i) {
      r.feed(junk);
      for (auto& l : drain(r)) got.push_back(l);
      CPPUNIT_ASSERT(r.buffered() <= 101);
    }
    r.feed("x\r\nQUIT\r\n");
    for (auto& l : drain(r)) got.push_back(l);
    CPPUNIT_ASSERT(got == (std::vector<std::string>{"ERROR", "QUIT"}));
  }

  // The CR of a line of max_line bytes may arrive before its LF: it is not content yet.
  void testLineReaderAcceptsALineOfExactlyMaxLineWithItsCrlfSplit() {
    LineReader r(10);
    r.feed("0123456789\r");
    CPPUNIT_ASSERT(!r.next().has_value());
    r.feed("\n");
    CPPUNIT_ASSERT(drain(r) == std::vector<std::string>{"0123456789"});
  }

  // 1.2 MB of pipelined commands in one feed: copying the rest of the buffer for each
  // line would take minutes; the reader must compact only now and then.
  void testLineReaderReadsManyLinesFromOneFeedInLinearTime() {
    constexpr size_t kLines = 200000;
    std::string stream;
    for (size_t i = 0; i < kLines; ++i) stream += "NOOP\r\n";
    LineReader r;
    r.feed(stream);
    size_t n = 0;
    while (auto line = r.next()) {
      CPPUNIT_ASSERT(line->ok() && line->value() == "NOOP");
      ++n;
    }
    CPPUNIT_ASSERT_EQUAL(kLines, n);
    CPPUNIT_ASSERT(r.empty());
  }

  // RFC 2920 §3.1: the client may send the message right behind DATA's line only after
  // the 354, but whatever came with it belongs to the DataReader.
  void testTakeRestHandsOverTheBytesAfterTheDataCommand() {
    LineReader r;
    r.feed("DATA\r\nSubject: x\r\n");
    auto line = r.next();
    CPPUNIT_ASSERT(line && line->ok());
    CPPUNIT_ASSERT_EQUAL(std::string("DATA"), line->value());
    CPPUNIT_ASSERT_EQUAL(size_t{12}, r.buffered());
    CPPUNIT_ASSERT_EQUAL(std::string("Subject: x\r\n"), r.take_rest());
    CPPUNIT_ASSERT(r.empty());
    CPPUNIT_ASSERT(!r.next().has_value());
    r.feed("QUIT\r\n");
    CPPUNIT_ASSERT(drain(r) == std::vector<std::string>{"QUIT"});
  }

  // ---- parse_command

  // RFC 5321 §4.1.1.1; LHLO is RFC 2033 §4.1.
  void testHeloEhloLhloTakeTheDomain() {
    Command c = parse_ok("EHLO mx.example.org");
    CPPUNIT_ASSERT(c.verb == Verb::kEhlo);
    CPPUNIT_ASSERT_EQUAL(std::string("EHLO"), c.word);
    CPPUNIT_ASSERT_EQUAL(std::string("mx.example.org"), c.argument);
    c = parse_ok("helo  [192.0.2.1] ");
    CPPUNIT_ASSERT(c.verb == Verb::kHelo);
    CPPUNIT_ASSERT_EQUAL(std::string("HELO"), c.word);
    CPPUNIT_ASSERT_EQUAL(std::string("[192.0.2.1]"), c.argument);
    c = parse_ok("LHLO filter.example");
    CPPUNIT_ASSERT(c.verb == Verb::kLhlo);
    CPPUNIT_ASSERT_EQUAL(std::string("filter.example"), c.argument);
  }

  void testHeloWithoutDomainIsAnError() {
    assert_syntax_error("EHLO");
    assert_syntax_error("HELO   ");
  }

  // RFC 5321 §4.1.1.2 and §4.5.5: "MAIL FROM:<>" is the null reverse-path.
  void testMailFromNullSender() {
    Command c = parse_ok("MAIL FROM:<>");
    CPPUNIT_ASSERT(c.verb == Verb::kMail);
    CPPUNIT_ASSERT_EQUAL(std::string(""), c.argument);
    CPPUNIT_ASSERT(c.params.empty());
  }

  // RFC 5321 §4.1.2 Mail-parameters; SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8
  // (RFC 6531) and the DSN parameters (RFC 3461 §4) as real clients send them.
  void testMailParametersKeepTheirOrderWithKeywordsUpperCased() {
    Command c = parse_ok("MAIL FROM:<a@b.example> size=1234 BODY=8BITMIME SMTPUTF8 RET=HDRS");
    CPPUNIT_ASSERT_EQUAL(std::string("a@b.example"), c.argument);
    CPPUNIT_ASSERT(
        c.params ==
        (Params{{"SIZE", "1234"}, {"BODY", "8BITMIME"}, {"SMTPUTF8", ""}, {"RET", "HDRS"}}));
    c = parse_ok("RCPT TO:<u@d.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;u+40d.example");
    CPPUNIT_ASSERT(c.verb == Verb::kRcpt);
    CPPUNIT_ASSERT(c.params ==
                   (Params{{"NOTIFY", "SUCCESS,FAILURE"}, {"ORCPT", "rfc822;u+40d.example"}}));
  }

  // RFC 5321 §2.4: keywords are case-insensitive. The space after the colon is not in
  // §4.1.2's grammar, but Postfix and many servers accept it.
  void testFromAndToAreCaseInsensitiveAndASpaceAfterTheColonIsTolerated() {
    CPPUNIT_ASSERT_EQUAL(std::string("a@b.example"),
                         parse_ok("mail from:<a@b.example>").argument);
    CPPUNIT_ASSERT_EQUAL(std::string("a@b.example"),
                         parse_ok("MAIL From: <a@b.example>").argument);
    CPPUNIT_ASSERT_EQUAL(std::string("c@d.example"),
                         parse_ok("Rcpt tO: <c@d.example>").argument);
    CPPUNIT_ASSERT_EQUAL(std::string("MAIL"), parse_ok("mail FROM:<>").word);
  }

  // RFC 5321 §4.1.2 (A-d-l) and Appendix C: a source route is accepted and ignored.
  void testSourceRouteIsStripped() {
    Command c = parse_ok("RCPT TO:<@relay1.example,@relay2.example:user@d.example>");
    CPPUNIT_ASSERT_EQUAL(std::string("user@d.example"), c.argument);
    c = parse_ok("MAIL FROM:<@relay.example:joe@example.com> SIZE=10");
    CPPUNIT_ASSERT_EQUAL(std::string("joe@example.com"), c.argument);
    CPPUNIT_ASSERT(c.params == (Params{{"SIZE", "10"}}));
    assert_syntax_error("RCPT TO:<@relay.example>");
  }

  // RFC 5321 §4.1.2 Quoted-string local parts.
  void testQuotedLocalPartMayHoldSpacesAndBrackets() {
    Command c = parse_ok("RCPT TO:<\"john >doe\"@example.com> NOTIFY=NEVER");
    CPPUNIT_ASSERT_EQUAL(std::string("\"john >doe\"@example.com"), c.argument);
    CPPUNIT_ASSERT(c.params == (Params{{"NOTIFY", "NEVER"}}));
  }

  void testMalformedPathsAndParametersAreSyntaxErrors() {
    assert_syntax_error("MAIL FROM:a@b.example");   // no angle brackets
    assert_syntax_error("MAIL FROM:<a@b.example");  // no closing bracket
    assert_syntax_error("MAIL TO:<a@b.example>");   // wrong keyword
    assert_syntax_error("MAIL <a@b.example>");      // no keyword
    assert_syntax_error("RCPT TO:<>");              // only MAIL may be null
    assert_syntax_error("MAIL FROM:<a b@c.example>");
    assert_syntax_error("MAIL FROM:<a@b.example>SIZE=1");
    assert_syntax_error("MAIL FROM:<a@b.example> =1");
    assert_syntax_error("MAIL FROM:<a@b.example> SIZE=");
    assert_syntax_error(std::string("MAIL FROM:<a\x01@b.example>"));
    assert_syntax_error("MAIL FROM:<a@b.example> X\rY=1");  // not echoed with its CR
  }

  // RFC 5321 §4.2.4: an unknown command gets a 500 reply, which is the caller's
  // business; for the parser it is a command like any other.
  void testUnknownVerbIsNotAnError() {
    Command c = parse_ok("etrn example.com");
    CPPUNIT_ASSERT(c.verb == Verb::kUnknown);
    CPPUNIT_ASSERT_EQUAL(std::string("ETRN"), c.word);
    CPPUNIT_ASSERT_EQUAL(std::string("example.com"), c.argument);
    CPPUNIT_ASSERT(parse_ok("").verb == Verb::kUnknown);
    CPPUNIT_ASSERT(parse_ok("MAILFROM:<a@b>").verb == Verb::kUnknown);
  }

  // RFC 5321 §4.1.1.4 - §4.1.1.10, RFC 3207 §4, RFC 3030 §2 (BDAT).
  void testCommandsWithoutPaths() {
    CPPUNIT_ASSERT(parse_ok("data").verb == Verb::kData);
    CPPUNIT_ASSERT(parse_ok("RSET").verb == Verb::kRset);
    CPPUNIT_ASSERT(parse_ok("QUIT").verb == Verb::kQuit);
    CPPUNIT_ASSERT(parse_ok("STARTTLS").verb == Verb::kStartTls);
    CPPUNIT_ASSERT(parse_ok("HELP").verb == Verb::kHelp);
    Command c = parse_ok("NOOP still there?");
    CPPUNIT_ASSERT(c.verb == Verb::kNoop);
    CPPUNIT_ASSERT_EQUAL(std::string("still there?"), c.argument);
    c = parse_ok("VRFY postmaster");
    CPPUNIT_ASSERT(c.verb == Verb::kVrfy);
    CPPUNIT_ASSERT_EQUAL(std::string("postmaster"), c.argument);
    c = parse_ok("BDAT 1000 LAST");
    CPPUNIT_ASSERT(c.verb == Verb::kBdat);
    CPPUNIT_ASSERT_EQUAL(std::string("1000 LAST"), c.argument);
    assert_syntax_error("DATA now");
    assert_syntax_error("RSET everything");
    assert_syntax_error("STARTTLS please");
  }

  // Postfix XFORWARD_README: "XFORWARD attribute=value ...".
  void testXforwardCommandKeepsTheRawAttributes() {
    Command c = parse_ok("XFORWARD NAME=mx.example ADDR=192.0.2.1 HELO=a+20b");
    CPPUNIT_ASSERT(c.verb == Verb::kXforward);
    CPPUNIT_ASSERT_EQUAL(std::string("NAME=mx.example ADDR=192.0.2.1 HELO=a+20b"), c.argument);
    assert_syntax_error("XFORWARD");
  }

  void testFormatPathCommandWritesWhatParseCommandReads() {
    CPPUNIT_ASSERT_EQUAL(std::string("MAIL FROM:<>"),
                         smtp::format_path_command("MAIL FROM:", "", {}));
    const Params params{{"SIZE", "1234"}, {"BODY", "8BITMIME"}, {"SMTPUTF8", ""}};
    std::string line = smtp::format_path_command("MAIL FROM:", "joe@example.com", params);
    CPPUNIT_ASSERT_EQUAL(
        std::string("MAIL FROM:<joe@example.com> SIZE=1234 BODY=8BITMIME SMTPUTF8"), line);
    Command c = parse_ok(line);
    CPPUNIT_ASSERT_EQUAL(std::string("joe@example.com"), c.argument);
    CPPUNIT_ASSERT(c.params == params);
    CPPUNIT_ASSERT_EQUAL(
        std::string("RCPT TO:<u@d.example> NOTIFY=NEVER"),
        smtp::format_path_command("RCPT TO:", "u@d.example", {{"NOTIFY", "NEVER"}}));
  }

  // ---- XFORWARD

  // XFORWARD_README: values are xtext (RFC 3461 §4); names are case-insensitive.
  void testXforwardValuesAreXtextDecoded() {
    Xforward x;
    CPPUNIT_ASSERT(smtp::parse_xforward(
        "NAME=mx.example.com addr=IPV6:2001:db8::1 HELO=client+2Bname+3Dx PROTO=ESMTP", x));
    CPPUNIT_ASSERT_EQUAL(std::string("mx.example.com"), *x.find("NAME"));
    CPPUNIT_ASSERT_EQUAL(std::string("IPV6:2001:db8::1"), *x.find("ADDR"));
    CPPUNIT_ASSERT_EQUAL(std::string("client+name=x"), *x.find("HELO"));
    CPPUNIT_ASSERT_EQUAL(std::string("ESMTP"), *x.find("PROTO"));
    CPPUNIT_ASSERT(x.find("IDENT") == nullptr);
  }

  // XFORWARD_README: "[UNAVAILABLE]" when the information is not available,
  // "[TEMPUNAVAIL]" when a lookup failed temporarily; passed on as they are.
  void testXforwardKeepsUnavailableMarkers() {
    Xforward x;
    CPPUNIT_ASSERT(smtp::parse_xforward("NAME=[TEMPUNAVAIL] IDENT=[UNAVAILABLE] PORT=25", x));
    CPPUNIT_ASSERT_EQUAL(std::string("[TEMPUNAVAIL]"), *x.find("NAME"));
    CPPUNIT_ASSERT_EQUAL(std::string("[UNAVAILABLE]"), *x.find("IDENT"));
    auto lines = smtp::format_xforward(x, {"NAME", "IDENT", "PORT"});
    CPPUNIT_ASSERT(lines == std::vector<std::string>{
                                "XFORWARD NAME=[TEMPUNAVAIL] IDENT=[UNAVAILABLE] PORT=25"});
  }

  // Postfix smtpd answers an attribute it does not know with 501.
  void testXforwardUnknownAttributeIsAnErrorAndChangesNothing() {
    Xforward x;
    x.set("NAME", "before.example");
    Status s = smtp::parse_xforward("NAME=after.example FOO=bar", x);
    CPPUNIT_ASSERT(!s.ok());
    CPPUNIT_ASSERT(s.message().find("FOO") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("before.example"), *x.find("NAME"));
    CPPUNIT_ASSERT_EQUAL(size_t{1}, x.attributes.size());
    s = smtp::parse_xforward("NA\rME=x", x);
    CPPUNIT_ASSERT(!s.ok());
    CPPUNIT_ASSERT(s.message().find('\r') == std::string::npos);
  }

  // XFORWARD_README: a client may send several XFORWARD commands; later ones update.
  void testLaterXforwardCommandsReplaceEarlierValues() {
    Xforward x;
    CPPUNIT_ASSERT(smtp::parse_xforward("NAME=first.example ADDR=192.0.2.1", x));
    CPPUNIT_ASSERT(smtp::parse_xforward("name=second.example PORT=2525", x));
    CPPUNIT_ASSERT(
        x.attributes ==
        (Params{{"NAME", "second.example"}, {"ADDR", "192.0.2.1"}, {"PORT", "2525"}}));
  }

  void testXforwardMalformedValuesAreErrors() {
    Xforward x;
    CPPUNIT_ASSERT(!smtp::parse_xforward("HELO=bad+XZ", x).ok());
    CPPUNIT_ASSERT(!smtp::parse_xforward("HELO=a+0D+0AQUIT", x).ok());  // no line breaks
    CPPUNIT_ASSERT(!smtp::parse_xforward("NAME", x).ok());
    CPPUNIT_ASSERT(!smtp::parse_xforward("=x", x).ok());
    CPPUNIT_ASSERT(!smtp::parse_xforward("", x).ok());
    CPPUNIT_ASSERT(x.empty());
  }

  // XFORWARD_README: the client sends only what the server listed after "XFORWARD".
  void testFormatXforwardSendsOnlySupportedAttributes() {
    Xforward x;
    x.set("NAME", "mx.example");
    x.set("ADDR", "192.0.2.1");
    x.set("IDENT", "4XyZ1234");
    x.set("SOURCE", "REMOTE");
    CPPUNIT_ASSERT(smtp::format_xforward(x, {"name", "ADDR", "PROTO", "HELO"}) ==
                   std::vector<std::string>{"XFORWARD NAME=mx.example ADDR=192.0.2.1"});
    CPPUNIT_ASSERT(smtp::format_xforward(x, {}).empty());
    CPPUNIT_ASSERT(smtp::format_xforward(Xforward(), {"NAME"}).empty());
  }

  // RFC 3461 §4: '+', '=', space and bytes outside 33..126 go as "+XX".
  void testFormatXforwardEncodesValues() {
    Xforward x;
    x.set("HELO", "a b+c=d\xc3\xa9");
    CPPUNIT_ASSERT(smtp::format_xforward(x, {"HELO"}) ==
                   std::vector<std::string>{"XFORWARD HELO=a+20b+2Bc+3Dd+C3+A9"});
  }

  // RFC 5321 §4.5.3.1.4: 512 octets per command line, CRLF included.
  void testFormatXforwardLinesFitIn512Bytes() {
    const std::vector<std::string> all = {"NAME", "ADDR",  "PORT",  "PROTO",
                                          "HELO", "IDENT", "SOURCE"};
    Xforward x;
    for (const auto& name : all) x.set(name, std::string(200, 'v') + " " + name);
    auto lines = smtp::format_xforward(x, all);
    CPPUNIT_ASSERT(lines.size() >= 3);
    Xforward back;
    for (const auto& line : lines) {
      CPPUNIT_ASSERT(line.size() + 2 <= 512);
      Command c = parse_ok(line);
      CPPUNIT_ASSERT(c.verb == Verb::kXforward);
      CPPUNIT_ASSERT(smtp::parse_xforward(c.argument, back));
    }
    CPPUNIT_ASSERT(back.attributes == x.attributes);

    // A single value too long for a line is cut, never inside a "+XX".
    Xforward big;
    std::string helo;
    for (int i = 0; i < 400; ++i) helo += "a=";
    big.set("HELO", helo);
    lines = smtp::format_xforward(big, {"HELO"});
    CPPUNIT_ASSERT_EQUAL(size_t{1}, lines.size());
    CPPUNIT_ASSERT(lines[0].size() + 2 <= 512);
    Xforward cut;
    CPPUNIT_ASSERT(smtp::parse_xforward(parse_ok(lines[0]).argument, cut));
    CPPUNIT_ASSERT(helo.starts_with(*cut.find("HELO")));
    CPPUNIT_ASSERT(cut.find("HELO")->size() > 100);
  }

  // ---- xtext (RFC 3461 §4)

  void testXtextRoundTripsEveryByte() {
    std::string all;
    for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
    std::string encoded = smtp::xtext_encode(all);
    for (char c : encoded) CPPUNIT_ASSERT(c >= 33 && c <= 126 && c != '=');
    auto decoded = smtp::xtext_decode(encoded);
    CPPUNIT_ASSERT(decoded.ok());
    CPPUNIT_ASSERT(*decoded == all);
    CPPUNIT_ASSERT_EQUAL(std::string("a+2Bb+3Dc+20d"), smtp::xtext_encode("a+b=c d"));
    CPPUNIT_ASSERT_EQUAL(std::string("plain.example"), smtp::xtext_encode("plain.example"));
  }

  void testXtextBadEscapeIsAnError() {
    CPPUNIT_ASSERT(!smtp::xtext_decode("+XZ").ok());
    CPPUNIT_ASSERT(!smtp::xtext_decode("+G0").ok());
    CPPUNIT_ASSERT(!smtp::xtext_decode("abc+4").ok());
    CPPUNIT_ASSERT(!smtp::xtext_decode("abc+").ok());
    CPPUNIT_ASSERT_EQUAL(std::string("a+b"), *smtp::xtext_decode("a+2Bb"));
  }

  // ---- DataReader

  // RFC 5321 §4.5.2: a leading '.' on a line with more on it is deleted.
  void testDataReaderUndoesDotStuffing() {
    DataRun r = read_data("..leading\r\n...two\r\nplain.dot\r\n..\r\n.\r\n");
    CPPUNIT_ASSERT(r.done);
    CPPUNIT_ASSERT_EQUAL(std::string(".leading\r\n..two\r\nplain.dot\r\n.\r\n"), r.content);
  }

  // RFC 5321 §4.1.1.4: the data ends at "<CRLF>.<CRLF>", wherever the network splits it.
  void testDataReaderFindsTheEndAtEveryTwoWaySplit() {
    const std::string body = "Subject: x\r\n\r\n..dot\r\n.\r\r\nbody\r\n";
    const std::string stream = body + ".\r\nQUIT\r\n";
    const std::string want = "Subject: x\r\n\r\n.dot\r\n\r\r\nbody\r\n";
    for (size_t k = 0; k <= stream.size(); ++k) {
      std::string_view s = stream;
      DataRun r = read_data({s.substr(0, k), s.substr(k)});
      CPPUNIT_ASSERT_MESSAGE("split at " + std::to_string(k), r.done);
      CPPUNIT_ASSERT_EQUAL(want, r.content);
      CPPUNIT_ASSERT_EQUAL(body.size() + 3, r.consumed);
    }
  }

  void testDataReaderFindsTheEndFedOneByteAtATime() {
    const std::string stream = "a\r\n..b\r\n.c\r\n\r\n.\r\nQUIT\r\n";
    DataRun r = read_bytewise(stream);
    CPPUNIT_ASSERT(r.done);
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\n.b\r\nc\r\n\r\n"), r.content);
    CPPUNIT_ASSERT_EQUAL(stream.find("QUIT"), r.consumed);
  }

  // Right after the 354 the client is at the start of a line, so ".<CRLF>" alone is an
  // empty message (the CRLF of the DATA line is the first half of the end marker).
  void testDataReaderEmptyMessage() {
    DataRun r = read_data(".\r\n");
    CPPUNIT_ASSERT(r.done);
    CPPUNIT_ASSERT_EQUAL(std::string(""), r.content);
    CPPUNIT_ASSERT_EQUAL(size_t{3}, r.consumed);
    CPPUNIT_ASSERT_EQUAL(size_t{0}, r.pieces);
    r = read_bytewise(".\r\n");
    CPPUNIT_ASSERT(r.done);
    CPPUNIT_ASSERT_EQUAL(std::string(""), r.content);
  }

  // RFC 2920 §3.1: with pipelining, the next command may follow the end marker in the
  // same packet; it is not message content.
  void testDataReaderLeavesPipelinedBytesAfterTheEnd() {
    DataReader reader;
    std::string content;
    auto sink = [&](std::string_view p) { content.append(p); };
    const std::string stream = "Subject: y\r\n.\r\nMAIL FROM:<>\r\n";
    CPPUNIT_ASSERT_EQUAL(stream.find("MAIL"), reader.feed(stream, sink));
    CPPUNIT_ASSERT(reader.done());
    CPPUNIT_ASSERT_EQUAL(std::string("Subject: y\r\n"), content);
    CPPUNIT_ASSERT_EQUAL(uint64_t{12}, reader.size());
    CPPUNIT_ASSERT_EQUAL(size_t{0}, reader.feed("RCPT TO:<a@b>\r\n", sink));
    CPPUNIT_ASSERT_EQUAL(std::string("Subject: y\r\n"), content);
  }

  // RFC 5321 §4.1.1.4 and §2.3.8: only CRLF ends a line, so a '.' line after a bare LF
  // or a bare CR does not end the data (reading it otherwise than the next hop would is
  // how SMTP smuggling works).
  void testDataReaderEndNeedsCrlfOnBothSides() {
    DataRun r = read_data("x\n.\r\ny\r.\r\nz\r\n.\nw\r\n.\r\n");
    CPPUNIT_ASSERT(r.done);
    CPPUNIT_ASSERT_EQUAL(std::string("x\n.\r\ny\r.\r\nz\r\n\nw\r\n"), r.content);
  }

  // Past max_bytes nothing more is handed on, but the reader still looks for the end so
  // the session stays in step and can answer 552 (RFC 5321 §4.5.3.1.10).
  void testDataReaderSizeLimitDropsTheExcessButFindsTheEnd() {
    const std::string stream = "0123456789ABCDEF\r\n..more\r\n.\r\nQUIT\r\n";
    std::string_view s = stream;
    DataRun r = read_data({s.substr(0, 4), s.substr(4, 9), s.substr(13)}, {.max_bytes = 10});
    CPPUNIT_ASSERT(r.done);
    CPPUNIT_ASSERT_EQUAL(std::string("0123456789"), r.content);
    CPPUNIT_ASSERT_EQUAL(stream.find("QUIT"), r.consumed);

    DataReader reader({.max_bytes = 10});
    std::string content;
    (void)reader.feed(stream, [&](std::string_view p) { content.append(p); });
    CPPUNIT_ASSERT(reader.too_big());
    CPPUNIT_ASSERT_EQUAL(uint64_t{25}, reader.size());  // all of the message, counted

    DataReader exact({.max_bytes = 10});
    (void)exact.feed("01234567\r\n.\r\n", [](std::string_view) {});
    CPPUNIT_ASSERT(exact.done());
    CPPUNIT_ASSERT(!exact.too_big());
  }

  // RFC 5321 §4.5.3.1.6: 998 octets per text line without CRLF; here max_line = 5.
  void testDataReaderLineLimit() {
    auto too_long = [](std::vector<std::string_view> parts) {
      DataReader reader({.max_line = 5});
      std::string content;
      for (auto p : parts) (void)reader.feed(p, [&](std::string_view d) { content.append(d); });
      CPPUNIT_ASSERT(reader.done());
      return reader.line_too_long();
    };
    CPPUNIT_ASSERT(!too_long({"12345\r\n.\r\n"}));
    CPPUNIT_ASSERT(!too_long({"12345\r", "\n.\r\n"}));
    CPPUNIT_ASSERT(!too_long({"12345\n12345\r\n.\r\n"}));
    CPPUNIT_ASSERT(too_long({"123456\r\n.\r\n"}));
    CPPUNIT_ASSERT(too_long({"123", "456", "\r\n.\r\n"}));
    CPPUNIT_ASSERT(too_long({"ok\r\n1234567890", "\r\n.\r\n"}));

    DataRun r = read_data({"123456789\r\n.\r\n"}, {.max_line = 5});
    CPPUNIT_ASSERT_EQUAL(std::string("123456789\r\n"), r.content);  // still handed on
  }

  // The reader hands on spans of its input, not lines or bytes.
  void testDataReaderHandsOnLargeChunksWhole() {
    std::string body;
    while (body.size() < 1000000) body += "A line of ordinary text, nothing to unstuff.\r\n";
    DataRun r = read_data(body + ".\r\n");
    CPPUNIT_ASSERT(r.done);
    CPPUNIT_ASSERT(r.content == body);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, r.pieces);
  }

  // ---- DataWriter

  // RFC 5321 §4.5.2: the sender doubles a '.' that begins a line.
  void testDataWriterStuffsLeadingDots() {
    CPPUNIT_ASSERT_EQUAL(std::string("..a\r\n...b\r\nc.d\r\n..\r\n.\r\n"),
                         write_data({".a\r\n..b\r\nc.d\r\n."}));
    CPPUNIT_ASSERT_EQUAL(std::string("x\r\n..\r\n.\r\n"), write_data({"x\r\n", ".\r\n"}));
  }

  // RFC 5321 §2.3.8: lines end in CRLF on the wire.
  void testDataWriterTurnsBareLfIntoCrlfAndKeepsCrlf() {
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\nb\r\n\r\n..c\r\n.\r\n"),
                         write_data({"a\nb\r\n\n.c\n"}));
    CPPUNIT_ASSERT_EQUAL(std::string("bare\rcr\r\n.\r\n"), write_data({"bare\rcr\r\n"}));
  }

  void testDataWriterFinishAddsTheMissingLineEnding() {
    CPPUNIT_ASSERT_EQUAL(std::string("abc\r\n.\r\n"), write_data({"abc"}));
    CPPUNIT_ASSERT_EQUAL(std::string("abc\r\n.\r\n"), write_data({"abc\r\n"}));
    CPPUNIT_ASSERT_EQUAL(std::string("abc\r\n.\r\n"), write_data({"abc\r"}));
    CPPUNIT_ASSERT_EQUAL(std::string(".\r\n"), write_data({}));
    CPPUNIT_ASSERT_EQUAL(std::string(".\r\n"), write_data({"", ""}));
  }

  void testDataWriterChunkBoundaryBetweenCrAndLf() {
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\nb\r\n.\r\n"), write_data({"a\r", "\nb"}));
    CPPUNIT_ASSERT_EQUAL(std::string("a\r\n..b\r\n.\r\n"), write_data({"a\r", "\n", ".b"}));
    CPPUNIT_ASSERT_EQUAL(std::string("a\r.b\r\n.\r\n"), write_data({"a\r", ".b"}));
  }

  void testDataWriterOutputDoesNotDependOnChunking() {
    const std::string content = ".top\nmiddle\r\n..\r\n\r\n.\nlast\r.x";
    const std::string want = write_data({content});
    std::string_view c = content;
    for (size_t k = 0; k <= content.size(); ++k)
      CPPUNIT_ASSERT_EQUAL(want, write_data({c.substr(0, k), c.substr(k)}));
    std::vector<std::string_view> bytes;
    for (size_t i = 0; i < c.size(); ++i) bytes.push_back(c.substr(i, 1));
    CPPUNIT_ASSERT_EQUAL(want, write_data(bytes));
  }

  // Content that needs no change is handed on as it came, without copying per line;
  // content with many changes is gathered into a few pieces, not one per line.
  void testDataWriterHandsOnLargeChunksWhole() {
    const std::string_view crlf_line = "An ordinary line of a message body.\r\n";
    const std::string_view lf_line = ".A dot-stuffed line, ending in a bare LF\n";
    constexpr size_t kLines = 25000;
    std::string crlf, lf;
    for (size_t i = 0; i < kLines; ++i) {
      crlf += crlf_line;
      lf += lf_line;
    }
    size_t pieces = 0;
    CPPUNIT_ASSERT(write_data({crlf}, &pieces) == crlf + ".\r\n");
    CPPUNIT_ASSERT(pieces <= 2);
    std::string out = write_data({lf}, &pieces);
    CPPUNIT_ASSERT_EQUAL(lf.size() + 2 * kLines + 3, out.size());  // a '.' and a CR a line
    CPPUNIT_ASSERT(pieces < kLines / 10);
  }

  // What the writer sends, the reader reads back as it was (line ends as CRLF).
  void testWriterThenReaderGivesTheContentBack() {
    const std::vector<std::string> contents = {
        "",           ".",        "..",           ".\r\n",       "\r\n.\r\n", "x\n.\n",
        "a\r\n.b\nc", "\r\n\r\n", "line\r\n..\r", ".\r\n.\r\n.", "last\r",    "x\r.\r\ny"};
    for (const std::string& content : contents) {
      std::string wire = write_data({content});
      DataRun r = read_bytewise(wire + "QUIT\r\n");
      CPPUNIT_ASSERT_MESSAGE(wire, r.done);
      CPPUNIT_ASSERT_EQUAL(wire.size(), r.consumed);
      CPPUNIT_ASSERT_EQUAL(crlf_normalized(content), r.content);
    }
  }

  // ---- ReplyReader

  // RFC 5321 §4.2 and RFC 2034 §4: "250 2.0.0 Ok".
  void testSingleLineReplyWithEnhancedCode() {
    Reply r = read_reply("250 2.0.0 Ok\r\n");
    CPPUNIT_ASSERT_EQUAL(250, r.code);
    CPPUNIT_ASSERT_EQUAL(std::string("2.0.0"), r.enhanced);
    CPPUNIT_ASSERT(r.lines == std::vector<std::string>{"2.0.0 Ok"});
    CPPUNIT_ASSERT_EQUAL(std::string("Ok"), r.text());
    CPPUNIT_ASSERT(r.positive() && !r.transient() && !r.permanent());

    r = read_reply("451 4.3.0 Try again later\r\n");
    CPPUNIT_ASSERT(r.transient());
    CPPUNIT_ASSERT_EQUAL(std::string("4.3.0"), r.enhanced);
    r = read_reply("221\r\n");
    CPPUNIT_ASSERT_EQUAL(221, r.code);
    CPPUNIT_ASSERT(r.lines == std::vector<std::string>{""});
    CPPUNIT_ASSERT_EQUAL(std::string(""), r.enhanced);
  }

  // RFC 5321 §4.2.1: "250-" lines continue, a "250 " line ends the reply.
  void testMultiLineReply() {
    Reply r = read_reply(
        "250-mx.example\r\n250-PIPELINING\r\n250-XFORWARD NAME ADDR PROTO HELO\r\n250 "
        "8BITMIME\r\n");
    CPPUNIT_ASSERT_EQUAL(250, r.code);
    CPPUNIT_ASSERT_EQUAL(std::string(""), r.enhanced);
    CPPUNIT_ASSERT(r.lines ==
                   (std::vector<std::string>{"mx.example", "PIPELINING",
                                             "XFORWARD NAME ADDR PROTO HELO", "8BITMIME"}));
    r = read_reply("550-5.7.1 Rejected by policy\r\n550 5.7.1 see https://example.org/why\r\n");
    CPPUNIT_ASSERT(r.permanent());
    CPPUNIT_ASSERT_EQUAL(std::string("5.7.1"), r.enhanced);
    CPPUNIT_ASSERT_EQUAL(std::string("Rejected by policy; see https://example.org/why"),
                         r.text());
  }

  // RFC 3463 §2 / RFC 2034 §4: the class of the enhanced code matches the reply's.
  void testEnhancedCodeOfAnotherClassIsNotTaken() {
    CPPUNIT_ASSERT_EQUAL(std::string(""), read_reply("250 5.0.0 odd\r\n").enhanced);
    CPPUNIT_ASSERT_EQUAL(std::string(""), read_reply("250 2.0 short\r\n").enhanced);
    CPPUNIT_ASSERT_EQUAL(std::string(""), read_reply("250 2.0.0Ok\r\n").enhanced);
    CPPUNIT_ASSERT_EQUAL(std::string("2.1.5"), read_reply("250 2.1.5\r\n").enhanced);
  }

  // RFC 5321 §4.2.1: every line of a multi-line reply carries the same code.
  void testReplyCodesDifferingBetweenLinesAreAnError() {
    CPPUNIT_ASSERT(reply_fails("250-first\r\n251 second\r\n"));
  }

  void testReplyWithoutThreeDigitCodeIsAnError() {
    CPPUNIT_ASSERT(reply_fails("hello\r\n"));
    CPPUNIT_ASSERT(reply_fails("2x0 no\r\n"));
    CPPUNIT_ASSERT(reply_fails("25\r\n"));
    CPPUNIT_ASSERT(reply_fails("250+what\r\n"));
    CPPUNIT_ASSERT(reply_fails("650 no such class\r\n"));
  }

  void testReplyWithTooManyLinesIsAnError() {
    CPPUNIT_ASSERT(!reply_fails("250-a\r\n250-b\r\n250 c\r\n", 3));
    CPPUNIT_ASSERT(reply_fails("250-a\r\n250-b\r\n250-c\r\n250 d\r\n", 3));
  }

  // RFC 2920 §3.2: a pipelining client reads several replies from one stream.
  void testPipelinedRepliesSplitAtEveryByte() {
    const std::string stream =
        "250 2.1.0 Ok\r\n250-2.1.5 Ok\r\n250 2.1.5 more\r\n354 End data\r\n";
    for (size_t k = 0; k <= stream.size(); ++k) {
      ReplyReader r;
      std::vector<Reply> got;
      for (std::string_view part :
           {std::string_view(stream).substr(0, k), std::string_view(stream).substr(k)}) {
        r.feed(part);
        while (auto reply = r.next()) {
          CPPUNIT_ASSERT(reply->ok());
          got.push_back(reply->value());
        }
      }
      CPPUNIT_ASSERT_EQUAL(size_t{3}, got.size());
      CPPUNIT_ASSERT_EQUAL(std::string("2.1.0"), got[0].enhanced);
      CPPUNIT_ASSERT_EQUAL(std::string("Ok; more"), got[1].text());
      CPPUNIT_ASSERT_EQUAL(354, got[2].code);
    }
  }

  // ---- format_reply

  void testFormatReplySingleLine() {
    CPPUNIT_ASSERT_EQUAL(std::string("250 2.0.0 Ok\r\n"),
                         smtp::format_reply(250, "2.0.0", "Ok"));
    CPPUNIT_ASSERT_EQUAL(std::string("220 mx.example ESMTP\r\n"),
                         smtp::format_reply(220, "", "mx.example ESMTP"));
    CPPUNIT_ASSERT_EQUAL(std::string("250 2.0.0\r\n"), smtp::format_reply(250, "2.0.0", ""));
  }

  // RFC 5321 §4.2.1 multi-line replies; RFC 2034 §4: each line carries the code.
  void testFormatReplyMultiLineRepeatsTheEnhancedCode() {
    CPPUNIT_ASSERT_EQUAL(
        std::string("550-5.7.1 first\r\n550-5.7.1 second\r\n550 5.7.1 third\r\n"),
        smtp::format_reply(550, "5.7.1", "first\nsecond\nthird"));
    CPPUNIT_ASSERT_EQUAL(std::string("250-mx.example\r\n250 PIPELINING\r\n"),
                         smtp::format_reply(250, "", "mx.example\nPIPELINING\n"));
  }

  // A CR or LF in a text would end the reply early and let the text forge another.
  void testFormatReplyDropsControlCharacters() {
    CPPUNIT_ASSERT_EQUAL(std::string("451 4.3.0 bad250 forged\r\n"),
                         smtp::format_reply(451, "4.3.0", "bad\r250 forged\x01\x7f"));
    CPPUNIT_ASSERT_EQUAL(std::string("451 4.3.0 tabgone\r\n"),
                         smtp::format_reply(451, "4.3.0", "tab\tgone"));
  }

  // RFC 5321 §4.5.3.1.5: 512 octets per reply line, CRLF included.
  void testFormatReplyLinesFitIn512Bytes() {
    std::string out = smtp::format_reply(550, "5.7.1", std::string(600, 'x') + "\nshort");
    size_t first = out.find("\r\n");
    CPPUNIT_ASSERT_EQUAL(size_t{510}, first);
    CPPUNIT_ASSERT(out.ends_with("550 5.7.1 short\r\n"));
  }

  void testFormattedReplyReadsBack() {
    Reply r = read_reply(smtp::format_reply(554, "5.7.0", "one\ntwo"));
    CPPUNIT_ASSERT_EQUAL(554, r.code);
    CPPUNIT_ASSERT_EQUAL(std::string("5.7.0"), r.enhanced);
    CPPUNIT_ASSERT_EQUAL(std::string("one; two"), r.text());
  }

  // ---- queued_as

  // Postfix smtpd's reply to the end of data: "250 2.0.0 Ok: queued as QUEUEID".
  void testQueuedAs() {
    CPPUNIT_ASSERT_EQUAL(std::string("4XyZ1234"),
                         smtp::queued_as(read_reply("250 2.0.0 Ok: queued as 4XyZ1234\r\n")));
    CPPUNIT_ASSERT_EQUAL(std::string("4Xq1Zk3yzBz9"),
                         smtp::queued_as(read_reply("250 Ok: queued as 4Xq1Zk3yzBz9\r\n")));
    CPPUNIT_ASSERT_EQUAL(std::string(""), smtp::queued_as(read_reply("250 2.0.0 Ok\r\n")));
    CPPUNIT_ASSERT_EQUAL(std::string(""),
                         smtp::queued_as(read_reply("451 4.3.0 not queued as 4XyZ1234\r\n")));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProtocolTest);
