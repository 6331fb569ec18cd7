#include "engine/imap/search_responses.h"

namespace mailhoard::imap {

namespace {

bool IsUntaggedData(const Response& r, std::string_view name) {
  return r.kind == ResponseKind::kUntagged && !r.IsStatus() && !r.data.empty() &&
         r.data[0].AtomIs(name);
}

Result<uint32_t> Nz32(const Value& v, std::string_view what) {
  if (!v.AsU32() || v.number == 0) return ProtocolError("bad number in " + std::string(what));
  return *v.AsU32();
}

}  // namespace

Result<SearchResponse> ParseSearchResponse(const Response& r) {
  if (!IsUntaggedData(r, "SEARCH")) return ProtocolError("not a SEARCH response");
  SearchResponse out;
  out.ids.reserve(r.data.size() - 1);
  for (size_t i = 1; i < r.data.size(); ++i) {
    const Value& v = r.data[i];
    if (v.IsList()) {
      // search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")" (RFC 7162 §3.1.5)
      if (i + 1 != r.data.size() || v.children.size() != 2 || !v.children[0].AtomIs("MODSEQ") ||
          !v.children[1].IsNumber()) {
        return ProtocolError("malformed SEARCH MODSEQ");
      }
      out.modseq = v.children[1].number;
      break;
    }
    MH_ASSIGN_OR_RETURN(uint32_t id, Nz32(v, "SEARCH"));
    out.ids.push_back(id);
  }
  return out;
}

Result<EsearchResponse> ParseEsearchResponse(const Response& r) {
  if (!IsUntaggedData(r, "ESEARCH")) return ProtocolError("not an ESEARCH response");
  EsearchResponse out;
  size_t i = 1;
  // search-correlator = SP "(" "TAG" SP tag-string ")"
  if (i < r.data.size() && r.data[i].IsList()) {
    const Value& c = r.data[i];
    if (c.children.size() != 2 || !c.children[0].AtomIs("TAG") || !c.children[1].IsAstring()) {
      return ProtocolError("malformed ESEARCH correlator");
    }
    out.tag = c.children[1].text;
    ++i;
  }
  if (i < r.data.size() && r.data[i].AtomIs("UID")) {
    out.uid = true;
    ++i;
  }
  while (i < r.data.size()) {
    if (i + 1 >= r.data.size() || !r.data[i].IsAtom()) {
      return ProtocolError("malformed ESEARCH return data");
    }
    std::string name = ToUpperAscii(r.data[i].text);
    const Value& v = r.data[i + 1];
    if (name == "MIN") {
      MH_ASSIGN_OR_RETURN(out.min, Nz32(v, "ESEARCH MIN"));
    } else if (name == "MAX") {
      MH_ASSIGN_OR_RETURN(out.max, Nz32(v, "ESEARCH MAX"));
    } else if (name == "COUNT") {
      if (!v.AsU32()) return ProtocolError("bad ESEARCH COUNT");
      out.count = *v.AsU32();
    } else if (name == "ALL") {
      if (!v.IsAtom() && !v.IsNumber()) return ProtocolError("bad ESEARCH ALL");
      MH_ASSIGN_OR_RETURN(out.all, SequenceSet::Parse(v.text));
    } else if (name == "MODSEQ") {
      if (!v.IsNumber()) return ProtocolError("bad ESEARCH MODSEQ");
      out.modseq = v.number;
    }
    // Other return data (PARTIAL, RELEVANCY, …) is skipped: tag + one value.
    i += 2;
  }
  return out;
}

Result<VanishedResponse> ParseVanishedResponse(const Response& r) {
  if (!IsUntaggedData(r, "VANISHED")) return ProtocolError("not a VANISHED response");
  VanishedResponse out;
  size_t i = 1;
  if (i < r.data.size() && r.data[i].IsList()) {
    if (r.data[i].children.size() != 1 || !r.data[i].children[0].AtomIs("EARLIER")) {
      return ProtocolError("malformed VANISHED modifier");
    }
    out.earlier = true;
    ++i;
  }
  if (i + 1 != r.data.size() || !(r.data[i].IsAtom() || r.data[i].IsNumber())) {
    return ProtocolError("malformed VANISHED response");
  }
  MH_ASSIGN_OR_RETURN(out.uids, SequenceSet::Parse(r.data[i].text));
  return out;
}

}  // namespace mailhoard::imap
