#include "tests/cli/fault_loop_util.h"

#include <signal.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "storage/index/index.h"
#include "tests/support/sanitizers.h"
#include "tests/support/wait_until.h"

namespace mailhoard::cli::testing {

using mailhoard::testing::ProxyDirection;
using mailhoard::testing::ProxyRecord;

int FaultRuns(int full, int ci) {
  if (const char* v = std::getenv("MAILHOARD_FAULT_RUNS"); v && *v) {
    return std::max(1, std::atoi(v));
  }
  // The sanitizer build looks for memory errors, not for rare interleavings:
  // it always runs the bounded count (halved, as it is several times slower),
  // so `./mailhoard-dev test` stays inside ctest's limit with or without CI.
  if (mailhoard::testing::kAddressSanitizer) return std::max(1, ci / 2);
  const char* env_ci = std::getenv("CI");
  if (env_ci && std::string(env_ci) == "true") return ci;
  return full;
}

uint64_t FaultSeed() {
  if (const char* v = std::getenv("MAILHOARD_FAULT_SEED"); v && *v) {
    return std::strtoull(v, nullptr, 10);
  }
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32 | rd()) % 1000000000;
}

std::string FaultTally::Line() const {
  std::ostringstream o;
  o << "fault-loop " << loop << ": seed " << seed << ", " << faults << " faults, " << survived
    << " of " << runs << " runs survived, lost " << lost << ", duplicated " << duplicated
    << ", torn " << foreign << ", outside-root " << outside_root;
  if (!where.empty()) {
    o << " (";
    bool first = true;
    for (const auto& [site, n] : where) {
      o << (first ? "" : ", ") << site << " " << n;
      first = false;
    }
    o << ")";
  }
  return o.str();
}

void FaultTally::Print() const {
  std::cout << Line() << std::endl;
  if (const char* path = std::getenv("MAILHOARD_FAULT_SUMMARY"); path && *path) {
    std::ofstream(path, std::ios::app) << Line() << "\n";
  }
}

namespace {

// The complete lines of `s` before `end`, each as [start, end of CRLF).
std::vector<std::pair<size_t, size_t>> Lines(const std::string& s, size_t from, size_t end) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t at = from;
  while (at < end) {
    size_t nl = s.find("\r\n", at);
    if (nl == std::string::npos || nl + 2 > end) break;
    out.emplace_back(at, nl + 2);
    at = nl + 2;
  }
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The verb of a client command line: IMAP "A1 LOGIN ..." → LOGIN, POP3
// "RETR 3" → RETR; a line of one token (a SASL response) → SASL.
std::string Verb(const std::string& line, bool pop3) {
  std::istringstream in(line);
  std::string a, b;
  in >> a >> b;
  if (pop3) return Upper(a);
  if (b.empty()) return "SASL";
  if (Upper(b) == "UID") {
    std::string c;
    in >> c;
    return "UID " + Upper(c);
  }
  return Upper(b);
}

// The up/down sizes when the first of them reached `at` in its direction.
std::pair<size_t, size_t> MarkAt(const ProxyRecord& r, bool down, size_t at) {
  for (const auto& m : r.marks) {
    if ((down ? m.second : m.first) >= at) return m;
  }
  return {r.up.size(), r.down.size()};
}

// End of the line in `up` that asks for TLS (STARTTLS / STLS), or npos.
size_t TlsRequestEnd(const std::string& up, bool pop3) {
  for (auto [b, e] : Lines(up, 0, up.size())) {
    std::string v = Verb(up.substr(b, e - b), pop3);
    if (v == (pop3 ? "STLS" : "STARTTLS")) return e;
  }
  return std::string::npos;
}

// End of the client's TLS handshake in `up` from `from`: the record after
// its first ChangeCipherSpec (the Finished, TLS 1.2 and 1.3 middlebox mode).
size_t ClientHandshakeEnd(const std::string& up, size_t from) {
  size_t at = from;
  bool ccs = false;
  while (at + 5 <= up.size()) {
    const auto type = static_cast<unsigned char>(up[at]);
    size_t len =
        static_cast<unsigned char>(up[at + 3]) << 8 | static_cast<unsigned char>(up[at + 4]);
    size_t end = at + 5 + len;
    if (ccs) return end;
    if (type == 20) ccs = true;
    at = end;
  }
  return std::string::npos;  // not over when the connection ended
}

// Where IMAP position `cut` of `down` lies: in a literal, or in which kind of
// line (a tagged line's tag in *tag). Literals ("{n}" or "{n+}" at a line's
// end) are skipped, not scanned.
std::string ImapLineKind(const std::string& down, size_t cut, std::string* tag) {
  size_t at = 0;
  bool first = true;
  std::string kind;
  while (at < cut) {
    size_t nl = down.find("\r\n", at);
    const char c = down[at];
    const std::string line_kind = first      ? "greeting"
                                  : c == '*' ? "untagged"
                                  : c == '+' ? "continuation"
                                             : "tagged";
    if (kind.empty()) {
      kind = line_kind;  // a literal continues its line's kind
      *tag = down.substr(at, down.find(' ', at) - at);
    }
    if (nl == std::string::npos || nl + 2 > cut) return kind;
    first = false;
    size_t brace = down.rfind('{', nl);
    size_t literal = 0;
    if (nl > 0 && down[nl - 1] == '}' && brace != std::string::npos && brace >= at) {
      literal = std::strtoull(down.c_str() + brace + 1, nullptr, 10);
    }
    at = nl + 2;
    if (literal) {
      if (at + literal >= cut) return "literal";
      at += literal;
      continue;  // the line goes on after the literal
    }
    kind.clear();
  }
  return kind.empty() ? "tagged" : kind;
}

}  // namespace

std::string FaultSite(const ProxyRecord& r, ProxyDirection direction, bool pop3) {
  const bool down = direction == ProxyDirection::kServerToClient;
  const std::string& s = down ? r.down : r.up;
  const size_t cut = s.size();
  if (!r.faulted) return "none";
  auto [up_then, down_then] = MarkAt(r, down, cut);
  const size_t up_at = down ? up_then : cut;

  // TLS: before the request, plaintext; then the handshake; then the stream.
  const size_t tls_up = TlsRequestEnd(r.up, pop3);
  if (tls_up != std::string::npos && up_at >= tls_up) {
    // The server's answer to STARTTLS ends where the client starts TLS.
    auto [u0, tls_down] = MarkAt(r, false, tls_up + 1);
    (void)u0;
    if (down && cut <= tls_down) return "starttls";
    const size_t hs_end = ClientHandshakeEnd(r.up, tls_up);
    if (hs_end == std::string::npos || up_at < hs_end || (!down && cut <= hs_end)) {
      return "tls-handshake";
    }
    return "tls-stream";
  }
  // The command the client had last sent (or, for a client cut, was sending).
  std::string verb;
  size_t cmd_end = 0;
  for (auto [b, e] : Lines(r.up, 0, up_at)) {
    const std::string v = Verb(r.up.substr(b, e - b), pop3);
    if (pop3 || v != "SASL" || (verb != "AUTHENTICATE" && verb != "SASL")) {
      verb = v;
    } else {
      verb = "AUTHENTICATE";
    }
    cmd_end = e;
    if (!pop3 && verb == "COMPRESS") {
      // After the OK to COMPRESS both directions are deflated: the server's
      // stream from where the client sent its first deflated byte.
      const size_t deflated_down = MarkAt(r, false, e + 1).second;
      if (!down) return up_at > e ? "compressed-stream" : "client:COMPRESS";
      return cut > deflated_down ? "compressed-stream" : "compress";
    }
  }
  if (!down) {
    size_t line_start = r.up.rfind("\r\n", cut ? cut - 1 : 0);
    line_start = line_start == std::string::npos || cut < 2 ? 0 : line_start + 2;
    std::string v = Verb(r.up.substr(line_start, cut - line_start), pop3);
    // One token so far: a SASL response line, or a command cut in its tag.
    if (v == "SASL") v = verb == "AUTHENTICATE" || verb == "SASL" ? "AUTHENTICATE" : "tag";
    if (pop3) {
      // A verb cut short ("PA", "D") is the command it starts.
      static const char* const kPop3Verbs[] = {"USER", "PASS", "STLS", "CAPA", "UIDL",
                                               "LIST", "STAT", "RETR", "DELE", "QUIT",
                                               "AUTH", "APOP", "TOP",  "NOOP", "RSET"};
      if (v.empty()) return "client:line-start";
      for (const char* known : kPop3Verbs) {
        if (std::string(known).rfind(v, 0) == 0) return "client:" + std::string(known);
      }
    }
    return "client:" + (v.empty() ? std::string("?") : v);
  }
  if (verb.empty()) return "greeting";
  auto login = [](const std::string& v) {
    return v == "LOGIN" || v == "AUTHENTICATE" || v == "USER" || v == "PASS" || v == "AUTH" ||
           v == "APOP" || v == "SASL";
  };
  if (pop3 && login(verb)) return "login";
  if (pop3) {
    // A multi-line answer: past its first line is the body.
    auto [u1, start] = MarkAt(r, false, cmd_end);
    (void)u1;
    size_t first_end = r.down.find("\r\n", start);
    const std::string lower = [&] {
      std::string l = verb;
      for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return l;
    }();
    if ((verb == "RETR" || verb == "TOP") && first_end != std::string::npos &&
        cut > first_end + 2) {
      return "retr-body";
    }
    return lower + "-response";
  }
  // The client pipelines (ID, ENABLE, LIST go out behind AUTHENTICATE): a
  // tagged line answers the command with its tag, not the last one sent.
  std::string tag;
  const std::string kind = ImapLineKind(r.down, cut, &tag);
  if (kind == "tagged") {
    for (auto [b, e] : Lines(r.up, 0, up_at)) {
      if (r.up.compare(b, tag.size() + 1, tag + " ") == 0)
        verb = Verb(r.up.substr(b, e - b), false);
    }
  }
  if (login(verb)) return "login";
  return kind;
}

std::vector<std::string> ArchivedMessages(const CliHarness& h, std::string* error) {
  std::vector<std::string> out;
  const std::string db = h.account_dir() + "/.mailhoard.sqlite";
  if (!std::filesystem::exists(db)) return out;
  index::IndexOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  auto idx = index::Index::Open(db, o);
  if (!idx.ok()) {
    *error = idx.status().ToString();
    return out;
  }
  Status s = (*idx)->ForEachMessageFile([&](const index::MessageFile& f) {
    if (f.expunged || f.unfetchable) return Status::Ok();
    const std::string dir =
        f.folder_local_path.empty() ? h.account_dir() : h.account_dir() + "/" + f.folder_local_path;
    out.push_back(ReadFileOrEmpty(dir + "/" + f.file_name));
    return Status::Ok();
  });
  if (!s.ok()) *error = s.ToString();
  return out;
}

std::vector<std::string> ServerMessages(CliHarness& h, std::vector<std::string> folders) {
  if (folders.empty()) folders = h.server().Folders(h.user().name);
  std::vector<std::string> out;
  // Dovecot's pop3 process may still be renaming files (new/ to cur/) just
  // after a client went away; a message then reads as empty. Retry.
  mailhoard::testing::WaitUntil(
      [&] {
        out.clear();
        for (const std::string& folder : folders) {
          for (auto& m : h.server().Messages(h.user().name, folder)) {
            out.push_back(std::move(m.bytes));
          }
        }
        return std::none_of(out.begin(), out.end(), [](const std::string& b) { return b.empty(); });
      },
      mailhoard::testing::kEventDeadline, std::chrono::milliseconds(100));
  return out;
}

ArchiveDamage CheckArchive(const std::vector<std::string>& archived,
                           const std::set<std::string>& known,
                           const std::set<std::string>& must_have) {
  ArchiveDamage d;
  std::map<std::string, int> seen;
  for (const auto& b : archived) ++seen[b];
  auto head = [](const std::string& b) {
    size_t at = b.find("Message-ID:");
    return at == std::string::npos ? std::to_string(b.size()) + " bytes"
                                   : b.substr(at, b.find("\r\n", at) - at);
  };
  for (const auto& [bytes, n] : seen) {
    if (n > 1) {
      d.duplicated += static_cast<size_t>(n - 1);
      if (d.first.empty()) d.first = "archived " + std::to_string(n) + " times: " + head(bytes);
    }
    if (!known.count(bytes)) {
      d.foreign += static_cast<size_t>(n);
      if (d.first.empty()) d.first = "archived bytes the server never had: " + head(bytes);
    }
  }
  for (const auto& b : must_have) {
    if (!seen.count(b)) {
      ++d.lost;
      if (d.first.empty()) d.first = "not archived: " + head(b);
    }
  }
  return d;
}

std::map<std::string, uintmax_t> TreeOutside(const std::string& root, const std::string& archive) {
  namespace fs = std::filesystem;
  std::map<std::string, uintmax_t> out;
  std::error_code ec;
  const std::set<std::string> harness = {root + "/config.toml", root + "/bg.out", root + "/bg.err"};
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string p = it->path().string();
    if (p == archive || p.rfind(archive + "/", 0) == 0) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (harness.count(p)) continue;
    std::error_code size_ec;
    uintmax_t size = it->is_regular_file() ? fs::file_size(it->path(), size_ec) : 0;
    out[p] = size;
  }
  return out;
}

size_t TreeChanges(const std::map<std::string, uintmax_t>& before,
                   const std::map<std::string, uintmax_t>& after, std::string* first) {
  size_t n = 0;
  for (const auto& [p, size] : after) {
    auto it = before.find(p);
    if (it == before.end() || it->second != size) {
      ++n;
      if (first->empty()) *first = p;
    }
  }
  for (const auto& [p, size] : before) {
    if (!after.count(p)) {
      ++n;
      if (first->empty()) *first = p + " (removed)";
    }
  }
  return n;
}

bool ChildExited(pid_t pid) {
  std::string stat = ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren == std::string::npos || stat.compare(paren + 1, 2, " Z") == 0;
}

BoundedRun WaitBounded(const CliHarness& h, pid_t pid, std::chrono::milliseconds limit) {
  BoundedRun r;
  const auto start = std::chrono::steady_clock::now();
  if (!mailhoard::testing::WaitUntil([&] { return ChildExited(pid); }, limit,
                                     std::chrono::milliseconds(5))) {
    r.hung = true;
    kill(pid, SIGKILL);
  }
  r.code = CliHarness::Wait(pid);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.err = ReadFileOrEmpty(h.dir() / "bg.err");
  return r;
}

std::string Printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string FaultMail(const std::string& id, size_t size) {
  std::string m =
      "From: Fault Loop <loop@example.com>\r\nTo: keeper@example.com\r\nSubject: fault " + id +
      "\r\nMessage-ID: <" + id + "@faults.example>\r\nContent-Type: text/plain\r\n\r\n";
  std::mt19937_64 rng(std::hash<std::string>{}(id));
  static const char* const kLines[] = {
      "The quick brown fox jumps over the lazy dog, again and again.",
      ".a line that starts with a dot, stuffed on the wire by POP3",
      ".",
      "a line that ends like a literal {12}",
      "* OK not a response, only text",
      "A001 OK neither is this",
      "+OK nor this",
  };
  size_t i = 0;
  while (m.size() < size) {
    const std::string line = kLines[i++ % 2 == 0 ? 0 : 1 + rng() % 6];
    m += line == "." ? line : line + " " + std::to_string(rng() % 100000);
    m += "\r\n";
  }
  return m + "-- \r\n" + id + "\r\n";
}

}  // namespace mailhoard::cli::testing
