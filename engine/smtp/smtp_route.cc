// MailRoute over libcurl's SMTP client. libcurl does the protocol (EHLO,
// STARTTLS, SASL, pipelining, dot-stuffing); this file chooses the options
// that make it safe for unattended use and turns its results into plain
// words: which reply ended the attempt is taken from the protocol lines
// libcurl hands to its debug callback (server replies only are kept; the
// client's lines carry credentials and are never stored).
#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "engine/auth/curl_library.h"
#include "engine/auth/sasl.h"
#include "engine/smtp/mail_route.h"
#include "engine/smtp/smtp_reply.h"

namespace mailhoard::smtp {
namespace {

// Spelled CURLOPT_MAIL_RCPT_ALLLOWFAILS (sic) in libcurl before 8.2 and
// CURLOPT_MAIL_RCPT_ALLOWFAILS after; the number is the same in both.
constexpr CURLoption kMailRcptAllowFails = static_cast<CURLoption>(CURLOPTTYPE_LONG + 290);

enum class Phase { kOther, kAuth, kRcpt, kData };

// What the debug callback learns from the conversation.
struct Transcript {
  Phase phase = Phase::kOther;
  std::string rcpt;  // the address of the RCPT TO being answered
  std::optional<SmtpReply> auth_reply;
  std::optional<SmtpReply> last_reply;
  std::vector<std::pair<std::string, std::string>> rejected;  // rcpt, reply
  std::vector<std::string> accepted;
};

std::string ReplyText(const SmtpReply& r) {
  std::string s = std::to_string(r.code);
  if (!r.enhanced.empty()) s += " " + r.enhanced;
  if (!r.text.empty()) s += " " + r.text;
  return s;
}

void OnServerLine(Transcript& t, std::string_view line) {
  auto reply = ParseReplyLine(line);
  if (!reply) return;
  // Continuation lines ("250-…") of a multi-line reply carry no verdict.
  if (line.size() > 3 && line[3] == '-') return;
  t.last_reply = *reply;
  switch (t.phase) {
    case Phase::kAuth:
      // For a bearer token a 334 carries the OAuth error JSON and the
      // verdict (535) follows; the last reply is the one that counts.
      t.auth_reply = *reply;
      break;
    case Phase::kRcpt:
      if (reply->code / 100 == 2) {
        t.accepted.push_back(t.rcpt);
      } else {
        t.rejected.emplace_back(t.rcpt, ReplyText(*reply));
      }
      t.phase = Phase::kOther;
      break;
    default:
      break;
  }
}

void OnClientLine(Transcript& t, std::string_view line) {
  // Only the command word is looked at: AUTH lines hold credentials.
  auto starts = [&](const char* p) {
    size_t n = strlen(p);
    if (line.size() < n) return false;
    for (size_t i = 0; i < n; ++i) {
      if (toupper(static_cast<unsigned char>(line[i])) != p[i]) return false;
    }
    return true;
  };
  if (starts("AUTH ")) {
    t.phase = Phase::kAuth;
  } else if (starts("RCPT TO:")) {
    t.phase = Phase::kRcpt;
    std::string_view a = line.substr(8);
    auto lt = a.find('<'), gt = a.find('>');
    t.rcpt = lt != std::string_view::npos && gt != std::string_view::npos && gt > lt
                 ? std::string(a.substr(lt + 1, gt - lt - 1))
                 : std::string(a);
  } else if (starts("DATA")) {
    t.phase = Phase::kData;
  } else if (t.phase != Phase::kAuth) {
    // SASL continuation lines (base64) stay in the AUTH phase.
    t.phase = Phase::kOther;
  } else if (starts("MAIL FROM:") || starts("QUIT") || starts("EHLO ")) {
    t.phase = Phase::kOther;
  }
}

int OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto& t = *static_cast<Transcript*>(user);
  if (type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT) return 0;
  std::string_view all(data, size);
  while (!all.empty()) {
    size_t nl = all.find('\n');
    std::string_view line = all.substr(0, nl);
    if (type == CURLINFO_HEADER_IN) {
      OnServerLine(t, line);
    } else {
      OnClientLine(t, line);
    }
    if (nl == std::string_view::npos) break;
    all.remove_prefix(nl + 1);
  }
  return 0;
}

struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t ReadMessage(char* buffer, size_t size, size_t n, void* user) {
  auto& u = *static_cast<Upload*>(user);
  size_t chunk = std::min(size * n, u.data.size() - u.offset);
  memcpy(buffer, u.data.data() + u.offset, chunk);
  u.offset += chunk;
  return chunk;
}

// The mechanism pinned for libcurl (SMTP has no password command: kAuto is
// PLAIN); empty when there is no SMTP AUTH for `method`. Pinned because,
// given a bearer token, libcurl prefers OAUTHBEARER whenever the server
// lists it, and Exchange Online only takes XOAUTH2.
std::string_view SmtpMechanism(auth::AuthMethod method) {
  return auth::MechanismName(method == auth::AuthMethod::kAuto ? auth::AuthMethod::kPlain : method);
}

class SmtpRoute final : public MailRoute {
 public:
  explicit SmtpRoute(SmtpRouteOptions o) : o_(std::move(o)) {}

  std::string Describe() const override {
    std::string d = HostPort() + " (" + ToString(o_.tls);
    if (o_.login) d += std::string(", ") + Mechanism() + " as " + User();
    return d + ")";
  }

  Result<SendResult> Send(const Envelope& envelope, std::string_view message) override {
    if (o_.tls == SmtpTls::kNone && !o_.allow_plaintext) {
      return TlsError("refusing to send over " + HostPort() +
                      " without TLS: set smtp_tls = \"starttls\" or \"implicit\"");
    }
    if (o_.ehlo_name.empty()) return InvalidArgument("no EHLO name for " + HostPort());
    if (envelope.to.empty()) return InvalidArgument("no recipients");
    std::string secret;
    if (o_.login) {
      if (SmtpMechanism(o_.login->method).empty()) {
        return InvalidArgument("SMTP has no AUTH for that sign-in method (" + HostPort() + ")");
      }
      if (!o_.login->secret) return InvalidArgument("no credentials for " + HostPort());
      MH_ASSIGN_OR_RETURN(secret, o_.login->secret());
    }
    auto first = Attempt(envelope, message, secret);
    if (first.ok() || !Bearer() || !o_.login->refresh || !auth::IsTokenRejected(first.status())) {
      return first;
    }
    // One refresh, then the verdict stands: a token the identity provider
    // just issued and the server still refuses will not get better.
    MH_ASSIGN_OR_RETURN(secret, o_.login->refresh());
    return Attempt(envelope, message, secret);
  }

 private:
  // "no AUTH", or the SASL mechanism the login uses.
  std::string Mechanism() const {
    if (!o_.login) return "no AUTH";
    const std::string_view name = SmtpMechanism(o_.login->method);
    return name.empty() ? "?" : std::string(name);
  }
  bool Bearer() const { return o_.login && auth::IsBearer(o_.login->method); }
  std::string User() const { return o_.login ? o_.login->user : ""; }

  std::string HostPort() const {
    bool v6 = o_.host.find(':') != std::string::npos;
    return (v6 ? "[" + o_.host + "]" : o_.host) + ":" + std::to_string(o_.port);
  }

  Result<SendResult> Attempt(const Envelope& envelope, std::string_view message,
                             const std::string& secret) {
    MH_ASSIGN_OR_RETURN(const auth::CurlLibrary* lib, auth::LoadCurl());
    const auto setopt = lib->easy_setopt;
    CURL* curl = lib->easy_init();
    if (!curl) return InternalError("curl_easy_init failed");
    // The EHLO name travels in the URL path; libcurl has no option for it.
    std::string url = std::string(o_.tls == SmtpTls::kImplicit ? "smtps://" : "smtp://") +
                      HostPort() + "/" + o_.ehlo_name;
    char error[CURL_ERROR_SIZE] = {0};
    Transcript transcript;
    Upload upload{message, 0};
    std::string from = "<" + envelope.from + ">";
    curl_slist* rcpts = nullptr;
    for (const auto& to : envelope.to) rcpts = lib->slist_append(rcpts, ("<" + to + ">").c_str());
    setopt(curl, CURLOPT_URL, url.c_str());
    setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    setopt(curl, CURLOPT_ERRORBUFFER, error);
    setopt(curl, CURLOPT_NOSIGNAL, 1L);
    // STARTTLS or nothing: CURLUSESSL_TRY would carry on in plaintext when a
    // man in the middle strips STARTTLS from the EHLO reply.
    setopt(curl, CURLOPT_USE_SSL,
           static_cast<long>(o_.tls == SmtpTls::kNone ? CURLUSESSL_NONE : CURLUSESSL_ALL));
    setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!o_.ca_file.empty()) setopt(curl, CURLOPT_CAINFO, o_.ca_file.c_str());
    setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o_.connect_timeout.count()));
    setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(o_.total_timeout.count()));
    if (o_.login) {
      const std::string opts = std::string("AUTH=") + Mechanism();
      setopt(curl, CURLOPT_LOGIN_OPTIONS, opts.c_str());
      setopt(curl, CURLOPT_USERNAME, o_.login->user.c_str());
      if (Bearer()) {
        setopt(curl, CURLOPT_XOAUTH2_BEARER, secret.c_str());
      } else {
        setopt(curl, CURLOPT_PASSWORD, secret.c_str());
      }
    }
    setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
    // One refused recipient must not cost the others their report.
    setopt(curl, kMailRcptAllowFails, 1L);
    setopt(curl, CURLOPT_UPLOAD, 1L);
    setopt(curl, CURLOPT_READFUNCTION, ReadMessage);
    setopt(curl, CURLOPT_READDATA, &upload);
    setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    setopt(curl, CURLOPT_DEBUGFUNCTION, OnDebug);
    setopt(curl, CURLOPT_DEBUGDATA, &transcript);
    setopt(curl, CURLOPT_VERBOSE, 1L);
    CURLcode rc = lib->easy_perform(curl);
    lib->slist_free_all(rcpts);
    lib->easy_cleanup(curl);
    if (rc != CURLE_OK) return CurlFailure(*lib, rc, error, transcript);
    SendResult result;
    result.accepted = transcript.accepted;
    result.rejected = transcript.rejected;
    return result;
  }

  Status CurlFailure(const auth::CurlLibrary& lib, CURLcode rc, const char* detail,
                     const Transcript& t) const {
    std::string where = "sending by " + HostPort() + ": ";
    std::string why = lib.easy_strerror(rc);
    if (detail && *detail) why += std::string(" (") + detail + ")";
    switch (rc) {
      case CURLE_LOGIN_DENIED:
        if (t.auth_reply) return AuthFailureStatus(*t.auth_reply, Bearer(), User());
        return Status::Error(
            ErrorCode::kUnsupported,
            where + "the server offers no AUTH mechanism " + Mechanism() + " (" + why + ")");
      case CURLE_USE_SSL_FAILED:
        return TlsError(where +
                        "the server did not agree to STARTTLS, so nothing was sent: reports "
                        "are never sent in plaintext (a network device that strips STARTTLS "
                        "causes this too)");
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CERTPROBLEM:
        return TlsError(where + "TLS failed: " + why);
      case CURLE_OPERATION_TIMEDOUT:
        return TimeoutError(where + why);
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_CONNECT:
        return NetworkError(where + why);
      default:
        break;
    }
    if (!t.rejected.empty() && t.accepted.empty()) {
      std::string list;
      for (const auto& [rcpt, reply] : t.rejected) {
        list += (list.empty() ? "" : "; ") + rcpt + ": " + reply;
      }
      return Status::Error(ErrorCode::kServerNo,
                           where + "no recipient was accepted (" + list + ")");
    }
    if (t.last_reply && t.last_reply->code / 100 == 4) {
      return Status::Error(ErrorCode::kServerNo,
                           where + "the server asked to try later: " + ReplyText(*t.last_reply),
                           ErrorScope::kAccount, RetryClass::kTransient);
    }
    if (t.last_reply && t.last_reply->code / 100 == 5) {
      return Status::Error(ErrorCode::kServerNo,
                           where + "the server refused: " + ReplyText(*t.last_reply));
    }
    return NetworkError(where + why);
  }

  SmtpRouteOptions o_;
};

}  // namespace

std::unique_ptr<MailRoute> MakeSmtpRoute(SmtpRouteOptions options) {
  return std::make_unique<SmtpRoute>(std::move(options));
}

const char* ToString(SmtpTls tls) {
  switch (tls) {
    case SmtpTls::kImplicit:
      return "implicit TLS";
    case SmtpTls::kStartTls:
      return "STARTTLS";
    case SmtpTls::kNone:
      return "no TLS";
  }
  return "?";
}

}  // namespace mailhoard::smtp
