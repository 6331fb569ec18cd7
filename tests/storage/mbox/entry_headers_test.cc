#include "storage/mbox/entry_headers.h"

#include <catch2/catch.hpp>

namespace mailhoard::mbox {
namespace {

TEST_CASE("the envelope sender comes from Return-Path, else From", "[mbox]") {
  CHECK(EnvelopeSender("Return-Path: <bounce@lists.example>\r\nFrom: Alice <a@example.org>\r\n"
                       "\r\n") == "bounce@lists.example");
  CHECK(EnvelopeSender("From: Alice <a@example.org>\r\nSubject: x\r\n\r\n") == "a@example.org");
  CHECK(EnvelopeSender("From: a@example.org (Alice)\n\n") == "a@example.org");
  CHECK(EnvelopeSender("from: \"A, B\" <ab@example.org>, c@example.org\n\n") == "ab@example.org");
  CHECK(EnvelopeSender("From:\n <folded@example.org>\n\n") == "folded@example.org");
  // The null sender of a bounce, and addresses a reader would split.
  CHECK(EnvelopeSender("Return-Path: <>\nFrom: a@example.org\n\n") == "MAILER-DAEMON");
  CHECK(EnvelopeSender("From: <\"a b\"@example.org>\n\n") == "MAILER-DAEMON");
  CHECK(EnvelopeSender("Return-Path: <a b@x>\nFrom: c@example.org\n\n") == "c@example.org");
  CHECK(EnvelopeSender("Subject: none\n\n") == "MAILER-DAEMON");
  CHECK(EnvelopeSender("") == "MAILER-DAEMON");
  // Only the header counts.
  CHECK(EnvelopeSender("Subject: x\n\nFrom: body@example.org\n") == "MAILER-DAEMON");
}

TEST_CASE("the From line carries an asctime date in UTC", "[mbox]") {
  CHECK(FromLine("a@example.org", 1704103200) == "From a@example.org Mon Jan  1 10:00:00 2024");
  CHECK(FromLine("MAILER-DAEMON", 1795756980) == "From MAILER-DAEMON Fri Nov 27 05:23:00 2026");
}

TEST_CASE("flag headers as Dovecot's mbox writes them", "[mbox]") {
  using V = std::vector<std::string>;
  CHECK(FlagHeaders("", "") == V{"Status: O"});
  CHECK(FlagHeaders("S", "") == V{"Status: RO"});
  CHECK(FlagHeaders("DFPRST", "") == V{"Status: RO", "X-Status: AFTD"});
  CHECK(FlagHeaders("R", "") == V{"Status: O", "X-Status: A"});
  CHECK(FlagHeaders("T", "") == V{"Status: O", "X-Status: D"});
  CHECK(FlagHeaders("D", "") == V{"Status: O", "X-Status: T"});
  CHECK(FlagHeaders("FS", "$label1  Work ") ==
        V{"Status: RO", "X-Status: F", "X-Keywords: $label1 Work"});
  CHECK(FlagHeaderNames() == V{"Status", "X-Status", "X-Keywords"});
}

}  // namespace
}  // namespace mailhoard::mbox
