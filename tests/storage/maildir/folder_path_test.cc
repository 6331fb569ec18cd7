#include "storage/maildir/folder_path.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <set>

namespace mailhoard::maildir {
namespace {

std::string Map(Layout layout, std::string_view name, std::optional<char> delim = '/') {
  Result<std::string> r = FolderPathMapper(layout).CanonicalPath(name, delim);
  REQUIRE(r.ok());
  return *r;
}

// Every component is a sane directory name and the path, joined to a root,
// stays lexically inside it.
void CheckSafe(const std::string& rel, Layout layout) {
  std::filesystem::path root("/archive/acct");
  std::filesystem::path joined = (root / rel).lexically_normal();
  std::filesystem::path back = joined.lexically_relative(root);
  INFO("path: " << rel);
  CHECK(!std::filesystem::path(rel).is_absolute());
  CHECK((rel.empty() || back.string() == rel));
  size_t start = 0;
  while (!rel.empty() && start <= rel.size()) {
    size_t end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    std::string part = rel.substr(start, end - start);
    CHECK(!part.empty());
    CHECK(part != ".");
    CHECK(part != "..");
    CHECK(part.size() <= kMaxNameBytes);
    CHECK(part.find('\0') == std::string::npos);
    CHECK(part.find('\\') == std::string::npos);
    for (unsigned char c : part) CHECK((c >= 0x20 && c != 0x7f));
    if (layout == Layout::kNested) {
      CHECK(part != "cur");
      CHECK(part != "new");
      CHECK(part != "tmp");
      CHECK(part.front() != '.');
    }
    start = end + 1;
  }
  if (layout == Layout::kMaildirPlusPlus && !rel.empty()) {
    CHECK(rel.find('/') == std::string::npos);
    CHECK(rel.front() == '.');
    CHECK(rel.size() >= 2);
  }
}

TEST_CASE("maildir++ keeps INBOX at the root and others in dot directories", "[folder_path]") {
  CHECK(Map(Layout::kMaildirPlusPlus, "INBOX") == "");
  CHECK(Map(Layout::kMaildirPlusPlus, "inbox") == "");
  CHECK(Map(Layout::kMaildirPlusPlus, "Sent") == ".Sent");
  CHECK(Map(Layout::kMaildirPlusPlus, "Archive/2024/Q1") == ".Archive.2024.Q1");
  CHECK(Map(Layout::kMaildirPlusPlus, "Archive.2024", '.') == ".Archive.2024");
  CHECK(Map(Layout::kMaildirPlusPlus, "INBOX/Sub") == ".INBOX.Sub");
  // A '.' inside a component must not become a hierarchy level.
  CHECK(Map(Layout::kMaildirPlusPlus, "v1.2/notes") == ".v1%2E2.notes");
  CHECK(Map(Layout::kMaildirPlusPlus, "a.b", std::nullopt) == ".a%2Eb");
}

TEST_CASE("nested uses one directory per level and INBOX/ for INBOX", "[folder_path]") {
  CHECK(Map(Layout::kNested, "INBOX") == "INBOX");
  CHECK(Map(Layout::kNested, "Inbox") == "INBOX");
  CHECK(Map(Layout::kNested, "INBOX/Sub") == "INBOX/Sub");
  CHECK(Map(Layout::kNested, "Archive/2024/Q1") == "Archive/2024/Q1");
  CHECK(Map(Layout::kNested, "Archive.2024", '.') == "Archive/2024");
  CHECK(Map(Layout::kNested, "v1.2") == "v1.2");
  // Children named like the Maildir subdirectories cannot collide with them.
  CHECK(Map(Layout::kNested, "Projects/cur") == "Projects/%63ur");
  CHECK(Map(Layout::kNested, "Projects/NEW") == "Projects/%4EEW");
  CHECK(Map(Layout::kNested, "tmp") == "%74mp");
  CHECK(Map(Layout::kNested, "current") == "current");
  CHECK(Map(Layout::kNested, ".hidden") == "%2Ehidden");
}

TEST_CASE("unicode and punctuation pass through", "[folder_path]") {
  CHECK(Map(Layout::kMaildirPlusPlus, "Entwürfe") == ".Entwürfe");
  CHECK(Map(Layout::kNested, "Übersicht/Berichte 2024") == "Übersicht/Berichte 2024");
  CHECK(Map(Layout::kMaildirPlusPlus, "Übersicht/Berichte 2024") == ".Übersicht.Berichte 2024");
  CHECK(Map(Layout::kMaildirPlusPlus, "Receipts & Bills") == ".Receipts & Bills");
  CHECK(Map(Layout::kNested, "[Gmail]/All Mail") == "[Gmail]/All Mail");
  CHECK(Map(Layout::kMaildirPlusPlus, "[Gmail]/All Mail") == ".[Gmail].All Mail");
  CHECK(Map(Layout::kNested, "日本語/メール") == "日本語/メール");
  // Invalid UTF-8 is escaped byte by byte.
  CHECK(Map(Layout::kNested, "a\xff\xc3") == "a%FF%C3");
  CHECK(Map(Layout::kNested, "100%") == "100%25");
}

TEST_CASE("hostile names stay inside the root", "[folder_path]") {
  const std::vector<std::string> hostile = {
      "../../etc",
      "/etc/passwd",
      "a/../../b",
      ".",
      "..",
      "INBOX/../x",
      "..\\..\\x",
      std::string("a\0b", 3),
      std::string("\0", 1),
      "line\r\nbreak",
      "a//b",
      "/",
      "//",
      "trailing/",
      "\x7f",
      "..../....",
      "cur/new/tmp",
  };
  for (Layout layout : {Layout::kMaildirPlusPlus, Layout::kNested}) {
    for (const std::string& name : hostile) {
      for (std::optional<char> delim :
           {std::optional<char>('/'), std::optional<char>('.'), std::optional<char>()}) {
        Result<std::string> r = FolderPathMapper(layout).CanonicalPath(name, delim);
        REQUIRE(r.ok());
        CheckSafe(*r, layout);
      }
    }
  }
  CHECK(Map(Layout::kNested, "../../etc") == "%2E./%2E./etc");
  CHECK(Map(Layout::kMaildirPlusPlus, "../../etc") == ".%2E%2E.%2E%2E.etc");
  CHECK(Map(Layout::kNested, "/etc/passwd") == "%/etc/passwd");
  CHECK(Map(Layout::kNested, "..\\x", std::nullopt) == "%2E.%5Cx");
  CHECK(Map(Layout::kNested, std::string("a\0b", 3)) == "a%00b");
  CHECK(Map(Layout::kNested, "line\r\nbreak") == "line%0D%0Abreak");
  CHECK(Map(Layout::kNested, "a/b", std::nullopt) == "a%2Fb");
  CHECK(!FolderPathMapper(Layout::kNested).CanonicalPath("", '/').ok());
}

TEST_CASE("long components are shortened with a hash", "[folder_path]") {
  std::string long_a(300, 'a');
  std::string long_b = long_a + "b";
  for (Layout layout : {Layout::kMaildirPlusPlus, Layout::kNested}) {
    std::string pa = Map(layout, long_a), pb = Map(layout, long_b);
    CheckSafe(pa, layout);
    CheckSafe(pb, layout);
    CHECK(pa != pb);
    CHECK(pa.find("%%") != std::string::npos);
    CHECK(!FolderPathMapper(layout).RemoteName(pa, '/').ok());
  }
  // Multi-byte characters are not cut in half.
  std::string umlauts;
  for (int i = 0; i < 200; ++i) umlauts += "ü";
  std::string p = Map(Layout::kNested, umlauts);
  CHECK(p.size() <= kMaxNameBytes);
  std::string prefix = p.substr(0, p.find("%%"));
  CHECK(prefix.size() % 2 == 0);
  // Many levels, each long: every level is shortened on its own.
  std::string deep = long_a + "/" + long_b + "/x";
  CheckSafe(Map(Layout::kNested, deep), Layout::kNested);
  CheckSafe(Map(Layout::kMaildirPlusPlus, deep), Layout::kMaildirPlusPlus);
}

TEST_CASE("names round-trip through RemoteName", "[folder_path]") {
  const std::vector<std::string> names = {
      "INBOX",
      "Sent",
      "Archive/2024/Q1",
      "Entwürfe",
      "Übersicht/Berichte 2024",
      "Receipts & Bills",
      "[Gmail]/All Mail",
      "../../etc",
      "/etc/passwd",
      "a/../../b",
      ".",
      "..",
      "INBOX/../x",
      std::string("a\0b", 3),
      "line\r\nbreak",
      "a//b",
      "trailing/",
      "100%",
      "v1.2/notes",
      "Projects/cur",
      "tmp",
      "a\xff",
      "%41",
  };
  for (Layout layout : {Layout::kMaildirPlusPlus, Layout::kNested}) {
    FolderPathMapper mapper(layout);
    for (const std::string& name : names) {
      INFO("name: " << name);
      Result<std::string> path = mapper.CanonicalPath(name, '/');
      REQUIRE(path.ok());
      Result<std::string> back = mapper.RemoteName(*path, '/');
      REQUIRE(back.ok());
      CHECK(*back == name);
    }
  }
  // "inbox" maps to the same place as INBOX; the name given back is INBOX.
  CHECK(*FolderPathMapper(Layout::kNested).RemoteName("INBOX", '/') == "INBOX");
  // Not canonical: escapes of ordinary letters, lower-case hex, disambiguated.
  CHECK(!FolderPathMapper(Layout::kNested).RemoteName("%41", '/').ok());
  CHECK(!FolderPathMapper(Layout::kNested).RemoteName("a%2e", '/').ok());
  CHECK(!FolderPathMapper(Layout::kNested).RemoteName("Work%~2", '/').ok());
  CHECK(!FolderPathMapper(Layout::kMaildirPlusPlus).RemoteName("Sent", '/').ok());
  CHECK(!FolderPathMapper(Layout::kMaildirPlusPlus).RemoteName(".a.b", std::nullopt).ok());
  // A decoded delimiter would not map back to the same path.
  CHECK(!FolderPathMapper(Layout::kNested).RemoteName("a%2Fb", '/').ok());
  CHECK(*FolderPathMapper(Layout::kNested).RemoteName("a%2Fb", std::nullopt) == "a/b");
}

TEST_CASE("case-insensitive collisions are disambiguated deterministically", "[folder_path]") {
  for (Layout layout : {Layout::kMaildirPlusPlus, Layout::kNested}) {
    FolderPathMapper mapper(layout);
    std::vector<std::string> taken;
    for (const char* name : {"Work", "work", "WORK", "Work/x", "work/X"}) {
      Result<std::string> p = mapper.Assign(name, '/', taken);
      REQUIRE(p.ok());
      CheckSafe(*p, layout);
      taken.push_back(*p);
    }
    std::string prefix = layout == Layout::kNested ? "" : ".";
    std::string sep = layout == Layout::kNested ? "/" : ".";
    CHECK(taken[0] == prefix + "Work");
    CHECK(taken[1] == prefix + "work%~2");
    CHECK(taken[2] == prefix + "WORK%~3");
    CHECK(taken[3] == prefix + "Work" + sep + "x");
    CHECK(taken[4] == prefix + "work" + sep + "X%~2");
    // Same input, same answer.
    std::vector<std::string> first(taken.begin(), taken.begin() + 1);
    CHECK(*mapper.Assign("work", '/', first) == prefix + "work%~2");
    CHECK(!mapper.RemoteName(taken[1], '/').ok());
    CHECK(*mapper.RemoteName(taken[0], '/') == "Work");
  }
  // A disambiguated long name still fits.
  FolderPathMapper nested(Layout::kNested);
  std::string name(255, 'x');
  std::vector<std::string> taken = {name};
  Result<std::string> p = nested.Assign(std::string(255, 'X'), '/', taken);
  REQUIRE(p.ok());
  CHECK(p->size() <= kMaxNameBytes);
  CHECK(*p != name);
  // INBOX cannot be assigned twice in maildir++ (it is the root).
  CHECK(!FolderPathMapper(Layout::kMaildirPlusPlus).Assign("INBOX", '/', {""}).ok());
}

TEST_CASE("property: random names map inside the root and never collide", "[folder_path]") {
  std::mt19937 rng(12345);
  const std::string alphabet = std::string("aAbB./\\%~:. \r\n\t\x7f") + std::string("\0", 1) +
                               "\xc3\xbc\xff\x80" + "curnewtmpINBOX";
  for (Layout layout : {Layout::kMaildirPlusPlus, Layout::kNested}) {
    FolderPathMapper mapper(layout);
    std::set<std::string> names;
    std::vector<std::string> taken;
    std::set<std::string> folded;
    for (int i = 0; i < 3000; ++i) {
      std::string name;
      size_t len = 1 + rng() % (i % 50 == 0 ? 400 : 12);
      for (size_t k = 0; k < len; ++k) name.push_back(alphabet[rng() % alphabet.size()]);
      std::optional<char> delim;
      if (rng() % 3 == 0) delim = '/';
      if (rng() % 3 == 1) delim = '.';
      Result<std::string> p = mapper.Assign(name, delim, taken);
      REQUIRE(p.ok());
      CheckSafe(*p, layout);
      // Distinct remote names must get distinct paths, also ignoring case.
      // (A second INBOX spelling is the same mailbox and is skipped.)
      std::string canon = *mapper.CanonicalPath(name, delim);
      if (!names.insert(name + '\0' + (delim ? *delim : '-')).second) continue;
      std::string f = *p;
      for (char& c : f) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      CHECK(folded.insert(f).second);
      taken.push_back(*p);
      // Canonical paths map back to the name (unless hashed).
      if (*p == canon && canon.find("%%") == std::string::npos &&
          !(canon.empty() || canon == "INBOX")) {
        Result<std::string> back = mapper.RemoteName(canon, delim);
        REQUIRE(back.ok());
        CHECK(*back == name);
      }
    }
  }
}

}  // namespace
}  // namespace mailhoard::maildir
