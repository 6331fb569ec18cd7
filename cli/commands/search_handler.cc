// `mailhoard search QUERY`: the query language of docs/search.md over every
// account's index; one ordering and one --limit across accounts.
#include <fnmatch.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/commands/account_session.h"
#include "cli/commands/engine_handlers.h"
#include "cli/commands/search_results.h"
#include "storage/index/index.h"
#include "storage/index/search_query.h"

namespace mailhoard::cli {

namespace {

void CollectAccountTerms(const index::SearchNode& n, std::vector<const index::SearchTerm*>* out) {
  if (n.op == index::SearchNode::Op::kTerm) {
    if (n.term.kind == index::SearchTerm::Kind::kAccount) out->push_back(&n.term);
    return;
  }
  for (const index::SearchNode& c : n.children) CollectAccountTerms(c, out);
}

// Same matching as the index (search_sql.cc): '*' and '?', ASCII case
// ignored, '[' literal.
bool AccountGlobMatches(const std::string& pattern, const std::string& name) {
  std::string p, n;
  for (char c : pattern) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    p += l == '[' ? std::string("[[]") : std::string(1, l);
  }
  for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return fnmatch(p.c_str(), n.c_str(), FNM_NOESCAPE) == 0;
}

// account:wrok would silently match nothing: name the accounts instead.
Status CheckAccountTerms(const index::SearchNode& tree, const Config& config) {
  std::vector<const index::SearchTerm*> terms;
  CollectAccountTerms(tree, &terms);
  for (const index::SearchTerm* t : terms) {
    bool any = false;
    std::string names;
    for (const AccountConfig& a : config.accounts) {
      any = any || AccountGlobMatches(t->text, a.name);
      names += (names.empty() ? "" : ", ") + a.name;
    }
    if (!any) {
      return InvalidArgument("search: account:" + t->text + " at column " +
                             std::to_string(t->column) +
                             " matches no configured account (accounts: " + names + ")");
    }
  }
  return Status::Ok();
}

std::string HitPath(const AccountConfig& account, const index::SearchHit& h) {
  return account.archive_dir + "/" +
         (h.folder_local_path.empty() ? "" : h.folder_local_path + "/") + h.file_name;
}

// Copies the message file to `out` in pieces: never the whole message in memory.
int PrintMessageFile(CommandContext& ctx, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ctx.PrintError("cannot read " + path + ": " + std::strerror(errno));
    return kExitLocalIo;
  }
  char buf[64 * 1024];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) ctx.out.write(buf, in.gcount());
  return kExitOk;
}

void PrintHitsText(CommandContext& ctx, const std::vector<AccountHit>& hits) {
  int n = 0;
  for (const AccountHit& h : hits) {
    const index::SearchHit& s = h.hit;
    std::string date = s.date ? IsoUtc(*s.date).substr(0, 10) : "(no date)";
    ctx.out << ++n << "  " << h.account << "  " << s.folder_display_name << "  " << date << "  "
            << s.from_addr << "  " << s.subject << "\n    " << h.path << "\n";
  }
}

}  // namespace

int RunSearch(CommandContext& ctx, const SearchOptions& options) {
  if ((options.paths ? 1 : 0) + (options.print > 0 ? 1 : 0) + (ctx.json ? 1 : 0) > 1) {
    ctx.PrintError("search: --json, --paths and --print exclude each other");
    return kExitUsage;
  }
  auto tree = index::ParseSearchQuery(options.query);
  if (!tree.ok()) {
    ctx.PrintError(tree.status().message());
    return kExitUsage;
  }
  auto config = ctx.LoadConfigOrReport();
  if (!config.ok()) return ctx.exit_code;
  if (Status s = CheckAccountTerms(*tree, *config); !s.ok()) {
    ctx.PrintError(s.message());
    return kExitUsage;
  }
  const int limit = std::max(options.limit, options.print);
  std::vector<std::vector<AccountHit>> per_account;
  int64_t total = 0;
  int exit_code = kExitOk;
  for (const AccountConfig& account : config->accounts) {
    if (!HasIndex(account)) continue;  // never synced: nothing to search
    auto idx = OpenIndexReadOnly(account);
    if (!idx.ok()) {
      // The other accounts are still searched; the exit status tells.
      ctx.PrintError(account.name + ": " + idx.status().message() + "; not searched");
      exit_code = kExitPartial;
      continue;
    }
    auto result = (*idx)->Search(*tree, account.name, limit);
    if (!result.ok()) {
      ctx.PrintError(result.status().message());
      return result.status().code() == ErrorCode::kInvalidArgument ? kExitUsage
                                                                   : ExitCodeFor(result.status());
    }
    total += result->total;
    std::vector<AccountHit> hits;
    for (index::SearchHit& h : result->hits) {
      hits.push_back({account.name, HitPath(account, h), std::move(h)});
    }
    per_account.push_back(std::move(hits));
  }
  std::vector<AccountHit> hits = MergeNewestFirst(std::move(per_account), limit);
  if (options.print > 0) {
    if (static_cast<size_t>(options.print) > hits.size()) {
      ctx.PrintError("search: --print " + std::to_string(options.print) + ", but " +
                     std::to_string(hits.size()) + " messages match");
      return kExitUsage;
    }
    const int printed = PrintMessageFile(ctx, hits[options.print - 1].path);
    return printed == kExitOk ? exit_code : printed;
  }
  const bool limited = total > static_cast<int64_t>(hits.size());
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const AccountHit& h : hits) list.push_back(HitJson(h));
    ctx.out << nlohmann::json({{"hits", list}, {"total", total}, {"limited", limited}}).dump(2)
            << "\n";
    return exit_code;
  }
  if (options.paths) {
    for (const AccountHit& h : hits) ctx.out << h.path << "\n";
  } else {
    PrintHitsText(ctx, hits);
  }
  if (ctx.quiet) return exit_code;
  if (hits.empty()) {
    ctx.err << "no messages match\n";
  } else if (limited) {
    ctx.err << "showing the newest " << hits.size() << " of " << total
            << " matches (--limit N for more)\n";
  }
  return exit_code;
}

}  // namespace mailhoard::cli
