// From an [accounts.NAME] config to the engine's options: the Archive, the
// IMAP client and credentials (password sources, OAuth2 token provider).
// Shared by every engine-backed command.
#pragma once

#include <memory>
#include <string>

#include "cli/commands/command_context.h"
#include "cli/config_types.h"
#include "core/status.h"
#include "engine/auth/credentials.h"
#include "engine/auth/token_store.h"
#include "engine/imap/client/imap_client.h"
#include "engine/sync/archive.h"

namespace mailhoard::cli {

// Where an account's OAuth2 tokens live: [oauth] token_file, by default in
// the per-user state directory (owner-only), never inside the archive.
std::string TokenStorePath(const AccountConfig& account);
// Where older versions kept them: <archive>/<account>/.oauth-token.json.
std::string LegacyTokenStorePath(const AccountConfig& account);

// The account's token store, after moving a token left in the archive by an
// older version to TokenStorePath() (one line about it in `notices`).
Result<auth::TokenStore> OpenTokenStore(const AccountConfig& account,
                                        std::vector<std::string>* notices);

// The OAuth2 endpoints of an account (preset values already filled in by
// the config loader) with its client secret resolved.
Result<auth::OAuthEndpoints> OAuthEndpointsFor(const AccountConfig& account,
                                               std::vector<std::string>* warnings);
std::shared_ptr<auth::OAuthClient> MakeOAuthClient(const AccountConfig& account,
                                                   const auth::OAuthEndpoints& endpoints);

Result<std::unique_ptr<sync::Archive>> OpenArchive(const AccountConfig& account);
// Read-only access to an account's index (status, search, verify).
Result<std::unique_ptr<index::Index>> OpenIndexReadOnly(const AccountConfig& account);
// The account's index file, and whether a sync ever created it (an account
// never synced has none: nothing to search, verify or read a dry run from).
std::string IndexPath(const AccountConfig& account);
bool HasIndex(const AccountConfig& account);

// TLS mode, CA, pin and timeouts of the account's server.
net::ConnectOptions ConnectOptionsFor(const AccountConfig& account);

// How an account signs in: its user, its auth as the engine's method, and
// a secret fetched lazily: a password from its source, or an OAuth2 access
// token (refreshed, with rotation) from the token store. A tenant mailbox
// uses its tenant's app token from `tenants` (one for the whole process);
// without one, a source of its own.
class TenantTokens;
Result<auth::Credentials> CredentialsFor(const AccountConfig& account,
                                         std::vector<std::string>* warnings,
                                         TenantTokens* tenants = nullptr);

// The config's `auth` as the engine's method, for IMAP, POP3 and SMTP
// alike: "plain" lets the client choose (PLAIN, else the protocol's
// password command), "user" is that command (USER/PASS).
auth::AuthMethod EngineAuthMethod(AuthMethod configured);

// How to reach and sign in to an IMAP account (sync's source, push's
// target); server alerts are printed as warnings.
imap::ClientOptions ImapClientOptionsFor(const AccountConfig& account, imap::TraceSink* trace,
                                         CommandContext& ctx);

}  // namespace mailhoard::cli
