// Pop3Client: one POP3 session (RFC 1939) with the extensions a mailbox
// archiver needs: CAPA and PIPELINING (RFC 2449), STLS (RFC 2595), AUTH
// (RFC 5034) with the SASL mechanisms of engine/auth, APOP, and the response
// codes of RFC 2449 / RFC 3206 as typed errors (see reply.h).
//
//   MH_ASSIGN_OR_RETURN(auto client, Pop3Client::Connect(options));  // greeting, CAPA, STLS
//   MH_RETURN_IF_ERROR(client->Login(credentials));
//   MH_ASSIGN_OR_RETURN(auto uidls, client->Uidl());
//   MH_RETURN_IF_ERROR(client->Retr(n, sink));  // streamed, dot-unstuffed
//   MH_RETURN_IF_ERROR(client->Dele({n}));
//   MH_RETURN_IF_ERROR(client->Quit());         // the only moment deletes happen
//
// Message bodies are never held in memory: RETR and TOP pass each line
// (CRLF restored, dot-stuffing removed) to a sink as it arrives; the only
// buffer is the reader's, bounded by ClientOptions::max_message_line.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/auth/credentials.h"
#include "core/status.h"
#include "engine/net/buffered_reader.h"
#include "engine/net/trace.h"
#include "engine/net/transport.h"
#include "engine/pop3/reply.h"

namespace mailhoard::pop3 {

// The protocol log (engine/net/trace.h): PASS, APOP digests and AUTH
// exchanges reach it as "<redacted>"; message contents as "{N bytes}".
using net::TraceDirection;
using net::TraceSink;

struct ClientOptions {
  net::Endpoint endpoint;
  net::ConnectOptions connect;
  // Passwords (and APOP digests, which are crackable) over an unencrypted
  // connection only with this explicit opt-in.
  bool allow_plaintext_login = false;
  TraceSink* trace = nullptr;
  // RFC 5322 §2.1.1 allows 998 octets; real mail has far longer lines
  // (HTML on one line), so the bound is generous but finite: an endless
  // line is an error, not unbounded memory.
  size_t max_message_line = 1 << 20;
  // Status and listing lines: RFC 1939 §3 says 512 octets for responses.
  size_t max_reply_line = 8192;
};

struct Capabilities {
  bool known = false;  // CAPA answered +OK
  bool top = false;
  bool uidl = false;
  bool user = false;
  bool pipelining = false;
  bool stls = false;
  bool resp_codes = false;
  std::vector<std::string> sasl;  // upper-case mechanism names
  bool HasSasl(std::string_view mechanism) const;
};

struct ListEntry {
  uint32_t number = 0;
  uint64_t size = 0;  // octets as the server counts them (CRLF)
};

struct UidlEntry {
  uint32_t number = 0;
  std::string uidl;  // 1..70 printable characters (RFC 1939 §7)
};

struct MaildropStat {
  uint32_t messages = 0;
  uint64_t bytes = 0;
};

// Receives message bytes as they arrive, never an empty chunk; an error
// stops the transfer.
using BodySink = std::function<Status(const char* data, size_t len)>;

class Pop3Client {
 public:
  // Connects, reads the greeting, asks CAPA and, for TlsMode::kStartTls,
  // upgrades with STLS (required: a server that does not offer it is an
  // error, never a plaintext fallback) and asks CAPA again.
  static Result<std::unique_ptr<Pop3Client>> Connect(const ClientOptions& options);
  // The same over a transport the caller made (tests: ScriptTransport).
  static Result<std::unique_ptr<Pop3Client>> Start(std::unique_ptr<net::Transport> transport,
                                                   const ClientOptions& options);
  ~Pop3Client();

  // Any auth::AuthMethod (kAuto: AUTH PLAIN if offered, else USER/PASS;
  // kPasswordCommand: USER/PASS).
  Status Login(const auth::Credentials& credentials);

  const Capabilities& capabilities() const { return caps_; }
  // The greeting's APOP timestamp "<...@...>", empty if none.
  const std::string& apop_timestamp() const { return apop_timestamp_; }
  bool is_tls() const;

  Result<MaildropStat> Stat();
  Result<std::vector<ListEntry>> List();
  // kUnsupported when the server does not implement UIDL.
  Result<std::vector<UidlEntry>> Uidl();
  // The message, dot-unstuffed, CRLF line endings, streamed to `sink`.
  Status Retr(uint32_t number, const BodySink& sink);
  // RETR of several messages. With PIPELINING up to `window` RETR commands
  // are in flight (RFC 2449 §6.6), so a slow link costs one round trip per
  // window, not per message; without it, one at a time. 64 commands are
  // under 1 KB, far from filling any socket buffer (8 left a 50 ms link
  // idle most of the time: 1.4x mpop's time, which keeps 100 in flight). For each message in
  // order: `begin(n)` gives the sink once the server said +OK, then
  // `end(n, status)` gets the outcome (a -ERR for that message, or the
  // sink's error). An error returned by `end` stops the run: replies to
  // RETRs already sent are read and discarded, and the error is returned.
  Status RetrMany(const std::vector<uint32_t>& numbers,
                  const std::function<Result<BodySink>(uint32_t)>& begin,
                  const std::function<Status(uint32_t, Status)>& end, size_t window = 64);
  // The header block, a blank line and `lines` body lines (RFC 1939 §7).
  Status Top(uint32_t number, uint32_t lines, const BodySink& sink);
  // Marks messages deleted; with PIPELINING all commands go out before the
  // replies are read (RFC 2449 §6.6). Nothing is deleted before Quit().
  Status Dele(const std::vector<uint32_t>& numbers);
  Status Rset();
  Status Noop();
  // Enters the UPDATE state: the server commits the deletions on +OK.
  Status Quit();

  // A network or protocol error happened: the session is unusable.
  bool broken() const { return broken_; }
  // Drops the connection without QUIT (deletions are discarded by the
  // server); also a test hook for "connection lost before QUIT".
  void Abort();

 private:
  Pop3Client(std::unique_ptr<net::Transport> transport, ClientOptions options);
  Status Greeting();
  Status Capa();
  Status StartTls();
  Status LoginOnce(const auth::Credentials& credentials, const std::string& secret,
                   bool* token_rejected);
  Status UserPass(const auth::Credentials& credentials, const std::string& secret);
  Status Apop(const auth::Credentials& credentials, const std::string& secret);
  Status Sasl(const auth::Credentials& credentials, const std::string& secret,
              auth::AuthMethod method, bool* token_rejected);

  // Sends one command line (CRLF appended); `shown` is what the trace sees.
  Status Send(std::string_view line, std::string_view shown);
  Result<std::string> ReadLine(size_t max_len);
  Result<Reply> ReadReply();
  // Sends `line` and reads its status; -ERR becomes ReplyError().
  Status Simple(std::string_view line, bool during_auth = false, std::string_view shown = {},
                Reply* reply_out = nullptr);
  // Reads the lines of a multi-line response after its +OK, up to ".".
  Status ReadListing(const std::function<Status(std::string_view)>& line);
  Status ReadBody(const BodySink& sink, std::string_view command);
  Status Broken(Status status);

  ClientOptions options_;
  net::BufferedReader reader_;
  Capabilities caps_;
  std::string apop_timestamp_;
  bool broken_ = false;
  bool quit_ = false;
};

}  // namespace mailhoard::pop3
