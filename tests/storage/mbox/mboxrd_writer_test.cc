#include "storage/mbox/mboxrd_writer.h"

#include <catch2/catch.hpp>
#include <random>
#include <regex>

namespace mailhoard::mbox {
namespace {

const EntryFraming kPlain{"From a@example.org Mon Jan  1 10:00:00 2024", {}, {}};
const EntryFraming kFlags{"From a@example.org Mon Jan  1 10:00:00 2024",
                          {"Status: RO", "X-Status: AF"},
                          {"Status", "X-Status", "X-Keywords"}};

// The entry for `message` fed whole, one byte at a time and in random
// splits; all three must agree.
std::string Entry(const std::string& message, const EntryFraming& framing) {
  auto run = [&](const std::vector<size_t>& cuts) {
    std::string out;
    Sink sink = [&](std::string_view d) {
      out += d;
      return true;
    };
    MboxrdMessage m(sink, framing);
    size_t at = 0;
    for (size_t cut : cuts) {
      REQUIRE(m.Feed(std::string_view(message).substr(at, cut - at)));
      at = cut;
    }
    REQUIRE(m.Feed(std::string_view(message).substr(at)));
    REQUIRE(m.Finish());
    return out;
  };
  const std::string whole = run({});
  std::vector<size_t> every;
  for (size_t i = 1; i < message.size(); ++i) every.push_back(i);
  CHECK(run(every) == whole);
  std::mt19937 rng(42);
  for (int round = 0; round < 20; ++round) {
    std::vector<size_t> cuts;
    for (size_t i = 1; i < message.size(); ++i) {
      if (rng() % 4 == 0) cuts.push_back(i);
    }
    CHECK(run(cuts) == whole);
  }
  return whole;
}

const std::string kHead = "From a@example.org Mon Jan  1 10:00:00 2024\n";

TEST_CASE("mboxrd quotes every >*From line and converts CRLF", "[mbox]") {
  CHECK(Entry("Subject: x\r\n\r\nFrom here\r\n>From q\r\n>>From qq\r\nFrom\r\nFro", kPlain) ==
        kHead + "Subject: x\n\n>From here\n>>From q\n>>>From qq\nFrom\nFro\n\n");
  // Only at the start of a line, only with the blank; a lone CR is content.
  CHECK(Entry("S: x\n\n From x\n>>Fromx\na\rb\r\n>\n", kPlain) ==
        kHead + "S: x\n\n From x\n>>Fromx\na\rb\n>\n\n");
  // A "From " line in the header is quoted too (a broken message).
  CHECK(Entry("From someone\r\nSubject: x\r\n\r\nb", kPlain) ==
        kHead + ">From someone\nSubject: x\n\nb\n\n");
  // Unfinished prefixes at the end are content.
  CHECK(Entry("S: x\n\n>>Fro", kPlain) == kHead + "S: x\n\n>>Fro\n\n");
  CHECK(Entry("S: x\n\nFrom ", kPlain) == kHead + "S: x\n\n>From \n\n");
}

TEST_CASE("mboxrd adds the flag headers and drops the message's own", "[mbox]") {
  CHECK(Entry("Subject: s\r\nStatus: R\r\nx-status: D\r\n\tfolded\r\nX-Keywords: old\r\nTo: b\r\n"
              "\r\nStatus: body text\r\n",
              kFlags) ==
        kHead + "Subject: s\nTo: b\nStatus: RO\nX-Status: AF\n\nStatus: body text\n\n");
  // Obsolete "Name :" syntax, and names that only start alike.
  CHECK(Entry("Status : RO\nStatusX: keep\nX-Status-Old: keep\n\nb\n", kFlags) ==
        kHead + "StatusX: keep\nX-Status-Old: keep\nStatus: RO\nX-Status: AF\n\nb\n\n");
  // A message without a body, without a final newline, without a header.
  CHECK(Entry("Subject: s\r\nStatus: O", kFlags) ==
        kHead + "Subject: s\nStatus: RO\nX-Status: AF\n\n");
  CHECK(Entry("Subject: s", kFlags) == kHead + "Subject: s\nStatus: RO\nX-Status: AF\n\n");
  CHECK(Entry("", kFlags) == kHead + "Status: RO\nX-Status: AF\n\n");
  CHECK(Entry("\r\nbody only\r\n", kFlags) == kHead + "Status: RO\nX-Status: AF\n\nbody only\n\n");
  // A long field name is passed through whole.
  const std::string long_name(100, 'N');
  CHECK(Entry(long_name + ": v\n\nb", kFlags) ==
        kHead + long_name + ": v\nStatus: RO\nX-Status: AF\n\nb\n\n");
}

// A reader of mboxrd strips one '>' from every ^>+From line; what it gets
// back is the message with LF line ends, less the replaced fields.
TEST_CASE("mboxrd entries read back to the message", "[mbox]") {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {"From ", ">", "From", "\r\n", "\n", "x", " ", "\r"};
  for (int round = 0; round < 200; ++round) {
    std::string body;
    for (int i = 0; i < 30; ++i) body += pieces[rng() % pieces.size()];
    const std::string message = "Subject: t\r\n\r\n" + body;
    std::string entry = Entry(message, kPlain);
    REQUIRE(entry.rfind(kHead, 0) == 0);
    entry = entry.substr(kHead.size(), entry.size() - kHead.size() - 1);
    std::string lf = std::regex_replace(message, std::regex("\r\n"), "\n");
    if (lf.back() != '\n') lf += '\n';
    std::string back = std::regex_replace(entry, std::regex("(^|\n)>(>*From )"), "$1$2");
    INFO(message);
    CHECK(back == lf);
  }
}

TEST_CASE("mboxrd stops at the first refused write", "[mbox]") {
  int calls = 0;
  Sink sink = [&](std::string_view) { return ++calls < 2; };
  MboxrdMessage m(sink, kPlain);
  CHECK_FALSE(m.Feed("Subject: x\n\nbody\n"));
  CHECK(m.failed());
  CHECK_FALSE(m.Finish());
  CHECK(calls == 2);
}

}  // namespace
}  // namespace mailhoard::mbox
