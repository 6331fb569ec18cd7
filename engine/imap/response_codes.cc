#include "engine/imap/response_codes.h"

#include <utility>

namespace mailhoard::imap {

namespace {

struct CodeName {
  std::string_view name;
  CodeKind kind;
};

constexpr CodeName kSimpleCodes[] = {
    {"ALERT", CodeKind::kAlert},
    {"NOMODSEQ", CodeKind::kNoModSeq},
    {"READ-ONLY", CodeKind::kReadOnly},
    {"READ-WRITE", CodeKind::kReadWrite},
    {"TRYCREATE", CodeKind::kTryCreate},
    {"CLOSED", CodeKind::kClosed},
    {"THROTTLED", CodeKind::kThrottled},
    {"UNAVAILABLE", CodeKind::kUnavailable},
    {"AUTHENTICATIONFAILED", CodeKind::kAuthenticationFailed},
    {"AUTHORIZATIONFAILED", CodeKind::kAuthorizationFailed},
    {"EXPIRED", CodeKind::kExpired},
    {"LIMIT", CodeKind::kLimit},
    {"OVERQUOTA", CodeKind::kOverQuota},
    {"SERVERBUG", CodeKind::kServerBug},
    {"NONEXISTENT", CodeKind::kNonexistent},
    {"ALREADYEXISTS", CodeKind::kAlreadyExists},
};

Status BadCode(const ResponseCode& code) {
  return ProtocolError("malformed [" + code.name + "] response code");
}

Result<std::vector<std::string>> AtomsOf(const std::vector<Value>& values, size_t from) {
  std::vector<std::string> out;
  for (size_t i = from; i < values.size(); ++i) {
    if (!values[i].IsAtom() && !values[i].IsNumber()) {
      return ProtocolError("expected an atom, got " + values[i].ToString());
    }
    out.push_back(values[i].text);
  }
  return out;
}

// The data values after the response name ("* NAME a b c" → a b c).
Result<size_t> DataStart(const Response& r, std::string_view name) {
  if (r.kind != ResponseKind::kUntagged || r.IsStatus() || r.data.empty() ||
      !r.data[0].AtomIs(name)) {
    return ProtocolError("not a " + std::string(name) + " response");
  }
  return size_t{1};
}

}  // namespace

Result<ParsedCode> ParseResponseCode(const ResponseCode& code) {
  ParsedCode out;
  out.name = code.name;
  for (const CodeName& c : kSimpleCodes) {
    if (code.name == c.name) {
      out.kind = c.kind;
      return out;
    }
  }
  const std::vector<Value>& a = code.args;
  auto number_code = [&](CodeKind kind) -> Result<ParsedCode> {
    if (!code.args_tokenized || a.size() != 1 || !a[0].IsNumber()) return BadCode(code);
    out.kind = kind;
    out.number = a[0].number;
    return out;
  };
  if (code.name == "UIDVALIDITY") return number_code(CodeKind::kUidValidity);
  if (code.name == "UIDNEXT") return number_code(CodeKind::kUidNext);
  if (code.name == "UNSEEN") return number_code(CodeKind::kUnseen);
  if (code.name == "HIGHESTMODSEQ") return number_code(CodeKind::kHighestModSeq);
  if (code.name == "CAPABILITY") {
    if (!code.args_tokenized) return BadCode(code);
    MH_ASSIGN_OR_RETURN(out.atoms, AtomsOf(a, 0));
    out.kind = CodeKind::kCapability;
    return out;
  }
  if (code.name == "PERMANENTFLAGS") {
    if (!code.args_tokenized || a.size() != 1 || !a[0].IsList()) return BadCode(code);
    MH_ASSIGN_OR_RETURN(out.atoms, AtomList(a[0]));
    out.kind = CodeKind::kPermanentFlags;
    return out;
  }
  if (code.name == "APPENDUID" || code.name == "COPYUID") {
    bool copy = code.name == "COPYUID";
    size_t want = copy ? 3 : 2;
    if (!code.args_tokenized || a.size() != want || !a[0].AsU32()) return BadCode(code);
    out.uid_validity = *a[0].AsU32();
    // APPENDUID with MULTIAPPEND may carry a set (RFC 4315 §3).
    if (copy) {
      MH_ASSIGN_OR_RETURN(out.source_uids, SequenceSet::Parse(a[1].text));
    }
    MH_ASSIGN_OR_RETURN(out.uids, SequenceSet::Parse(a[want - 1].text));
    out.kind = copy ? CodeKind::kCopyUid : CodeKind::kAppendUid;
    return out;
  }
  return out;  // kOther
}

std::string ResponseName(const Response& r) {
  if (r.IsStatus()) return std::string(StatusWordName(r.status));
  if (r.kind != ResponseKind::kUntagged || r.data.empty()) return "";
  if (r.data[0].IsNumber()) {
    return r.data.size() > 1 && r.data[1].IsAtom() ? ToUpperAscii(r.data[1].text) : "";
  }
  return r.data[0].IsAtom() ? ToUpperAscii(r.data[0].text) : "";
}

std::optional<uint32_t> ResponseNumber(const Response& r) {
  if (r.kind != ResponseKind::kUntagged || r.IsStatus() || r.data.empty()) return std::nullopt;
  return r.data[0].AsU32();
}

Result<uint32_t> ParseNumberResponse(const Response& r, std::string_view name) {
  if (r.kind != ResponseKind::kUntagged || r.IsStatus() || r.data.size() != 2 ||
      !r.data[0].AsU32() || !r.data[1].AtomIs(name)) {
    return ProtocolError("not a \"* n " + std::string(name) + "\" response");
  }
  return *r.data[0].AsU32();
}

Result<std::vector<std::string>> ParseCapabilityResponse(const Response& r) {
  MH_ASSIGN_OR_RETURN(size_t start, DataStart(r, "CAPABILITY"));
  return AtomsOf(r.data, start);
}

Result<std::vector<std::string>> ParseEnabledResponse(const Response& r) {
  MH_ASSIGN_OR_RETURN(size_t start, DataStart(r, "ENABLED"));
  return AtomsOf(r.data, start);
}

Result<std::vector<std::string>> ParseFlagsResponse(const Response& r) {
  MH_ASSIGN_OR_RETURN(size_t start, DataStart(r, "FLAGS"));
  if (r.data.size() != start + 1 || !r.data[start].IsList()) {
    return ProtocolError("malformed FLAGS response");
  }
  return AtomList(r.data[start]);
}

Result<std::vector<std::string>> AtomList(const Value& list) {
  if (!list.IsList()) return ProtocolError("expected a parenthesised list");
  return AtomsOf(list.children, 0);
}

}  // namespace mailhoard::imap
