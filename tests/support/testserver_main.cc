// mailhoard-testserver: a throwaway Dovecot with generated mail, for the demo
// and the benchmark. Writes shell variables describing the server to
// --ready-file, then serves until SIGINT/SIGTERM and cleans up.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "tests/support/corpus.h"
#include "tests/support/dovecot_server.h"

using mailhoard::testing::CorpusOptions;
using mailhoard::testing::DovecotOptions;
using mailhoard::testing::DovecotServer;

namespace {

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int Usage() {
  fprintf(stderr,
          "usage: mailhoard-testserver --ready-file FILE [--messages N] [--seed S]\n"
          "                            [--median-size BYTES] [--big-fraction F]\n"
          "                            [--empty-users K]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CorpusOptions corpus;
  corpus.messages = 120;
  std::string ready_file;
  int empty_users = 0;  // push targets for the benchmark
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) return Usage();
    std::string value = argv[++i];
    if (arg == "--ready-file") {
      ready_file = value;
    } else if (arg == "--messages") {
      corpus.messages = std::stoul(value);
    } else if (arg == "--seed") {
      corpus.seed = std::stoull(value);
    } else if (arg == "--median-size") {
      corpus.median_size = std::stod(value);
    } else if (arg == "--big-fraction") {
      corpus.big_fraction = std::stod(value);
    } else if (arg == "--empty-users") {
      empty_users = std::stoi(value);
    } else {
      return Usage();
    }
  }
  if (ready_file.empty()) return Usage();
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);

  auto server = DovecotServer::Start(DovecotOptions{});
  auto user = server->CreateUser();
  auto stats = mailhoard::testing::LoadCorpus(*server, user.name, corpus);
  {
    std::ofstream out(ready_file + ".tmp");
    out << "MH_HOST=" << server->host() << "\n"
        << "MH_IMAP_PORT=" << server->imap_port() << "\n"
        << "MH_IMAPS_PORT=" << server->imaps_port() << "\n"
        << "MH_POP3_PORT=" << server->pop3_port() << "\n"
        << "MH_POP3S_PORT=" << server->pop3s_port() << "\n"
        << "MH_CA_FILE=" << Quote(server->ca_file()) << "\n"
        << "MH_USER=" << Quote(user.name) << "\n"
        << "MH_PASSWORD=" << Quote(user.password) << "\n"
        << "MH_MAILDIR=" << Quote(server->MaildirPath(user.name)) << "\n"
        << "MH_DOVECOT_CONF=" << Quote(server->config_file()) << "\n"
        << "MH_MESSAGES=" << stats.messages << "\n"
        << "MH_BYTES=" << stats.bytes << "\n";
    for (int i = 1; i <= empty_users; ++i) {
      auto empty = server->CreateUser();
      out << "MH_EMPTY_USER_" << i << "=" << Quote(empty.name) << "\n"
          << "MH_EMPTY_PASSWORD_" << i << "=" << Quote(empty.password) << "\n";
    }
  }
  rename((ready_file + ".tmp").c_str(), ready_file.c_str());
  while (!g_stop) pause();
  return 0;
}
