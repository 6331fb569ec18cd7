#include "engine/imap/client/login.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "engine/auth/base64.h"
#include "engine/auth/sasl.h"
#include "engine/imap/client/connect_phase.h"
#include "engine/imap/client/pipeline.h"
#include "engine/imap/client/status_mapping.h"
#include "engine/imap/response_codes.h"

namespace mailhoard::imap {
namespace {

struct Outcome {
  Response completion;
  bool token_rejected = false;
};

// Untagged responses during login: only capabilities matter.
UntaggedHandler CapabilityCollector(SessionState& state, bool* got) {
  return [&state, got](Incoming& in) {
    if (TakeCapabilities(in.response, state)) *got = true;
    return Status::Ok();
  };
}

// RFC 4959 §3: the initial response on the command line; an empty one is "=".
void AppendInitialResponse(Command& cmd, const std::string& initial) {
  cmd.Append(" ");
  cmd.AppendSecret(initial.empty() ? "=" : auth::Base64Encode(initial));
}

Command LoginCommandLine(const std::string& user, const std::string& password) {
  Command cmd("LOGIN");
  cmd.Quoted(user);
  cmd.Quoted(password, {.secret = true});
  return cmd;
}

// AUTHENTICATE with one mechanism, up to the tagged completion.
Result<Outcome> Authenticate(OpContext ctx, auth::SaslMechanism& mech, bool* got_caps) {
  const bool sasl_ir = ctx.state.capabilities.Has("SASL-IR");
  Command cmd("AUTHENTICATE");
  cmd.Raw(mech.name());
  bool initial_pending = mech.has_initial_response();
  std::string initial;
  if (initial_pending) {
    MH_ASSIGN_OR_RETURN(initial, mech.InitialResponse());
    if (sasl_ir) {
      AppendInitialResponse(cmd, initial);
      initial_pending = false;
    }
  }
  MH_ASSIGN_OR_RETURN(std::string tag, ctx.conn.Send(cmd));
  UntaggedHandler caps = CapabilityCollector(ctx.state, got_caps);
  for (;;) {
    MH_ASSIGN_OR_RETURN(Incoming in, ctx.conn.Next());
    Response& r = in.response;
    if (r.kind == ResponseKind::kTagged) {
      if (r.tag != tag) return ProtocolError("unexpected tag " + r.tag + " during AUTHENTICATE");
      return Outcome{std::move(r), mech.token_rejected()};
    }
    if (r.kind == ResponseKind::kUntagged) {
      MH_RETURN_IF_ERROR(caps(in));
      continue;
    }
    // A continuation: the server's challenge (base64, possibly empty).
    std::string answer;
    if (initial_pending) {
      answer = std::move(initial);
      initial_pending = false;
    } else {
      std::string_view text = r.text;
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
      auto challenge = auth::Base64Decode(text);
      if (!challenge.ok()) {
        // Abort the exchange (RFC 3501 §6.2.2: "*"), then report.
        MH_RETURN_IF_ERROR(ctx.conn.SendLine("*", false));
        continue;
      }
      MH_ASSIGN_OR_RETURN(answer, mech.Step(*challenge));
    }
    MH_RETURN_IF_ERROR(ctx.conn.SendLine(auth::Base64Encode(answer), /*secret=*/true));
  }
}

// The LOGIN command: user and password as quoted strings or literals.
Result<Outcome> LoginCommand(OpContext ctx, const std::string& user, const std::string& password,
                             bool* got_caps) {
  MH_ASSIGN_OR_RETURN(Response done, RunForCompletion(ctx.conn, LoginCommandLine(user, password),
                                                      CapabilityCollector(ctx.state, got_caps)));
  return Outcome{std::move(done), false};
}

Status Failure(OpContext ctx, const Outcome& o, std::string_view what) {
  Status s = TaggedStatus(o.completion, what, ErrorScope::kAccount);
  if (s.transient() || s.code() == ErrorCode::kAuth) return s;
  // A plain NO to LOGIN/AUTHENTICATE is a credentials problem unless a
  // code said otherwise (Dovecot: [AUTHENTICATIONFAILED]; Microsoft:
  // "AUTHENTICATE failed." with no code).
  if (o.completion.status == StatusWord::kNo) {
    return Status::Error(ErrorCode::kAuth,
                         ctx.conn.Describe() + " rejected the credentials: " + s.message(),
                         ErrorScope::kAccount, RetryClass::kAuth);
  }
  return s;
}

// The mechanism Login will use, or why it cannot log in at all.
Result<auth::AuthMethod> ResolveMethod(OpContext ctx, const auth::Credentials& credentials) {
  if (!ctx.conn.transport().IsTls() && !ctx.options.allow_plaintext_login) {
    return InvalidArgument("refusing to send credentials to " + ctx.conn.Describe() +
                           " without TLS (set allow_plaintext_login to override)");
  }
  if (!credentials.secret) return InvalidArgument("no password or token source configured");
  auth::AuthMethod method = credentials.method;
  if (method == auth::AuthMethod::kAuto) {
    method = ctx.state.capabilities.HasAuth("PLAIN") ? auth::AuthMethod::kPlain
                                                     : auth::AuthMethod::kPasswordCommand;
  }
  if (method == auth::AuthMethod::kApop) {
    return Status::Error(ErrorCode::kUnsupported, "APOP is a POP3 login; IMAP has no APOP");
  }
  if (method == auth::AuthMethod::kPasswordCommand && ctx.state.capabilities.Has("LOGINDISABLED")) {
    return Status::Error(ErrorCode::kUnsupported,
                         ctx.conn.Describe() + " does not allow LOGIN (LOGINDISABLED)");
  }
  if (method != auth::AuthMethod::kPasswordCommand &&
      !ctx.state.capabilities.HasAuth(auth::MechanismName(method))) {
    return Status::Error(ErrorCode::kUnsupported, ctx.conn.Describe() + " does not offer AUTH=" +
                                                      std::string(auth::MechanismName(method)));
  }
  return method;
}

std::string FailureWhat(auth::AuthMethod method) {
  return method == auth::AuthMethod::kPasswordCommand
             ? "LOGIN"
             : "AUTHENTICATE " + std::string(auth::MechanismName(method));
}

// The follow-ups' replies, or the connection's failure: a NO or BAD to one
// of them is its own status, not the call's.
Status RunFollowups(OpContext ctx, std::span<Followup> followups,
                    const UntaggedHandler& on_untagged) {
  std::vector<Command> commands;
  commands.reserve(followups.size());
  for (const Followup& f : followups) commands.push_back(f.command);
  PipelineOptions options;
  options.window = std::max<size_t>(commands.size(), 1);
  options.continue_on_error = true;
  std::vector<Status> results;
  options.results = &results;
  Status handler_error;
  (void)RunPipelined(
      ctx.conn, commands,
      [&](Incoming& in) {
        Status s = on_untagged(in);
        if (!s.ok() && handler_error.ok()) handler_error = s;
        return s;
      },
      options);
  for (size_t i = 0; i < followups.size(); ++i) followups[i].status = results[i];
  if (ctx.conn.broken()) return ctx.conn.broken_status();
  return handler_error;
}

// Login and follow-ups written together; replies read back in one go.
Status LoginInOneFlight(OpContext ctx, const auth::Credentials& credentials,
                        auth::AuthMethod method, std::span<Followup> followups,
                        const UntaggedHandler& on_untagged) {
  MH_ASSIGN_OR_RETURN(std::string secret, credentials.secret());
  std::vector<Command> commands;
  commands.reserve(followups.size() + 1);
  if (method == auth::AuthMethod::kPasswordCommand) {
    commands.push_back(LoginCommandLine(credentials.user, secret));
  } else {
    auto mech = auth::MakeMechanism(method, credentials.user, secret, ctx.options.endpoint.host,
                                    ctx.options.endpoint.port);
    MH_ASSIGN_OR_RETURN(std::string initial, mech->InitialResponse());
    Command cmd("AUTHENTICATE");
    cmd.Raw(mech->name());
    AppendInitialResponse(cmd, initial);
    std::fill(initial.begin(), initial.end(), '\0');
    commands.push_back(std::move(cmd));
  }
  std::fill(secret.begin(), secret.end(), '\0');
  for (const Followup& f : followups) commands.push_back(f.command);

  PipelineOptions options;
  options.window = commands.size();
  options.continue_on_error = true;
  std::vector<Status> results;
  options.results = &results;
  std::vector<Response> completions;
  options.completions = &completions;
  bool got_caps = false;
  Status handler_error;
  (void)RunPipelined(
      ctx.conn, commands,
      [&](Incoming& in) -> Status {
        if (in.response.kind == ResponseKind::kContinuation) {
          // Our next lines are commands, not SASL steps: nothing sane follows.
          Status s = ProtocolError(ctx.conn.Describe() + " asked to continue a one-line " +
                                   FailureWhat(method));
          ctx.conn.Break(s);
          return s;
        }
        if (TakeCapabilities(in.response, ctx.state)) got_caps = true;
        Status s = on_untagged(in);
        if (!s.ok() && handler_error.ok()) handler_error = s;
        return s;
      },
      options);
  if (ctx.conn.broken()) return ctx.conn.broken_status();
  for (size_t i = 0; i < followups.size(); ++i) followups[i].status = results[i + 1];
  if (completions[0].status != StatusWord::kOk) {
    return Failure(ctx, Outcome{std::move(completions[0]), false}, FailureWhat(method));
  }
  ctx.state.authenticated = true;
  if (!TakeCapabilities(completions[0], ctx.state) && !got_caps) {
    MH_RETURN_IF_ERROR(RequestCapabilities(ctx));
  }
  return handler_error;
}

}  // namespace

bool LoginIsOneLine(OpContext ctx, const auth::Credentials& credentials) {
  if (ctx.state.authenticated || !credentials.secret) return false;
  auto method = ResolveMethod(ctx, credentials);
  if (!method.ok()) return false;
  const Capabilities& caps = ctx.state.capabilities;
  // A password that needs a synchronising literal would wait for "+".
  if (*method == auth::AuthMethod::kPasswordCommand) return caps.Has("LITERAL+");
  return *method == auth::AuthMethod::kPlain && caps.Has("SASL-IR");
}

Status LoginThen(OpContext ctx, const auth::Credentials& credentials, std::span<Followup> followups,
                 const UntaggedHandler& on_untagged) {
  if (!LoginIsOneLine(ctx, credentials)) {
    Status s = Login(ctx, credentials);
    if (!s.ok()) {
      for (Followup& f : followups) f.status = s;
      return s;
    }
    return followups.empty() ? s : RunFollowups(ctx, followups, on_untagged);
  }
  MH_ASSIGN_OR_RETURN(auth::AuthMethod method, ResolveMethod(ctx, credentials));
  return LoginInOneFlight(ctx, credentials, method, followups, on_untagged).WithContext("login");
}

Status Login(OpContext ctx, const auth::Credentials& credentials) {
  if (ctx.state.authenticated) return Status::Ok();
  MH_ASSIGN_OR_RETURN(auth::AuthMethod method, ResolveMethod(ctx, credentials));
  auto secret_source = credentials.secret;
  bool refreshed = false;
  for (;;) {
    MH_ASSIGN_OR_RETURN(std::string secret, secret_source());
    bool got_caps = false;
    Result<Outcome> outcome = ProtocolError("unreachable");
    if (method == auth::AuthMethod::kPasswordCommand) {
      outcome = LoginCommand(ctx, credentials.user, secret, &got_caps);
    } else {
      auto mech = auth::MakeMechanism(method, credentials.user, std::move(secret),
                                      ctx.options.endpoint.host, ctx.options.endpoint.port);
      outcome = Authenticate(ctx, *mech, &got_caps);
    }
    std::fill(secret.begin(), secret.end(), '\0');
    if (!outcome.ok()) return outcome.status().WithContext("login");
    if (outcome->completion.status == StatusWord::kOk) {
      ctx.state.authenticated = true;
      if (TakeCapabilities(outcome->completion, ctx.state) || got_caps) return Status::Ok();
      return RequestCapabilities(ctx);
    }
    Status failure = Failure(ctx, *outcome, FailureWhat(method));
    // A rejected bearer token: either an error challenge was seen, or the
    // server (Microsoft) just said NO. One refresh, one retry.
    if (auth::IsBearer(method) && failure.code() == ErrorCode::kAuth && !refreshed &&
        credentials.refresh) {
      refreshed = true;
      secret_source = credentials.refresh;
      continue;
    }
    return failure;
  }
}

}  // namespace mailhoard::imap
