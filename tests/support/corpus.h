// A deterministic, seeded generator of realistic mail for the demo, the
// integration tests and the benchmark: log-normal sizes, a few multi-MB
// attachments, text/plain, multipart/alternative and multipart/mixed, RFC 2047
// headers, all flag kinds and keywords, nested and non-ASCII folder names.
#pragma once

#include <cstdint>
#include <ctime>
#include <random>
#include <string>
#include <vector>

namespace mailhoard::testing {

class DovecotServer;

struct CorpusOptions {
  uint64_t seed = 1;
  size_t messages = 200;
  double median_size = 8192;    // bytes; sizes are log-normal around this
  double big_fraction = 0.005;  // share of messages carrying a 1-5 MB attachment
  size_t big_min = 1 << 20;
  size_t big_max = 5 << 20;
  // Folders messages are spread over (UTF-8, '/' as hierarchy separator).
  // The first gets the largest share; an empty folder is created too.
  std::vector<std::string> folders = DefaultFolders();
  std::string empty_folder = "Leer";

  static std::vector<std::string> DefaultFolders();
};

struct CorpusMessage {
  std::string folder;
  std::string bytes;               // LF line endings, as a local delivery would store it
  std::vector<std::string> flags;  // IMAP flags, e.g. "\\Seen", "$Forwarded"
  time_t internal_date = 0;
};

class CorpusGenerator {
 public:
  explicit CorpusGenerator(CorpusOptions options);
  bool Done() const { return produced_ >= options_.messages; }
  CorpusMessage Next();

 private:
  std::string Body(size_t target, bool big, const std::string& boundary_seed);
  std::string Subject();
  std::string Words(size_t n);

  CorpusOptions options_;
  std::mt19937_64 rng_;
  size_t produced_ = 0;
};

struct LoadStats {
  size_t messages = 0;
  size_t bytes = 0;
};

// Writes the corpus straight into the user's Maildir on the server (much
// faster than APPEND), then lets Dovecot index it with force-resync and sets
// keywords through doveadm.
LoadStats LoadCorpus(DovecotServer& server, const std::string& user, const CorpusOptions& options);

}  // namespace mailhoard::testing
