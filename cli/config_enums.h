// The config-file spelling of every enum, shared by the parser (which lists
// them in "expected one of ..." errors) and ToString().
#pragma once

#include <span>

#include "cli/config_types.h"

namespace mailhoard::cli {

template <typename E>
struct EnumEntry {
  const char* name;
  E value;
};

inline constexpr EnumEntry<Provider> kProviderNames[] = {{"microsoft365", Provider::kMicrosoft365},
                                                         {"gmail", Provider::kGmail}};
inline constexpr EnumEntry<Protocol> kProtocolNames[] = {{"imap", Protocol::kImap},
                                                         {"pop3", Protocol::kPop3}};
inline constexpr EnumEntry<TlsMode> kTlsModeNames[] = {
    {"implicit", TlsMode::kImplicit}, {"starttls", TlsMode::kStartTls}, {"none", TlsMode::kNone}};
inline constexpr EnumEntry<AuthMethod> kAuthMethodNames[] = {
    {"plain", AuthMethod::kPlain},     {"login", AuthMethod::kLogin},
    {"xoauth2", AuthMethod::kXoauth2}, {"oauthbearer", AuthMethod::kOauthBearer},
    {"user", AuthMethod::kUser},       {"apop", AuthMethod::kApop}};
inline constexpr EnumEntry<ReportWhen> kReportWhenNames[] = {{"failure", ReportWhen::kFailure},
                                                             {"always", ReportWhen::kAlways},
                                                             {"changes", ReportWhen::kChanges}};
inline constexpr EnumEntry<Policy> kPolicyNames[] = {{"archive", Policy::kArchive},
                                                     {"mirror", Policy::kMirror},
                                                     {"keep", Policy::kKeep},
                                                     {"drain", Policy::kDrain}};
inline constexpr EnumEntry<Layout> kLayoutNames[] = {{"maildir++", Layout::kMaildirPlusPlus},
                                                     {"nested", Layout::kNested}};
inline constexpr EnumEntry<Durability> kDurabilityNames[] = {
    {"full", Durability::kFull}, {"batch", Durability::kBatch}, {"none", Durability::kNone}};
inline constexpr EnumEntry<LineEndings> kLineEndingNames[] = {{"crlf", LineEndings::kCrlf},
                                                              {"lf", LineEndings::kLf}};
inline constexpr EnumEntry<Compress> kCompressNames[] = {
    {"auto", Compress::kAuto}, {"always", Compress::kAlways}, {"never", Compress::kNever}};
inline constexpr EnumEntry<OAuthFlow> kOAuthFlowNames[] = {
    {"device", OAuthFlow::kDevice},
    {"auth_code", OAuthFlow::kAuthCode},
    {"client_credentials", OAuthFlow::kClientCredentials}};

template <typename E>
const char* EnumName(std::span<const EnumEntry<E>> table, E value) {
  for (const auto& e : table)
    if (e.value == value) return e.name;
  return "?";
}

}  // namespace mailhoard::cli
