#include "engine/imap/client/imap_client.h"

#include <utility>

#include "engine/imap/client/connect_phase.h"
#include "engine/imap/client/pipeline.h"
#include "engine/imap/client/search.h"
#include "engine/imap/response_codes.h"

namespace mailhoard::imap {

ImapClient::ImapClient(std::unique_ptr<net::Transport> transport, const ClientOptions& options)
    : options_(options),
      conn_(std::make_unique<Connection>(std::move(transport), options.limits, options.trace)) {
  if (options_.on_alert) conn_->set_alert_callback(options_.on_alert);
}

ImapClient::~ImapClient() = default;

Result<std::unique_ptr<ImapClient>> ImapClient::Connect(const ClientOptions& options) {
  MH_ASSIGN_OR_RETURN(std::unique_ptr<net::Transport> transport,
                      net::Connect(options.endpoint, options.connect));
  return ConnectOver(std::move(transport), options);
}

Result<std::unique_ptr<ImapClient>> ImapClient::ConnectOver(
    std::unique_ptr<net::Transport> transport, const ClientOptions& options) {
  std::unique_ptr<ImapClient> client(new ImapClient(std::move(transport), options));
  MH_RETURN_IF_ERROR(client->Handshake());
  return client;
}

Status ImapClient::Handshake() {
  MH_ASSIGN_OR_RETURN(Greeting greeting, ReadGreeting(ctx()));
  preauth_ = greeting == Greeting::kPreauth;
  if (options_.connect.tls == net::TlsMode::kStartTls) {
    if (preauth_) {
      // STARTTLS is only valid before authentication (RFC 3501 §6.2.1).
      Status s = TlsError(conn_->Describe() +
                          ": server pre-authenticated the plaintext connection; cannot STARTTLS");
      conn_->Close();
      return s;
    }
    if (state_.capabilities.empty()) MH_RETURN_IF_ERROR(RequestCapabilities(ctx()));
    MH_RETURN_IF_ERROR(UpgradeToTls(ctx()));
  } else if (state_.capabilities.empty()) {
    MH_RETURN_IF_ERROR(RequestCapabilities(ctx()));
  }
  state_.authenticated = preauth_;
  UpdateLiteralMode();
  return Status::Ok();
}

void ImapClient::UpdateLiteralMode() {
  if (state_.capabilities.Has("LITERAL+")) {
    conn_->set_literal_mode(LiteralMode::kNonSyncAlways);
  } else if (state_.capabilities.Has("LITERAL-")) {
    conn_->set_literal_mode(LiteralMode::kNonSyncSmall);
  } else {
    conn_->set_literal_mode(LiteralMode::kSynchronizing);
  }
}

Status ImapClient::Login(const Credentials& credentials) {
  MH_RETURN_IF_ERROR(imap::Login(ctx(), credentials));
  UpdateLiteralMode();
  if (options_.send_id) MH_RETURN_IF_ERROR(Id());
  MH_RETURN_IF_ERROR(Enable());
  return StartCompression();
}

Status ImapClient::Id() {
  if (!state_.capabilities.Has("ID")) return Status::Ok();
  // RFC 2971; some providers (NetEase) refuse mailbox access without it.
  Command cmd("ID (\"name\" \"mailhoard\" \"vendor\" \"mailhoard\")");
  return RunCommand(*conn_, cmd, IgnoreUntagged);
}

Status ImapClient::Enable() {
  const Capabilities& caps = state_.capabilities;
  std::string what;
  if (options_.enable_qresync && caps.Has("QRESYNC")) {
    what += " QRESYNC";  // implies CONDSTORE (RFC 7162 §3.2.3)
  } else if (caps.Has("CONDSTORE")) {
    what += " CONDSTORE";
  }
  if (options_.enable_utf8 && caps.Has("UTF8=ACCEPT")) what += " UTF8=ACCEPT";
  if (what.empty() || !caps.Has("ENABLE")) return Status::Ok();
  Command cmd("ENABLE" + what);
  return RunCommand(*conn_, cmd, [&](Incoming& in) -> Status {
    if (ResponseName(in.response) != "ENABLED") return Status::Ok();
    MH_ASSIGN_OR_RETURN(std::vector<std::string> enabled, ParseEnabledResponse(in.response));
    Capabilities list(std::move(enabled));
    if (list.Has("QRESYNC")) state_.qresync = state_.condstore = true;
    if (list.Has("CONDSTORE")) state_.condstore = true;
    if (list.Has("UTF8=ACCEPT")) state_.utf8_accept = true;
    return Status::Ok();
  });
}

Status ImapClient::StartCompression() {
  if (!options_.compress || conn_->deflate() || !state_.capabilities.Has("COMPRESS=DEFLATE")) {
    return Status::Ok();
  }
  MH_ASSIGN_OR_RETURN(Response done,
                      RunForCompletion(*conn_, Command("COMPRESS DEFLATE"), IgnoreUntagged));
  // NO [COMPRESSIONACTIVE] or any refusal: carry on uncompressed.
  if (done.status != StatusWord::kOk) return Status::Ok();
  return conn_->StartDeflate();
}

Result<std::vector<MailboxInfo>> ImapClient::ListMailboxes(bool with_status) {
  return imap::ListMailboxes(ctx(), with_status);
}

Result<NamespaceResponse> ImapClient::Namespaces() { return GetNamespaces(ctx()); }

Result<SelectedMailbox> ImapClient::Examine(const std::string& raw_name,
                                            const std::optional<QresyncParams>& qresync) {
  return imap::Examine(ctx(), raw_name, qresync);
}

Status ImapClient::FetchFlags(const SequenceSet& uids, std::optional<uint64_t> changed_since,
                              bool vanished, const FlagsCallback& on_flags,
                              const VanishedCallback& on_vanished) {
  return imap::FetchFlags(ctx(), uids, changed_since, vanished, on_flags, on_vanished);
}

Result<std::vector<uint32_t>> ImapClient::SearchAllUids() { return imap::SearchAllUids(ctx()); }

Status ImapClient::FetchMessages(const SequenceSet& uids, MessageHandler& handler) {
  return imap::FetchMessages(ctx(), uids, handler);
}

Status ImapClient::FetchHeaderKeys(const SequenceSet& uids, const HeaderKeysCallback& callback) {
  return imap::FetchHeaderKeys(ctx(), uids, callback);
}

Status ImapClient::Noop() { return RunCommand(*conn_, Command("NOOP"), IgnoreUntagged); }

Result<IdleResult> ImapClient::Idle(std::chrono::milliseconds timeout,
                                    const std::function<void(const Response&)>& on_event) {
  return imap::Idle(ctx(), timeout, on_event);
}

Status ImapClient::Logout() {
  if (conn_->broken()) return Status::Ok();
  Status s = RunCommand(*conn_, Command("LOGOUT"), IgnoreUntagged);
  conn_->Close();
  // The server's BYE precedes the OK; an EOF right after it is normal.
  if (!s.ok() && (s.code() == ErrorCode::kServerBye || s.code() == ErrorCode::kNetwork)) {
    return Status::Ok();
  }
  return s;
}

}  // namespace mailhoard::imap
