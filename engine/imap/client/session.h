// What every IMAP operation needs: the connection, the options, and the
// little state a session accumulates (capabilities, ENABLEd extensions).
// Operations are free functions over an OpContext, one file each, so no
// object owns socket, parser, state and retries at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "engine/imap/client/capabilities.h"
#include "engine/imap/client/connection.h"
#include "engine/imap/client/trace.h"
#include "engine/imap/response_parser.h"
#include "engine/net/transport.h"

namespace mailhoard::imap {

// COMPRESS=DEFLATE (RFC 4978), when the server offers it. On loopback or a
// private network deflate costs both ends more CPU than the link saves (a
// local initial sync spent 3x the server CPU of an uncompressed one).
enum class Compression {
  kAuto,  // only to a peer that is not local (net::Transport::PeerIsLocal)
  kAlways,
  kNever,
};

struct ClientOptions {
  net::Endpoint endpoint;
  // tls: kImplicit (993), kStartTls (143, STARTTLS required — never a silent
  // plaintext fallback) or kNone (plaintext; LOGIN/AUTHENTICATE then needs
  // allow_plaintext_login).
  net::ConnectOptions connect;
  bool allow_plaintext_login = false;
  ParserLimits limits;
  TraceSink* trace = nullptr;  // not owned; must outlive the client
  AlertCallback on_alert;      // [ALERT] texts (RFC 3501 §7.1: must be shown to the user)
  Compression compress = Compression::kAuto;
  bool enable_qresync = true;  // ENABLE QRESYNC (else CONDSTORE) when offered
  bool enable_utf8 = true;     // ENABLE UTF8=ACCEPT when offered (RFC 6855)
  bool send_id = true;         // ID after login when offered (RFC 2971)
  // LIST … RETURN (STATUS …) when LIST-STATUS is offered (RFC 5819); off:
  // pipelined STATUS commands (servers whose LIST-STATUS is wrong).
  bool use_list_status = true;
  size_t pipeline_window = 8;  // commands in flight
  // STATUS commands in flight during ListMailboxes without LIST-STATUS:
  // tiny commands and replies, so more of them keep a no-op sync close to
  // one round trip without risking a write/read deadlock.
  size_t status_window = 64;
  // No command line longer than this (Microsoft 365 answers longer UID
  // sets with "BAD Command Argument Error").
  size_t max_command_bytes = 4000;
  // Called before every command is written; an error stops the command.
  // The account's throttle gate: no connection of a throttled mailbox
  // sends anything inside the window.
  std::function<Status()> before_command;
};

struct SessionState {
  Capabilities capabilities;
  bool authenticated = false;
  bool condstore = false;  // RFC 7162 CONDSTORE enabled
  bool qresync = false;    // RFC 7162 QRESYNC enabled (implies condstore)
  bool utf8_accept = false;
  std::optional<std::string> examined;  // raw name of the mailbox open read-only
};

struct OpContext {
  Connection& conn;
  SessionState& state;
  const ClientOptions& options;
};

}  // namespace mailhoard::imap
