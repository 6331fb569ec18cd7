// Helpers shared by the storage/index tests: a scratch directory and a
// realistic synthetic header corpus.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace mailhoard::index::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mh_index_XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Header blocks shaped like a real mailbox: Received chains through a few
// providers, DKIM/ARC signatures with random base64, list headers, MIME
// boundaries. Deterministic for a given seed.
class HeaderCorpus {
 public:
  explicit HeaderCorpus(uint32_t seed) : rng_(seed) {}

  std::string Next() {
    static const char* kSenders[] = {
        "\"GitHub\" <notifications@github.com>",
        "Alice Example <alice@example.org>",
        "\"Amazon.de\" <versandbestaetigung@amazon.de>",
        "Bob <bob.builder@mail.example.net>",
        "\"LWN.net\" <lwn@lwn.net>",
        "noreply@accounts.google.com",
        "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@beispiel.de>",
        "\"Linux Kernel Mailing List\" <linux-kernel@vger.kernel.org>"};
    static const char* kRelays[] = {"mx.google.com",          "mail-sor-f41.google.com",
                                    "smtp.example.org",       "mx1.mailbox.org",
                                    "out-12.smtp.github.com", "relay.vger.kernel.org"};
    static const char* kWords[] = {"Re:",    "your",    "order",  "has",       "shipped", "weekly",
                                   "digest", "PATCH",   "v3",     "build",     "failed",  "meeting",
                                   "notes",  "invoice", "review", "requested", "release"};
    std::string h;
    int sender = Pick(8);
    h += "Return-Path: <bounce-" + Hex(12) + "@" + std::string(kRelays[Pick(6)]) + ">\r\n";
    h += "Delivered-To: archive@example.com\r\n";
    int hops = 3 + Pick(4);
    for (int i = 0; i < hops; ++i) {
      h += "Received: from " + std::string(kRelays[Pick(6)]) + " (" +
           std::string(kRelays[Pick(6)]) + " [" + Ip() + "])\r\n        by " +
           std::string(kRelays[Pick(6)]) + " with ESMTPS id " + Alnum(20) +
           "\r\n        for <archive@example.com>\r\n"
           "        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\r\n"
           "        " +
           Date() + "\r\n";
    }
    h += "ARC-Seal: i=1; a=rsa-sha256; t=" + std::to_string(1700000000 + Pick(9999999)) +
         "; cv=none;\r\n        d=google.com; s=arc-20160816;\r\n        b=" + B64(340) + "\r\n";
    h += "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com;\r\n"
         "        s=arc-20160816;\r\n        h=to:subject:message-id:date:from:mime-version:"
         "dkim-signature;\r\n        bh=" +
         B64(44) + ";\r\n        b=" + B64(340) + "\r\n";
    h += "ARC-Authentication-Results: i=1; mx.google.com;\r\n       dkim=pass "
         "header.i=@example.org header.s=selector1 header.b=" +
         Alnum(8) + ";\r\n       spf=pass (google.com: domain of bounce@example.org designates " +
         Ip() +
         " as permitted sender) smtp.mailfrom=bounce@example.org;\r\n       dmarc=pass "
         "(p=REJECT sp=REJECT dis=NONE) header.from=example.org\r\n";
    h += "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=selector1;\r\n"
         "        t=" +
         std::to_string(1700000000 + Pick(9999999)) + "; bh=" + B64(44) +
         ";\r\n        h=From:To:Subject:Date:Message-ID:MIME-Version;\r\n"
         "        b=" +
         B64(340) + "\r\n";
    h += "X-Google-Smtp-Source: AGHT+I" + B64(80) + "\r\n";
    h += "X-Received: by 2002:a05:6a20:" + Hex(4) + ":b0:" + Hex(3) + " with SMTP id " + Alnum(18) +
         ";\r\n        " + Date() + "\r\n";
    h += "MIME-Version: 1.0\r\n";
    h += "From: " + std::string(kSenders[sender]) + "\r\n";
    h += "To: Archive <archive@example.com>\r\n";
    std::string subject;
    int words = 3 + Pick(6);
    for (int i = 0; i < words; ++i) subject += std::string(i ? " " : "") + kWords[Pick(17)];
    h += "Subject: " + subject + "\r\n";
    h += "Date: " + Date() + "\r\n";
    h += "Message-ID: <" + Alnum(24) + "@" + std::string(kRelays[Pick(6)]) + ">\r\n";
    if (Pick(2)) {
      h += "List-Id: <lists." + std::string(kRelays[Pick(6)]) + ">\r\n";
      h += "List-Unsubscribe: <mailto:unsubscribe-" + Hex(16) +
           "@example.org>, <https://"
           "example.org/unsubscribe/" +
           Alnum(32) + ">\r\n";
      h += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
    }
    h += "Content-Type: multipart/alternative; boundary=\"000000000000" + Hex(12) + "\"\r\n";
    h += "\r\n";
    return h;
  }

  std::vector<std::string> Take(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(Next());
    return out;
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  std::string From(const char* alphabet, int len, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += alphabet[Pick(len)];
    return s;
  }
  std::string Hex(int n) { return From("0123456789abcdef", 16, n); }
  std::string Alnum(int n) {
    return From("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 62, n);
  }
  std::string B64(int n) {
    return From("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 64, n);
  }
  std::string Ip() {
    return std::to_string(Pick(223) + 1) + "." + std::to_string(Pick(256)) + "." +
           std::to_string(Pick(256)) + "." + std::to_string(Pick(256));
  }
  std::string Date() {
    static const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    snprintf(buf, sizeof buf, "%s, %d %s %d %02d:%02d:%02d -0%d00 (PST)", kDays[Pick(7)],
             1 + Pick(28), kMonths[Pick(12)], 2015 + Pick(10), Pick(24), Pick(60), Pick(60),
             Pick(9));
    return buf;
  }

  std::mt19937 rng_;
};

}  // namespace mailhoard::index::testing
