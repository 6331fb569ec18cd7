// Shared set-up for the IMAP sync integration tests: an account on the real
// Dovecot, an Archive in a temp dir, and a byte-for-byte comparison of the
// two.
#pragma once

#include "tests/core/fake_clock.h"

#include <memory>
#include <string>
#include <vector>

#include "engine/sync/archive.h"
#include "engine/sync/imap_sync.h"
#include "tests/support/dovecot_server.h"

namespace mailhoard::sync::testing {

struct RecordingTrace : imap::TraceSink {
  std::mutex mu;
  std::vector<std::string> sent;
  void Line(imap::TraceDirection direction, std::string_view line) override;
  size_t CountSent(std::string_view command);  // e.g. "EXAMINE"
};

struct SyncFixture {
  explicit SyncFixture(mailhoard::testing::DovecotServer& server);
  ~SyncFixture();

  ImapSyncOptions Options(uint16_t port = 0);
  SyncResult Run(Policy policy = Policy::kArchive, uint16_t port = 0);
  std::unique_ptr<Archive> OpenArchive();

  // Every server message is in the archive once, byte-identical, with the
  // server's flags and INTERNALDATE as mtime. Returns a description of the
  // first difference, or "" when equal.
  std::string CompareWithServer();

  mailhoard::testing::DovecotServer& server;
  mailhoard::testing::TestUser user;
  std::string dir;
  RecordingTrace trace;
  mailhoard::testing::FakeClock archive_clock{
      mailhoard::testing::FakeClock::WallTime(std::chrono::seconds(1700000000))};
};

}  // namespace mailhoard::sync::testing
