#include "cli/config_types.h"

#include "cli/config_enums.h"

namespace mailhoard::cli {

bool IsPasswordAuth(AuthMethod auth) { return !IsOAuth(auth); }

bool IsOAuth(AuthMethod auth) {
  return auth == AuthMethod::kXoauth2 || auth == AuthMethod::kOauthBearer;
}

const char* ToString(Provider v) {
  if (v == Provider::kNone) return "none";
  return EnumName<Provider>(kProviderNames, v);
}
const char* ToString(Protocol v) { return EnumName<Protocol>(kProtocolNames, v); }
const char* ToString(TlsMode v) { return EnumName<TlsMode>(kTlsModeNames, v); }
const char* ToString(AuthMethod v) { return EnumName<AuthMethod>(kAuthMethodNames, v); }
const char* ToString(Policy v) { return EnumName<Policy>(kPolicyNames, v); }
const char* ToString(Layout v) { return EnumName<Layout>(kLayoutNames, v); }
const char* ToString(Durability v) { return EnumName<Durability>(kDurabilityNames, v); }
const char* ToString(LineEndings v) { return EnumName<LineEndings>(kLineEndingNames, v); }
const char* ToString(Compress v) { return EnumName<Compress>(kCompressNames, v); }
const char* ToString(OAuthFlow v) { return EnumName<OAuthFlow>(kOAuthFlowNames, v); }
const char* ToString(ReportWhen v) { return EnumName<ReportWhen>(kReportWhenNames, v); }

}  // namespace mailhoard::cli
