// ImapClient: what the sync engine calls. A thin facade: it owns the
// Connection and the SessionState and forwards each call to the operation
// that implements it (login.cc, list_mailboxes.cc, examine.cc, …). Sync
// only reads: EXAMINE and BODY.PEEK. The writing calls (Select, Append,
// StoreFlags, UidExpunge, Create, Subscribe) exist for a push target and
// are never called on a sync source; there is no COPY or DELETE.
//
// Typical use:
//   MH_ASSIGN_OR_RETURN(auto client, ImapClient::Connect(options));
//   MH_ASSIGN_OR_RETURN(auto boxes, client->LoginAndList(credentials));  // also ID, ENABLE
//   MH_ASSIGN_OR_RETURN(auto box, client->Examine(boxes[0].raw_name, std::nullopt));
//   MH_RETURN_IF_ERROR(client->FetchMessages(new_uids, handler));
//   client->Logout();
//
// Errors carry scope (kMessage / kFolder / kAccount) and retry class. After
// any error that is not a tagged NO/BAD (network, protocol, BYE), the
// connection is unusable (broken() is true): drop the client and reconnect.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/imap/client/append.h"
#include "engine/imap/client/capabilities.h"
#include "engine/imap/client/connection.h"
#include "engine/imap/client/examine.h"
#include "engine/imap/client/fetch_flags.h"
#include "engine/imap/client/fetch_header_keys.h"
#include "engine/imap/client/fetch_messages.h"
#include "engine/imap/client/idle.h"
#include "engine/imap/client/list_mailboxes.h"
#include "engine/imap/client/login.h"
#include "engine/imap/client/namespace.h"
#include "engine/imap/client/session.h"
#include "engine/imap/client/store_flags.h"
#include "engine/net/transport.h"

namespace mailhoard::imap {

class ImapClient {
 public:
  // Connects (options.connect.tls), reads the greeting, gets capabilities,
  // and for kStartTls upgrades the connection (kTls "server does not offer
  // STARTTLS" if it cannot — never a plaintext fallback).
  static Result<std::unique_ptr<ImapClient>> Connect(const ClientOptions& options);
  // The same over an already connected transport (tests: ScriptTransport).
  // options.connect.tls still decides whether STARTTLS is required.
  static Result<std::unique_ptr<ImapClient>> ConnectOver(std::unique_ptr<net::Transport> transport,
                                                         const ClientOptions& options);
  ~ImapClient();
  ImapClient(const ImapClient&) = delete;
  ImapClient& operator=(const ImapClient&) = delete;

  // Authenticates (see login.h), then, when offered and enabled in the
  // options: ID, ENABLE (QRESYNC or CONDSTORE, UTF8=ACCEPT). When the login
  // is one line (login.h: LoginIsOneLine), ID and ENABLE travel with it.
  Status Login(const auth::Credentials& credentials);
  // Login, then ListMailboxes(true). With a one-line login and
  // use_list_status, LIST … RETURN (SPECIAL-USE STATUS …) goes in the same
  // flight (answered BAD by a server without LIST-STATUS, which then gets
  // the ordinary listing): a no-op sync is one round trip after the greeting.
  Result<std::vector<MailboxInfo>> LoginAndList(const auth::Credentials& credentials);
  // The steps Login runs after authenticating, also callable alone.
  Status Id();
  Status Enable();
  // COMPRESS=DEFLATE if offered and wanted (ClientOptions::compress);
  // Examine calls it, so it starts with the first mailbox opened.
  Status StartCompression();

  Result<std::vector<MailboxInfo>> ListMailboxes(bool with_status);
  Result<NamespaceResponse> Namespaces();
  Result<SelectedMailbox> Examine(const std::string& raw_name,
                                  const std::optional<QresyncParams>& qresync = std::nullopt);
  Status FetchFlags(const SequenceSet& uids, std::optional<uint64_t> changed_since, bool vanished,
                    const FlagsCallback& on_flags, const VanishedCallback& on_vanished = nullptr);
  Result<std::vector<uint32_t>> SearchAllUids();
  Result<std::vector<uint32_t>> SearchUidsFrom(uint32_t first);
  Status FetchMessages(const SequenceSet& uids, MessageHandler& handler);
  // FETCH of `uids` with "UID SEARCH UID list_from:*" in the same flight;
  // *listed gets the search's answer (see imap::FetchMessages).
  Status FetchMessagesListing(const SequenceSet& uids, uint32_t list_from, MessageHandler& handler,
                              std::vector<uint32_t>* listed);
  Status FetchHeaderKeys(const SequenceSet& uids, const HeaderKeysCallback& callback);
  // A push target's side (append.h).
  Result<AppendResult> Append(const AppendRequest& request);
  std::vector<Result<AppendResult>> AppendPipelined(const std::vector<AppendRequest>& requests);
  Status Create(const std::string& mailbox);
  Status Subscribe(const std::string& mailbox);
  // Read-write, for a push target (examine.h).
  Result<SelectedMailbox> Select(const std::string& raw_name);
  Status StoreFlags(const std::vector<FlagStore>& stores);
  Status UidExpunge(const SequenceSet& uids);
  Status Noop();
  Result<IdleResult> Idle(std::chrono::milliseconds timeout,
                          const std::function<void(const Response&)>& on_event = nullptr);
  // LOGOUT and close, without waiting for the server's BYE.
  Status Logout();

  const Capabilities& capabilities() const { return state_.capabilities; }
  bool authenticated() const { return state_.authenticated; }
  bool condstore() const { return state_.condstore; }
  bool qresync() const { return state_.qresync; }
  bool utf8_accept() const { return state_.utf8_accept; }
  bool compressed() const { return conn_->deflate(); }
  bool preauth() const { return preauth_; }
  bool broken() const { return conn_->broken(); }
  const ClientOptions& options() const { return options_; }
  // Commands sent so far (tests count round trips with it).
  uint64_t commands_sent() const { return conn_->commands_sent(); }

 private:
  ImapClient(std::unique_ptr<net::Transport> transport, const ClientOptions& options);
  Status Handshake();
  OpContext ctx() { return OpContext{*conn_, state_, options_}; }
  void UpdateLiteralMode();
  Status LoginWith(const auth::Credentials& credentials, MailboxListing* listing,
                   bool* listed = nullptr);
  static Command IdCommand();
  // ENABLE for what the options want; offered_only: only extensions the
  // capabilities list (after login).
  std::optional<Command> EnableCommand(bool offered_only) const;
  Status OnEnabled(Incoming& in);
  bool WantsCompression() const;

  ClientOptions options_;
  std::unique_ptr<Connection> conn_;
  SessionState state_;
  bool preauth_ = false;
};

}  // namespace mailhoard::imap
