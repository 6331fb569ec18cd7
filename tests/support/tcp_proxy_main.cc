// mailhoard-tcp-proxy TARGET_PORT DELAY_MS: the benchmark's slow link.
// Prints the listening port, then forwards until killed.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "tests/support/tcp_proxy.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: mailhoard-tcp-proxy TARGET_PORT DELAY_MS\n");
    return 2;
  }
  mailhoard::testing::ProxyOptions options;
  options.delay = std::chrono::milliseconds(std::stoi(argv[2]));
  mailhoard::testing::TcpProxy proxy(static_cast<uint16_t>(std::stoi(argv[1])), options);
  printf("%u\n", proxy.port());
  fflush(stdout);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  int sig = 0;
  sigwait(&set, &sig);
  _exit(0);  // connections may be mid-transfer; the OS closes them
}
