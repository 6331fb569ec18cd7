#include "engine/imap/mailbox_responses.h"

#include "engine/imap/response_codes.h"

namespace mailhoard::imap {

namespace {

// mailbox = "INBOX" / astring; "INBOX" is case-insensitive (RFC 3501 §5.1).
Result<std::string> MailboxName(const Value& v) {
  MH_ASSIGN_OR_RETURN(std::string name, AstringText(v));
  if (EqualsIgnoreCase(name, "INBOX")) name = "INBOX";
  return name;
}

// QUOTED-CHAR or NIL.
Result<std::optional<char>> Delimiter(const Value& v) {
  if (v.IsNil()) return std::optional<char>();
  if (!v.IsString() || v.text.size() != 1) return ProtocolError("malformed hierarchy delimiter");
  return std::optional<char>(v.text[0]);
}

Result<std::vector<Namespace>> NamespaceList(const Value& v) {
  std::vector<Namespace> out;
  if (v.IsNil()) return out;
  if (!v.IsList()) return ProtocolError("malformed NAMESPACE response");
  for (const Value& desc : v.children) {
    // Namespace-Descr = "(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil)
    //                   [Namespace-Response-Extensions] ")"
    if (!desc.IsList() || desc.children.size() < 2 || !desc.children[0].IsString()) {
      return ProtocolError("malformed NAMESPACE descriptor");
    }
    Namespace ns;
    ns.prefix = desc.children[0].text;
    MH_ASSIGN_OR_RETURN(ns.delimiter, Delimiter(desc.children[1]));
    out.push_back(std::move(ns));
  }
  return out;
}

}  // namespace

Result<std::string> AstringText(const Value& v) {
  if (!v.IsAstring()) return ProtocolError("expected a string, got " + v.ToString());
  return v.text;
}

bool ListResponse::HasAttribute(std::string_view attr) const {
  for (const std::string& a : attributes) {
    if (EqualsIgnoreCase(a, attr)) return true;
  }
  return false;
}

Result<ListResponse> ParseListResponse(const Response& r) {
  ListResponse out;
  const std::vector<Value>& d = r.data;
  if (r.kind != ResponseKind::kUntagged || r.IsStatus() || d.size() < 4 ||
      !(d[0].AtomIs("LIST") || d[0].AtomIs("LSUB") || d[0].AtomIs("XLIST"))) {
    return ProtocolError("not a LIST response");
  }
  out.lsub = d[0].AtomIs("LSUB");
  MH_ASSIGN_OR_RETURN(out.attributes, AtomList(d[1]));
  MH_ASSIGN_OR_RETURN(out.delimiter, Delimiter(d[2]));
  MH_ASSIGN_OR_RETURN(out.mailbox, MailboxName(d[3]));
  if (d.size() == 4) return out;
  // mbox-list-extended = "(" [mbox-list-extended-item *(SP …)] ")" (RFC 5258)
  if (d.size() != 5 || !d[4].IsList() || d[4].children.size() % 2 != 0) {
    return ProtocolError("malformed LIST extended data");
  }
  const std::vector<Value>& ext = d[4].children;
  for (size_t i = 0; i < ext.size(); i += 2) {
    MH_ASSIGN_OR_RETURN(std::string tag, AstringText(ext[i]));
    tag = ToUpperAscii(tag);
    const Value& value = ext[i + 1];
    if (tag == "CHILDINFO") {
      if (!value.IsList()) return ProtocolError("malformed CHILDINFO");
      for (const Value& c : value.children) {
        MH_ASSIGN_OR_RETURN(std::string info, AstringText(c));
        out.childinfo.push_back(std::move(info));
      }
    } else if (tag == "OLDNAME") {
      if (!value.IsList() || value.children.size() != 1) return ProtocolError("malformed OLDNAME");
      MH_ASSIGN_OR_RETURN(out.oldname, MailboxName(value.children[0]));
    }
    out.extended.emplace_back(std::move(tag), value);
  }
  return out;
}

Result<StatusResponse> ParseStatusResponse(const Response& r) {
  const std::vector<Value>& d = r.data;
  if (r.kind != ResponseKind::kUntagged || r.IsStatus() || d.size() != 3 ||
      !d[0].AtomIs("STATUS") || !d[2].IsList() || d[2].children.size() % 2 != 0) {
    return ProtocolError("not a STATUS response");
  }
  StatusResponse out;
  MH_ASSIGN_OR_RETURN(out.mailbox, MailboxName(d[1]));
  const std::vector<Value>& items = d[2].children;
  for (size_t i = 0; i < items.size(); i += 2) {
    const Value& key = items[i];
    const Value& value = items[i + 1];
    if (!key.IsAtom() || !value.IsNumber()) return ProtocolError("malformed STATUS item");
    std::string n = ToUpperAscii(key.text);
    if (n == "HIGHESTMODSEQ") {
      out.highestmodseq = value.number;
    } else if (n == "SIZE") {
      out.size = value.number;
    } else {
      std::optional<uint32_t>* slot = n == "MESSAGES"      ? &out.messages
                                      : n == "RECENT"      ? &out.recent
                                      : n == "UIDNEXT"     ? &out.uidnext
                                      : n == "UIDVALIDITY" ? &out.uidvalidity
                                      : n == "UNSEEN"      ? &out.unseen
                                      : n == "DELETED"     ? &out.deleted
                                                           : nullptr;
      if (!slot) continue;  // unknown attributes are ignored (RFC 9051 §7.3.4)
      if (!value.AsU32()) return ProtocolError("STATUS " + n + " out of range");
      *slot = *value.AsU32();
    }
  }
  return out;
}

Result<NamespaceResponse> ParseNamespaceResponse(const Response& r) {
  const std::vector<Value>& d = r.data;
  if (r.kind != ResponseKind::kUntagged || r.IsStatus() || d.size() != 4 ||
      !d[0].AtomIs("NAMESPACE")) {
    return ProtocolError("not a NAMESPACE response");
  }
  NamespaceResponse out;
  MH_ASSIGN_OR_RETURN(out.personal, NamespaceList(d[1]));
  MH_ASSIGN_OR_RETURN(out.other_users, NamespaceList(d[2]));
  MH_ASSIGN_OR_RETURN(out.shared, NamespaceList(d[3]));
  return out;
}

}  // namespace mailhoard::imap
