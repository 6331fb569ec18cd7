#include "cli/commands/account_runs.h"

#include <atomic>
#include <mutex>
#include <thread>

namespace mailhoard::cli {
namespace {

// Both the parallel runs and anything else writing to the process's
// streams go through the same streams; one lock keeps flushed blocks whole.
std::mutex& OutputMutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

std::vector<bool> ForEachAccount(size_t count, int parallel, const std::function<bool()>& stop,
                                 const std::function<void(size_t)>& run) {
  std::vector<bool> ran(count, false);
  if (parallel <= 1 || count <= 1) {
    for (size_t i = 0; i < count && !stop(); ++i) {
      ran[i] = true;
      run(i);
    }
    return ran;
  }
  std::atomic<size_t> next{0};
  std::mutex ran_mu;
  auto worker = [&] {
    for (;;) {
      if (stop()) return;
      const size_t i = next.fetch_add(1);
      if (i >= count) return;
      {
        std::lock_guard lock(ran_mu);
        ran[i] = true;
      }
      run(i);
    }
  };
  std::vector<std::thread> threads;
  const size_t n = std::min(count, static_cast<size_t>(parallel));
  for (size_t t = 0; t < n; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return ran;
}

AccountOutput::AccountOutput(CommandContext& parent, bool pass_through)
    : parent_(parent), pass_through_(pass_through) {
  if (pass_through_) return;
  local_ = std::make_unique<CommandContext>(out_, err_);
  local_->config_path = parent.config_path;
  local_->verbose = parent.verbose;
  local_->quiet = parent.quiet;
  local_->trace_file = parent.trace_file;
  local_->json = parent.json;
}

void AccountOutput::Flush() {
  if (pass_through_) return;
  std::lock_guard lock(OutputMutex());
  const std::string err = err_.str();
  const std::string out = out_.str();
  if (!err.empty()) parent_.err << err << std::flush;
  if (!out.empty()) parent_.out << out << std::flush;
  err_.str("");
  out_.str("");
}

nlohmann::json RunSummaryJson(const nlohmann::json& accounts) {
  nlohmann::json s = {{"accounts", accounts.size()}, {"ok", 0}, {"failed", 0}};
  nlohmann::json by_code = nlohmann::json::object();
  int ok = 0;
  int failed = 0;
  for (const auto& a : accounts) {
    const int code = a.value("exit_code", 0);
    if (code == 0) {
      ++ok;
      continue;
    }
    ++failed;
    by_code[std::to_string(code)].push_back(a.value("name", std::string()));
  }
  s["ok"] = ok;
  s["failed"] = failed;
  s["exit_codes"] = by_code;
  return s;
}

std::string RunSummaryText(const nlohmann::json& summary) {
  const int n = summary.value("accounts", 0);
  std::string t = "sync: " + std::to_string(n) + (n == 1 ? " account, " : " accounts, ") +
                  std::to_string(summary.value("ok", 0)) + " ok, " +
                  std::to_string(summary.value("failed", 0)) + " failed";
  const auto& codes = summary["exit_codes"];
  if (codes.empty()) return t;
  t += " (";
  bool first_code = true;
  for (const auto& [code, names] : codes.items()) {
    t += (first_code ? "exit " : "; exit ") + code + ":";
    first_code = false;
    // A whole tenant failing (a wrong client secret) is one line, not 10 000.
    constexpr size_t kShown = 5;
    for (size_t i = 0; i < names.size() && i < kShown; ++i) {
      t += " " + names[i].get<std::string>();
    }
    if (names.size() > kShown) t += " and " + std::to_string(names.size() - kShown) + " more";
  }
  return t + ")";
}

}  // namespace mailhoard::cli
