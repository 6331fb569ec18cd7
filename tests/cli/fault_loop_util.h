// Pieces of the seeded fault loops (fault_loop_test.cc, issue #16): how many
// runs, which seed, where a fault landed in a recorded connection, what an
// archive holds compared with the server, and what appeared outside the
// archive root. The loops drive the real binary through CliHarness.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/cli/cli_harness.h"
#include "tests/support/tcp_proxy.h"

namespace mailhoard::cli::testing {

// Faults per loop: `full` by default; with CI=true `ci` (halved again under
// ASan); MAILHOARD_FAULT_RUNS=N sets every loop to N.
int FaultRuns(int full, int ci);
// MAILHOARD_FAULT_SEED=S replays a loop; else a fresh random seed.
uint64_t FaultSeed();

// One loop's figures and its summary line.
struct FaultTally {
  std::string loop;
  uint64_t seed = 0;
  int faults = 0;    // faults that struck a live run
  int runs = 0;      // runs started (faulted or not)
  int survived = 0;  // runs that ended cleanly with the archive intact
  size_t lost = 0;
  size_t duplicated = 0;
  size_t foreign = 0;  // archived bytes the server never had (a torn file)
  size_t outside_root = 0;
  std::map<std::string, int> where;  // where the faults landed
  std::string Line() const;
  void Print() const;  // to stdout, and appended to $MAILHOARD_FAULT_SUMMARY if set
};

// Where in connection `r` the fault struck: "greeting", "login", "starttls",
// "tls-handshake", "tls-stream", "compress", "compressed-stream", "literal",
// "tagged", "untagged" (IMAP), "retr-body", "<verb>-response" (POP3), or
// "client:<VERB>" for a cut of the client's bytes.
std::string FaultSite(const mailhoard::testing::ProxyRecord& r,
                      mailhoard::testing::ProxyDirection direction, bool pop3);

// The bytes of every message the account's index lists (one entry per row),
// read from the archive; empty before the index exists.
std::vector<std::string> ArchivedMessages(const CliHarness& h, std::string* error);

// Every message of the user's `folders` (empty: all) on the server, byte for
// byte as Dovecot stores it (DovecotServer::Messages).
std::vector<std::string> ServerMessages(CliHarness& h, std::vector<std::string> folders = {});

struct ArchiveDamage {
  size_t duplicated = 0;  // rows whose bytes another row has too
  size_t foreign = 0;     // rows whose bytes are no message we delivered
  size_t lost = 0;        // of `must_have`, not archived
  std::string first;      // a description of the first problem
  bool ok() const { return duplicated == 0 && foreign == 0 && lost == 0; }
};
ArchiveDamage CheckArchive(const std::vector<std::string>& archived,
                           const std::set<std::string>& known,
                           const std::set<std::string>& must_have);

// Every path below `root` outside `archive` (and the harness's own config.toml,
// bg.out and bg.err), with its size.
std::map<std::string, uintmax_t> TreeOutside(const std::string& root, const std::string& archive);
// Paths added, removed or resized between two TreeOutside snapshots.
size_t TreeChanges(const std::map<std::string, uintmax_t>& before,
                   const std::map<std::string, uintmax_t>& after, std::string* first);

// A background `mailhoard` run ended: exit code, whether it had to be killed
// for running past its limit, stderr.
struct BoundedRun {
  int code = -1;
  bool hung = false;
  double seconds = 0;
  std::string err;
};
// Waits for `pid` (from h.Start) at most `limit`; past it, SIGKILLs it and
// reports hung.
BoundedRun WaitBounded(const CliHarness& h, pid_t pid, std::chrono::milliseconds limit);
// Whether child `pid` has exited (a zombie until reaped).
bool ChildExited(pid_t pid);

// `s` with CR, LF and other control bytes escaped, for a trace line.
std::string Printable(const std::string& s);

// A message of roughly `size` bytes (CRLF) with the id in its Message-ID and
// lines that test framing: a leading dot (POP3 dot-stuffing), a lone ".", a
// "{12}" that is not a literal.
std::string FaultMail(const std::string& id, size_t size);

}  // namespace mailhoard::cli::testing
