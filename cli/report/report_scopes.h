// The OAuth2 scopes an account's sign-in needs when [report] sends mail with
// it (oauth_account): its own, plus what the provider wants for SMTP.
// Microsoft 365 needs https://outlook.office.com/SMTP.Send beside the IMAP
// (or POP) scope. It is not part of the preset itself: an app registration
// without that permission could then not sign in at all, even for IMAP.
// Gmail's https://mail.google.com/ covers SMTP already.
#pragma once

#include <string>
#include <vector>

#include "cli/config_types.h"

namespace mailhoard::cli {

inline constexpr char kMicrosoftSmtpScope[] = "https://outlook.office.com/SMTP.Send";

// True when a [report] route (the primary or a fallback) signs in to SMTP
// with this account's tokens.
bool ReportUsesAccount(const Config& config, const AccountConfig& account);

// The scopes `login` asks for and refreshes use: the account's scopes, with
// SMTP.Send added for a Microsoft 365 account that a report uses (delegated
// flows only; the client-credentials grant takes only ".default").
std::vector<std::string> SignInScopes(const Config& config, const AccountConfig& account);

}  // namespace mailhoard::cli
