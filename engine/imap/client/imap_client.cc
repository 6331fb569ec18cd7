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
  if (options_.before_command) conn_->set_before_send(options_.before_command);
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

Status ImapClient::Login(const auth::Credentials& credentials) {
  return LoginWith(credentials, nullptr);
}

Result<std::vector<MailboxInfo>> ImapClient::LoginAndList(const auth::Credentials& credentials) {
  MailboxListing listing(state_);
  bool listed = false;
  MH_RETURN_IF_ERROR(LoginWith(credentials, &listing, &listed));
  if (listed) return listing.Take();
  return ListMailboxes(/*with_status=*/true);
}

Status ImapClient::LoginWith(const auth::Credentials& credentials, MailboxListing* listing,
                             bool* listed) {
  // What the greeting's capabilities promise goes in the login's own
  // flight; a no-op run then costs one round trip after the greeting.
  std::vector<Followup> early;
  std::optional<size_t> early_id, early_enable, early_list;
  if (LoginIsOneLine(ctx(), credentials)) {
    const Capabilities& pre = state_.capabilities;
    if (options_.send_id && pre.Has("ID")) {
      early_id = early.size();
      early.push_back({IdCommand(), {}});
    }
    std::optional<Command> enable = EnableCommand(/*offered_only=*/false);
    if (enable && pre.Has("ENABLE")) {
      early_enable = early.size();
      early.push_back({*enable, {}});
    }
    if (listing && options_.use_list_status) {
      early_list = early.size();
      early.push_back({ExtendedListCommand(/*modseq=*/early_enable.has_value()), {}});
    }
  }
  auto on_untagged = [&](Incoming& in) -> Status {
    MH_RETURN_IF_ERROR(OnEnabled(in));
    return listing ? listing->OnUntagged(in) : Status::Ok();
  };
  MH_RETURN_IF_ERROR(LoginThen(ctx(), credentials, early, on_untagged));
  UpdateLiteralMode();
  if (early_id) MH_RETURN_IF_ERROR(early[*early_id].status);
  if (early_list && listed) {
    *listed = early[*early_list].status.ok();
    // A server without LIST-STATUS answered BAD: its partial answer goes.
    if (!*listed) listing->Take();
  }
  // Whatever only the post-login capabilities reveal.
  if (!early_id) MH_RETURN_IF_ERROR(Id());
  if (!early_enable || !early[*early_enable].status.ok()) MH_RETURN_IF_ERROR(Enable());
  return Status::Ok();
}

Command ImapClient::IdCommand() {
  // RFC 2971; some providers (NetEase) refuse mailbox access without it.
  return Command("ID (\"name\" \"mailhoard\" \"vendor\" \"mailhoard\")");
}

Status ImapClient::Id() {
  if (!options_.send_id || !state_.capabilities.Has("ID")) return Status::Ok();
  return RunCommand(*conn_, IdCommand(), IgnoreUntagged);
}

std::optional<Command> ImapClient::EnableCommand(bool offered_only) const {
  // Before login the extensions are not listed yet; a server ignores the
  // ones it does not have (RFC 5161 §3.1) and says which it enabled.
  const Capabilities& caps = state_.capabilities;
  const auto want = [&](std::string_view ext) { return !offered_only || caps.Has(ext); };
  std::string what;
  const bool qresync = options_.enable_qresync && want("QRESYNC");
  if (qresync) what += " QRESYNC";  // implies CONDSTORE (RFC 7162 §3.2.3)
  // Before login both are asked for: a server may have CONDSTORE only.
  if ((!qresync || !offered_only) && want("CONDSTORE")) what += " CONDSTORE";
  if (options_.enable_utf8 && want("UTF8=ACCEPT")) what += " UTF8=ACCEPT";
  if (what.empty()) return std::nullopt;
  return Command("ENABLE" + what);
}

Status ImapClient::OnEnabled(Incoming& in) {
  if (ResponseName(in.response) != "ENABLED") return Status::Ok();
  MH_ASSIGN_OR_RETURN(std::vector<std::string> enabled, ParseEnabledResponse(in.response));
  Capabilities list(std::move(enabled));
  if (list.Has("QRESYNC")) state_.qresync = state_.condstore = true;
  if (list.Has("CONDSTORE")) state_.condstore = true;
  if (list.Has("UTF8=ACCEPT")) state_.utf8_accept = true;
  return Status::Ok();
}

Status ImapClient::Enable() {
  if (!state_.capabilities.Has("ENABLE")) return Status::Ok();
  std::optional<Command> cmd = EnableCommand(/*offered_only=*/true);
  if (!cmd) return Status::Ok();
  return RunCommand(*conn_, *cmd, [this](Incoming& in) { return OnEnabled(in); });
}

bool ImapClient::WantsCompression() const {
  switch (options_.compress) {
    case Compression::kAlways:
      return true;
    case Compression::kNever:
      return false;
    case Compression::kAuto:
      break;
  }
  return !conn_->transport().PeerIsLocal();
}

Status ImapClient::StartCompression() {
  if (conn_->deflate() || !state_.capabilities.Has("COMPRESS=DEFLATE") || !WantsCompression()) {
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
  // Compression starts with the first mailbox, so a run that opens none
  // (nothing changed) does not pay its round trip.
  MH_RETURN_IF_ERROR(StartCompression());
  return imap::Examine(ctx(), raw_name, qresync);
}

Status ImapClient::FetchFlags(const SequenceSet& uids, std::optional<uint64_t> changed_since,
                              bool vanished, const FlagsCallback& on_flags,
                              const VanishedCallback& on_vanished) {
  return imap::FetchFlags(ctx(), uids, changed_since, vanished, on_flags, on_vanished);
}

Result<std::vector<uint32_t>> ImapClient::SearchAllUids() { return imap::SearchAllUids(ctx()); }

Result<std::vector<uint32_t>> ImapClient::SearchUidsFrom(uint32_t first) {
  return imap::SearchUidsFrom(ctx(), first);
}

Status ImapClient::FetchMessages(const SequenceSet& uids, MessageHandler& handler) {
  return imap::FetchMessages(ctx(), uids, handler);
}

Status ImapClient::FetchMessagesListing(const SequenceSet& uids, uint32_t list_from,
                                        MessageHandler& handler, std::vector<uint32_t>* listed) {
  UidSearch search = UidSearch::From(state_, list_from);
  Status s = imap::FetchMessages(ctx(), uids, handler, &search);
  *listed = search.Take();
  return s;
}

Status ImapClient::FetchHeaderKeys(const SequenceSet& uids, const HeaderKeysCallback& callback) {
  return imap::FetchHeaderKeys(ctx(), uids, callback);
}

Result<AppendResult> ImapClient::Append(const AppendRequest& request) {
  return imap::Append(ctx(), request);
}

std::vector<Result<AppendResult>> ImapClient::AppendPipelined(
    const std::vector<AppendRequest>& requests) {
  return imap::AppendPipelined(ctx(), requests);
}

Status ImapClient::Create(const std::string& mailbox) { return imap::Create(ctx(), mailbox); }

Status ImapClient::Subscribe(const std::string& mailbox) { return imap::Subscribe(ctx(), mailbox); }

Result<SelectedMailbox> ImapClient::Select(const std::string& raw_name) {
  MH_RETURN_IF_ERROR(StartCompression());
  return imap::Select(ctx(), raw_name);
}

Status ImapClient::StoreFlags(const std::vector<FlagStore>& stores) {
  return imap::StoreFlags(ctx(), stores);
}

Status ImapClient::UidExpunge(const SequenceSet& uids) { return imap::UidExpunge(ctx(), uids); }

Status ImapClient::Noop() { return RunCommand(*conn_, Command("NOOP"), IgnoreUntagged); }

Result<IdleResult> ImapClient::Idle(std::chrono::milliseconds timeout,
                                    const std::function<void(const Response&)>& on_event) {
  return imap::Idle(ctx(), timeout, on_event);
}

Status ImapClient::Logout() {
  if (conn_->broken()) return Status::Ok();
  // Nothing is left to learn from the BYE and OK (we changed nothing on the
  // server), so their round trip is not waited for.
  Result<std::string> sent = conn_->Send(Command("LOGOUT"));
  conn_->Close();
  if (!sent.ok() && sent.status().code() != ErrorCode::kNetwork) return sent.status();
  return Status::Ok();
}

}  // namespace mailhoard::imap
