#include "cli/presets.h"

namespace mailhoard::cli {
namespace {

// Exchange Online throttles IMAP/POP per mailbox (concurrent sessions and
// per-user bandwidth are both limited, and the limits are shared with the
// user's other clients). Beyond about three concurrent sessions a bulk
// download gets "NO Server Unavailable" / dropped connections and ends up
// slower, not faster, so the preset caps `connections` at 3.
const ProviderPreset kMicrosoft365 = {
    .provider = Provider::kMicrosoft365,
    .imap = {"outlook.office365.com", 993, TlsMode::kImplicit},
    .pop3 = {"outlook.office365.com", 995, TlsMode::kImplicit},
    .auth = AuthMethod::kXoauth2,
    .default_connections = 3,
    .max_connections = 3,
    .supports_client_credentials = true,
    .default_tenant = "organizations",
    // Exchange shows its calendar, contacts, tasks, notes and journal over
    // IMAP as folders of messages that only stand for those items, and keeps sync logs and unsent
    // mail in folders of their own: none of it is the user's mail. The names are the English
    // defaults; a mailbox created in another language has localised ones (docs/config.md).
    .non_mail_folders = {"Calendar", "Calendar/*", "Contacts", "Contacts/*", "Tasks", "Tasks/*",
                         "Notes", "Notes/*", "Journal", "Journal/*", "Conversation History",
                         "Conversation History/*", "Sync Issues", "Sync Issues/*", "Outbox"},
};

// Gmail allows 15 simultaneous IMAP connections per account, shared with the
// user's phone and desktop clients, so we stay well below that.
const ProviderPreset kGmail = {
    .provider = Provider::kGmail,
    .imap = {"imap.gmail.com", 993, TlsMode::kImplicit},
    .pop3 = {"pop.gmail.com", 995, TlsMode::kImplicit},
    .auth = AuthMethod::kXoauth2,
    .default_connections = 4,
    .max_connections = 8,
    // Google has no client-credentials grant for mail; server-to-server
    // access goes through service accounts with domain-wide delegation.
    .supports_client_credentials = false,
    .default_tenant = "",
    // Gmail's labels are all mail; [Gmail]/All Mail duplicates the others,
    // but is the only home of archived mail, so it stays in.
    .non_mail_folders = {},
};

}  // namespace

const ProviderPreset* FindPreset(Provider provider) {
  switch (provider) {
    case Provider::kMicrosoft365:
      return &kMicrosoft365;
    case Provider::kGmail:
      return &kGmail;
    case Provider::kNone:
      break;
  }
  return nullptr;
}

std::optional<OAuthPreset> FindOAuthPreset(Provider provider, Protocol protocol, OAuthFlow flow,
                                           const std::string& tenant) {
  OAuthPreset p;
  switch (provider) {
    case Provider::kMicrosoft365: {
      const std::string base = "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/";
      p.token_url = base + "token";
      p.device_url = base + "devicecode";
      p.authorize_url = base + "authorize";
      if (flow == OAuthFlow::kClientCredentials) {
        // App-only tokens carry the permissions granted to the app registration;
        // .default is the only scope the client-credentials grant accepts, and
        // there is no refresh token (offline_access) in that grant.
        p.scopes = {"https://outlook.office365.com/.default"};
      } else {
        p.scopes = {protocol == Protocol::kPop3
                        ? "https://outlook.office.com/POP.AccessAsUser.All"
                        : "https://outlook.office.com/IMAP.AccessAsUser.All",
                    "offline_access"};
      }
      return p;
    }
    case Provider::kGmail:
      p.token_url = "https://oauth2.googleapis.com/token";
      p.device_url = "https://oauth2.googleapis.com/device/code";
      p.authorize_url = "https://accounts.google.com/o/oauth2/v2/auth";
      // Google issues refresh tokens for this scope without offline_access.
      p.scopes = {"https://mail.google.com/"};
      return p;
    case Provider::kNone:
      break;
  }
  return std::nullopt;
}

}  // namespace mailhoard::cli
