#include "cli/starter_config.h"

namespace mailhoard::cli {
namespace {

// A TOML basic string: the address comes from the command line.
std::string Quoted(const std::string& value) {
  std::string q = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

std::string Header() {
  return "# mailhoard configuration, written by `mailhoard config init`.\n"
         "# Check it with `mailhoard config check`; every key is described in\n"
         "# docs/config.md, and `mailhoard config example` prints a longer example.\n"
         "\n"
         "# Archive root: one directory per account below it. ~ and $VARS are expanded.\n"
         "archive = \"~/Mail/hoard\"\n\n";
}

std::string Microsoft365(const std::string& name, const std::string& user) {
  return "# A Microsoft 365 mailbox over IMAP with OAuth2: run `mailhoard login " + name +
         "`\n# once to sign in (device code), then `mailhoard sync`.\n"
         "[accounts." +
         name +
         "]\n"
         "provider = \"microsoft365\"        # presets host, port, TLS, auth and endpoints\n"
         "user = " +
         Quoted(user) +
         "\n\n"
         "[accounts." +
         name +
         ".oauth]\n"
         "# Replace with the application (client) ID of your Entra ID app registration.\n"
         "client_id = \"00000000-0000-0000-0000-000000000000\"\n"
         "tenant = \"organizations\"         # or your tenant ID / domain\n";
}

std::string Gmail(const std::string& name, const std::string& user) {
  return "# A Gmail account over IMAP with OAuth2: run `mailhoard login " + name +
         "` once to\n# sign in, then `mailhoard sync`.\n"
         "[accounts." +
         name +
         "]\n"
         "provider = \"gmail\"               # presets host, port, TLS, auth and endpoints\n"
         "user = " +
         Quoted(user) +
         "\n"
         "dedupe = true                    # one copy of a message seen in several labels\n\n"
         "[accounts." +
         name +
         ".oauth]\n"
         "# Replace with your Google Cloud OAuth client (type \"Desktop app\").\n"
         "client_id = \"1234567890-abc.apps.googleusercontent.com\"\n"
         "client_secret_cmd = \"pass show mail/google-client-secret\"   # Google requires it\n";
}

std::string PasswordImap(const std::string& name, const std::string& user) {
  return "# An IMAP server with a password: replace host, and make password_cmd print\n"
         "# the password (or use password_file / password_env instead).\n"
         "[accounts." +
         name +
         "]\n"
         "host = \"imap.example.org\"\n"
         "user = " +
         Quoted(user) +
         "\n"
         "password_cmd = \"pass show mail/" +
         name + "\"\n";
}

}  // namespace

std::string StarterConfigText(const StarterOptions& options) {
  const std::string user = options.user.empty() ? "you@example.org" : options.user;
  switch (options.provider) {
    case Provider::kMicrosoft365:
      return Header() + Microsoft365(options.account, user);
    case Provider::kGmail:
      return Header() + Gmail(options.account, user);
    case Provider::kNone:
      break;
  }
  return Header() + PasswordImap(options.account, user);
}

}  // namespace mailhoard::cli
