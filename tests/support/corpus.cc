#include "tests/support/corpus.h"

#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tests/support/dovecot_server.h"

namespace mailhoard::testing {
namespace {

const char* const kWords[] = {
    "archive",  "mailbox",     "quarterly", "report",     "meeting",  "budget",    "invoice",
    "project",  "deadline",    "review",    "server",     "backup",   "migration", "tenant",
    "schedule", "draft",       "Grüße",     "Übersicht",  "résumé",   "naïve",     "日本語",
    "почта",    "incremental", "folder",    "attachment", "contract", "holiday",   "release",
    "customer", "support",     "ticket",    "update"};
const char* const kNames[] = {"Alice Archer", "Bob Brand",  "Chloé Dubois", "Dieter Müller",
                              "Eve Evans",    "Fumiko Ito", "Grace Hopper", "Hans Ølsen"};

std::string Base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t line = 0;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<uint8_t>(in[i + 2]);
    out += t[(v >> 18) & 63];
    out += t[(v >> 12) & 63];
    out += i + 1 < in.size() ? t[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? t[v & 63] : '=';
    if ((line += 4) >= 76) {
      out += '\n';
      line = 0;
    }
  }
  if (line) out += '\n';
  return out;
}

bool IsAscii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// RFC 2047 §2: an encoded word is at most 75 characters, so long text
// becomes several, folded onto continuation lines; a chunk never splits a
// UTF-8 sequence (§5: each word must decode on its own).
std::string EncodeWord(const std::string& s) {
  if (IsAscii(s)) return s;
  constexpr size_t kChunk = 39;  // 52 base64 characters + 12 of framing
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t end = std::min(s.size(), i + kChunk);
    while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    std::string b = Base64(s.substr(i, end - i));
    while (!b.empty() && (b.back() == '\n' || b.back() == '\r')) b.pop_back();
    if (!out.empty()) out += "\n ";
    out += "=?UTF-8?B?" + b + "?=";
    i = end;
  }
  return out;
}

std::string FormatDate(time_t t) {
  char buf[64];
  tm tm_utc;
  gmtime_r(&t, &tm_utc);
  strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm_utc);
  return buf;
}

}  // namespace

std::vector<std::string> CorpusOptions::DefaultFolders() {
  return {"INBOX",
          "Archive",
          "Archive/2023",
          "Archive/2024",
          "Sent",
          "Drafts",
          "Entwürfe",
          "Übersicht/Berichte 2024",
          "Receipts & Bills",
          "Projects",
          "Projects/mailhoard",
          "Projects/Kunden",
          "Newsletters",
          "Lists/dovecot",
          "Lists/isync",
          "Trash"};
}

CorpusGenerator::CorpusGenerator(CorpusOptions options)
    : options_(std::move(options)), rng_(options_.seed) {}

std::string CorpusGenerator::Words(size_t n) {
  std::string out;
  std::uniform_int_distribution<size_t> pick(0, std::size(kWords) - 1);
  for (size_t i = 0; i < n; ++i) out += (i ? " " : "") + std::string(kWords[pick(rng_)]);
  return out;
}

std::string CorpusGenerator::Subject() {
  std::uniform_int_distribution<size_t> n(2, 7);
  return Words(n(rng_));
}

std::string CorpusGenerator::Body(size_t target, bool big, const std::string& id) {
  std::uniform_int_distribution<int> kind(0, 9);
  int k = kind(rng_);
  auto text = [&](size_t bytes) {
    std::string t;
    while (t.size() < bytes) t += Words(10) + "\n";
    // A line starting with a dot exercises POP3 dot-stuffing and IMAP alike.
    if (t.size() > 200) t += ".a line that starts with a dot\n";
    return t;
  };
  if (big || k >= 8) {
    std::string boundary = "=_mixed_" + id;
    size_t attach =
        big ? std::uniform_int_distribution<size_t>(options_.big_min, options_.big_max)(rng_)
            : target / 2;
    std::string blob(attach * 3 / 4, '\0');
    for (auto& c : blob) c = static_cast<char>(rng_());
    return "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\n\n--" +
           boundary +
           "\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" +
           text(target / 2) + "\n--" + boundary +
           "\nContent-Type: application/octet-stream; name=\"data.bin\"\n"
           "Content-Disposition: attachment; filename=\"data.bin\"\n"
           "Content-Transfer-Encoding: base64\n\n" +
           Base64(blob) + "--" + boundary + "--\n";
  }
  if (k >= 5) {
    std::string boundary = "=_alt_" + id;
    std::string plain = text(target / 2);
    return "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"" + boundary +
           "\"\n\n--" + boundary +
           "\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" +
           plain + "\n--" + boundary +
           "\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
           "<html><body><p>" +
           plain + "</p></body></html>\n--" + boundary + "--\n";
  }
  return "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
         "Content-Transfer-Encoding: 8bit\n\n" +
         text(target);
}

CorpusMessage CorpusGenerator::Next() {
  size_t n = produced_++;
  CorpusMessage m;
  // Zipf-like spread: earlier folders get more mail.
  std::vector<double> weights;
  for (size_t i = 0; i < options_.folders.size(); ++i) weights.push_back(1.0 / (1.0 + i * 0.5));
  std::discrete_distribution<size_t> folder_pick(weights.begin(), weights.end());
  m.folder = options_.folders[folder_pick(rng_)];
  std::lognormal_distribution<double> size(std::log(options_.median_size), 0.9);
  size_t target = std::max<size_t>(300, static_cast<size_t>(size(rng_)));
  bool big = std::uniform_real_distribution<double>(0, 1)(rng_) < options_.big_fraction;
  m.internal_date = 1600000000 + static_cast<time_t>(n) * 3607 +
                    std::uniform_int_distribution<int>(0, 3600)(rng_);
  std::uniform_int_distribution<size_t> who(0, std::size(kNames) - 1);
  std::string from = kNames[who(rng_)], to = kNames[who(rng_)];
  std::string id = std::to_string(options_.seed) + "." + std::to_string(n);
  std::string headers =
      "Return-Path: <sender@example.org>\n"
      "Received: from mx.example.org (mx.example.org [192.0.2.1])\n\tby mail.example.net "
      "with ESMTPS id " +
      id + "\n\tfor <rcpt@example.net>; " + FormatDate(m.internal_date) +
      "\nFrom: " + EncodeWord(from) + " <" + std::to_string(n % 97) + "@example.org>\n" +
      "To: " + EncodeWord(to) + " <rcpt@example.net>\n" + "Subject: " + EncodeWord(Subject()) +
      "\nDate: " + FormatDate(m.internal_date) + "\nMessage-ID: <" + id +
      "@corpus.mailhoard.test>\n";
  m.bytes = headers + Body(target, big, id);
  std::uniform_real_distribution<double> p(0, 1);
  if (p(rng_) < 0.7) m.flags.push_back("\\Seen");
  if (p(rng_) < 0.1) m.flags.push_back("\\Answered");
  if (p(rng_) < 0.05) m.flags.push_back("\\Flagged");
  if (p(rng_) < 0.02) m.flags.push_back("\\Draft");
  if (p(rng_) < 0.01) m.flags.push_back("\\Deleted");
  if (p(rng_) < 0.05) m.flags.push_back("$Forwarded");
  if (p(rng_) < 0.02) m.flags.push_back("$Junk");
  return m;
}

LoadStats LoadCorpus(DovecotServer& server, const std::string& user, const CorpusOptions& options) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> dirs;  // folder -> maildir path on the server
  auto folder_dir = [&](const std::string& folder) -> const std::string& {
    auto it = dirs.find(folder);
    if (it != dirs.end()) return it->second;
    if (folder != "INBOX") server.CreateFolder(user, folder);
    std::string path = server.Doveadm({"mailbox", "path", "-u", user, folder});
    while (!path.empty() && path.back() == '\n') path.pop_back();
    return dirs[folder] = path;
  };
  folder_dir(options.empty_folder);
  LoadStats stats;
  // Keywords cannot be written into maildir file names without Dovecot's
  // keyword table, so they are set through doveadm afterwards.
  // folder -> (maildir base name -> keywords)
  std::map<std::string, std::map<std::string, std::vector<std::string>>> keywords;
  CorpusGenerator gen(options);
  struct stat st;
  while (!gen.Done()) {
    CorpusMessage m = gen.Next();
    const std::string& dir = folder_dir(m.folder);
    std::string info;
    for (const auto& f : m.flags) {
      if (f == "\\Draft") info += 'D';
      if (f == "\\Flagged") info += 'F';
      if (f == "\\Answered") info += 'R';
      if (f == "\\Seen") info += 'S';
      if (f == "\\Deleted") info += 'T';
    }
    std::sort(info.begin(), info.end());
    std::string base = std::to_string(m.internal_date) + ".M" + std::to_string(stats.messages) +
                       "P" + std::to_string(getpid()) +
                       ".corpus,S=" + std::to_string(m.bytes.size());
    for (const auto& f : m.flags) {
      if (f[0] == '$') keywords[m.folder][base].push_back(f);
    }
    std::string name = base + ":2," + info;
    std::string path = dir + "/cur/" + name;
    {
      std::ofstream out(path, std::ios::binary);
      out << m.bytes;
    }
    utimbuf times{m.internal_date, m.internal_date};
    utime(path.c_str(), &times);
    if (stat(dir.c_str(), &st) == 0) chown(path.c_str(), st.st_uid, st.st_gid);
    ++stats.messages;
    stats.bytes += m.bytes.size();
  }
  for (auto& [folder, dir] : dirs) {
    // Maildir files were created by us (root); Dovecot runs as the mail user.
    if (stat(dir.c_str(), &st) == 0) {
      for (const auto& sub : {"cur", "new", "tmp"}) {
        fs::create_directories(dir + "/" + sub);
        chown((dir + "/" + sub).c_str(), st.st_uid, st.st_gid);
      }
    }
  }
  server.Doveadm({"force-resync", "-u", user, "*"});
  // For Maildir, Dovecot's message GUID is the file's base name: it maps
  // the files written above to the UIDs force-resync gave them.
  for (const auto& [folder, by_base] : keywords) {
    std::string out =
        server.Doveadm({"-f", "tab", "fetch", "-u", user, "uid guid", "mailbox", folder});
    std::map<std::string, std::string> uid_sets;  // keyword -> "1,5,9"
    std::istringstream lines(out);
    std::string line;
    std::getline(lines, line);  // column titles
    while (std::getline(lines, line)) {
      auto tab = line.find('\t');
      if (tab == std::string::npos) continue;
      auto it = by_base.find(line.substr(tab + 1));
      if (it == by_base.end()) continue;
      for (const auto& kw : it->second) {
        std::string& set = uid_sets[kw];
        set += (set.empty() ? "" : ",") + line.substr(0, tab);
      }
    }
    for (const auto& [kw, set] : uid_sets) {
      server.Doveadm({"flags", "add", "-u", user, kw, "mailbox", folder, "uid", set});
    }
  }
  return stats;
}

}  // namespace mailhoard::testing
