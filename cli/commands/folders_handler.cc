// `mailhoard folders ACCOUNT`: what the server has, whether the account's
// [folders] include/exclude selects each folder, and where it lands locally.
// For writing include/exclude patterns without a trial sync.
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "cli/commands/account_session.h"
#include "cli/commands/engine_handlers.h"
#include "engine/imap/client/imap_client.h"
#include "engine/sync/folder_filter.h"
#include "storage/index/index.h"
#include "storage/maildir/folder_path.h"

namespace mailhoard::cli {
namespace {

struct Row {
  imap::MailboxInfo box;
  bool selected = false;
  std::string excluded_by;  // "preset", "config" or "" when selected
  uint64_t unfetchable = 0;
  std::string unfetchable_reason;  // one of them, as an example
  std::string local_path;
  bool local_known = false;  // from the index, not predicted
};

std::string Attributes(const imap::MailboxInfo& b) {
  std::string s;
  for (const auto& a : b.attributes) s += (s.empty() ? "" : " ") + a;
  return s;
}

nlohmann::json RowJson(const Row& r) {
  nlohmann::json j = {
      {"name", r.box.name},
      {"raw_name", r.box.raw_name},
      {"delimiter", r.box.delimiter ? std::string(1, *r.box.delimiter) : ""},
      {"special_use", r.box.special_use},
      {"attributes", r.box.attributes},
      {"noselect", r.box.noselect},
      {"selected", r.selected},
      {"excluded_by", r.excluded_by.empty() ? nlohmann::json() : nlohmann::json(r.excluded_by)},
      {"unfetchable", r.unfetchable},
      {"local_path", r.local_path},
      {"local_path_known", r.local_known}};
  if (r.box.status) {
    const auto& s = *r.box.status;
    auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
    j["messages"] = opt(s.messages);
    j["uidnext"] = opt(s.uidnext);
    j["uidvalidity"] = opt(s.uidvalidity);
    j["highestmodseq"] = opt(s.highestmodseq);
  }
  return j;
}

void PrintRow(std::ostream& out, const Row& r, const std::string& provider) {
  char counts[160] = "";
  if (r.box.status) {
    const auto& s = *r.box.status;
    snprintf(counts, sizeof counts, "%u msgs, uidnext %u, uidvalidity %u", s.messages.value_or(0),
             s.uidnext.value_or(0), s.uidvalidity.value_or(0));
    if (s.highestmodseq) {
      snprintf(counts + strlen(counts), sizeof counts - strlen(counts), ", modseq %llu",
               static_cast<unsigned long long>(*s.highestmodseq));
    }
  }
  out << (r.selected ? "  + " : "  - ") << r.box.name;
  if (!r.box.special_use.empty()) out << " " << r.box.special_use;
  std::string attrs = Attributes(r.box);
  if (!attrs.empty()) out << " [" << attrs << "]";
  out << "\n      ";
  if (r.box.noselect) {
    out << "not selectable (holds only subfolders)";
  } else {
    out << counts << "; ";
    if (r.selected) {
      out << "synced";
    } else if (r.excluded_by == "preset") {
      out << "not synced (no mail: excluded by the " << provider
          << " preset; preset_excludes = false syncs it)";
    } else {
      out << "not synced";
    }
    out << " -> " << (r.local_path.empty() ? "(account root)" : r.local_path)
        << (r.local_known ? "" : " (new)");
  }
  out << "\n";
  if (r.unfetchable > 0) {
    out << "      " << r.unfetchable << " message" << (r.unfetchable == 1 ? "" : "s")
        << " not yet archived (the server would not deliver "
        << (r.unfetchable == 1 ? "it" : "them") << ": " << r.unfetchable_reason
        << "); asked for again on every sync\n";
  }
}

// How many messages of `f` the server listed but would not deliver, and
// the reason recorded for the first of them.
std::pair<uint64_t, std::string> UnfetchableIn(index::Index& idx, const index::FolderRecord& f) {
  std::pair<uint64_t, std::string> out{0, ""};
  auto uids = idx.ListUids(f.id, f.uidvalidity);
  if (!uids.ok()) return out;
  for (const auto& u : *uids) {
    if (!u.unfetchable || u.expunged) continue;
    if (out.first++ == 0) {
      if (auto m = idx.FindMessage(f.id, f.uidvalidity, u.uid); m.ok() && m->has_value()) {
        out.second = (*m)->unfetchable_reason;
      }
    }
  }
  return out;
}

// One account's folders: text on ctx.out, or its JSON object in *json.
ExitCode FoldersOf(CommandContext& ctx, const AccountConfig* account, nlohmann::json* json) {
  (*json)["name"] = account->name;
  auto fail = [&](const Status& s) {
    (*json)["error"] = s.ToString();
    ExitCode code = ctx.ReportAccountFailure(s.WithContext(account->name));
    (*json)["exit_code"] = code;
    return code;
  };
  if (account->protocol == Protocol::kPop3) {
    *json = {{"name", account->name},
             {"protocol", "pop3"},
             {"folders", {{{"name", "INBOX"}, {"selected", true}}}},
             {"selected", 1},
             {"exit_code", kExitOk}};
    if (!ctx.json) ctx.out << account->name << ": POP3 has only INBOX (no folders to list)\n";
    return kExitOk;
  }
  std::vector<std::string> warnings;
  auto creds = CredentialsFor(*account, &warnings);
  for (const auto& w : warnings) ctx.PrintWarning(account->name + ": " + w);
  if (!creds.ok()) return fail(creds.status());

  imap::ClientOptions co;
  co.endpoint = {account->host, account->port};
  co.connect = ConnectOptionsFor(*account);
  co.allow_plaintext_login = account->allow_plaintext;
  co.on_alert = [&ctx, name = account->name](std::string_view text) {
    ctx.PrintWarning(name + ": server alert: " + std::string(text));
  };
  auto client = imap::ImapClient::Connect(co);
  if (!client.ok()) return fail(client.status());
  auto boxes = (*client)->LoginAndList(*creds);
  (void)(*client)->Logout();
  if (!boxes.ok()) return fail(boxes.status());

  // Local paths the index already assigned (stable once given).
  std::map<std::string, std::string> known;
  std::map<std::string, std::pair<uint64_t, std::string>> unfetchable;  // by remote name
  if (auto idx = OpenIndexReadOnly(*account); idx.ok()) {
    if (auto folders = (*idx)->ListFolders(); folders.ok()) {
      for (const auto& f : *folders) {
        known[f.remote_name] = f.local_path;
        if (auto u = UnfetchableIn(**idx, f); u.first > 0) unfetchable[f.remote_name] = u;
      }
    }
  }
  sync::FolderFilter filter(account->folders.include, account->folders.AllExcludes());
  sync::FolderFilter by_config(account->folders.include, account->folders.exclude);
  maildir::FolderPathMapper mapper(account->layout == Layout::kNested
                                       ? maildir::Layout::kNested
                                       : maildir::Layout::kMaildirPlusPlus);
  std::vector<Row> rows;
  size_t selected = 0;
  for (auto& box : *boxes) {
    if (box.nonexistent) continue;
    Row r;
    r.selected = !box.noselect && filter.Matches(box.name, box.delimiter);
    if (!r.selected && !box.noselect) {
      r.excluded_by = by_config.Matches(box.name, box.delimiter) ? "preset" : "config";
    }
    selected += r.selected;
    if (auto it = unfetchable.find(box.raw_name); it != unfetchable.end()) {
      std::tie(r.unfetchable, r.unfetchable_reason) = it->second;
    }
    if (auto it = known.find(box.raw_name); it != known.end()) {
      r.local_path = it->second;
      r.local_known = true;
    } else if (auto p = mapper.CanonicalPath(box.name, box.delimiter); p.ok()) {
      r.local_path = *p;
    }
    r.box = std::move(box);
    rows.push_back(std::move(r));
  }
  nlohmann::json jf = nlohmann::json::array();
  for (const auto& r : rows) jf.push_back(RowJson(r));
  *json = {{"name", account->name},
           {"protocol", "imap"},
           {"folders", jf},
           {"selected", selected},
           {"exit_code", kExitOk}};
  if (ctx.json) return kExitOk;
  ctx.out << account->name << ": " << rows.size() << " folder" << (rows.size() == 1 ? "" : "s")
          << " on the server, " << selected << " selected by [folders] (+ synced, - not)\n";
  for (const auto& r : rows) PrintRow(ctx.out, r, ToString(account->provider));
  return kExitOk;
}

}  // namespace

int RunFolders(CommandContext& ctx, const FoldersOptions& options) {
  CommandAccounts loaded = LoadAccountOrAll(ctx, options.account);
  if (!loaded.ok()) return loaded.exit_code;
  nlohmann::json out = {{"accounts", nlohmann::json::array()}};
  std::vector<ExitCode> codes;
  for (size_t i = 0; i < loaded.accounts.size(); ++i) {
    if (i > 0 && !ctx.json) ctx.out << "\n";
    nlohmann::json account;
    codes.push_back(FoldersOf(ctx, loaded.accounts[i], &account));
    out["accounts"].push_back(std::move(account));
  }
  const ExitCode worst = WorstExitCode(codes);
  if (ctx.json) {
    out["exit_code"] = worst;
    ctx.out << out.dump(2) << "\n";
  }
  return worst;
}

}  // namespace mailhoard::cli
