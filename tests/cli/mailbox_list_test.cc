#include "cli/mailbox_list.h"

#include <catch2/catch.hpp>

namespace mailhoard::cli {
namespace {

std::vector<std::string> Addresses(const std::string& text) {
  auto r = ParseMailboxList(text, "list.txt");
  INFO(r.status().message());
  REQUIRE(r.ok());
  std::vector<std::string> out;
  for (const auto& e : *r) out.push_back(e.address);
  return out;
}

std::string ErrorOf(const std::string& text) {
  auto r = ParseMailboxList(text, "list.txt");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kInvalidArgument);
  return r.status().message();
}

TEST_CASE("mailbox list: comments, blanks, whitespace and CRLF are ignored", "[tenant]") {
  CHECK(Addresses("# staff\n\na@x.org\n  b@x.org  # the boss\r\n\t\n#c@x.org\nd@x.org") ==
        std::vector<std::string>{"a@x.org", "b@x.org", "d@x.org"});
  CHECK(Addresses("").empty());
  auto r = ParseMailboxList("\n\na@x.org\n", "l");
  REQUIRE(r.ok());
  CHECK((*r)[0].line == 3);
}

TEST_CASE("mailbox list: malformed entries name file and line", "[tenant]") {
  CHECK(ErrorOf("a@x.org\nbob\n") ==
        "list.txt:2: \"bob\": expected an address like user@example.com");
  CHECK(ErrorOf("a@b@x.org") == "list.txt:1: \"a@b@x.org\": more than one '@'");
  CHECK(ErrorOf("\n@x.org") == "list.txt:2: \"@x.org\": nothing before the '@'");
  CHECK(ErrorOf("a@") == "list.txt:1: \"a@\": nothing after the '@'");
  CHECK(ErrorOf("a b@x.org") == "list.txt:1: \"a b@x.org\": contains a space or control character");
  CHECK(ErrorOf("../a@x.org") == "list.txt:1: \"../a@x.org\": contains a slash");
}

TEST_CASE("mailbox list: a duplicate (in any case) is an error naming both lines", "[tenant]") {
  CHECK(ErrorOf("a@x.org\nb@x.org\n# again\nA@X.org\n") ==
        "list.txt:4: A@X.org is already listed on line 1");
}

TEST_CASE("mailbox directory names are safe and distinct", "[tenant]") {
  CHECK(MailboxDirName("Alice.Smith@Contoso.com") == "alice.smith@contoso.com");
  CHECK(MailboxDirName("a+tag@x.org") == "a+tag@x.org");
  // No hidden files, no parent directories, no '%' ambiguity.
  CHECK(MailboxDirName(".hidden@x.org") == "%2Ehidden@x.org");
  CHECK(MailboxDirName("a%41@x.org") == "a%2541@x.org");
  CHECK(MailboxDirName("a%41@x.org") != MailboxDirName("aA@x.org"));
  CHECK(MailboxDirName("\"q u\"@x.org") == "%22q%20u%22@x.org");
  CHECK(MailboxDirName("ü@x.org") == "%C3%BC@x.org");
}

}  // namespace
}  // namespace mailhoard::cli
