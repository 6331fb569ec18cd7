#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace mailhoard::testing {
namespace {

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input) {
  CommandResult result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.err = "pipe failed";
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.exit_code = 127;
    result.err = std::string("cannot start ") + argv[0] + ": " + strerror(rc);
    return result;
  }
  // Feed stdin and drain both outputs together, so a chatty child never
  // blocks on a full pipe while we block on its stdin.
  int fds[3] = {in_pipe[1], out_pipe[0], err_pipe[0]};
  size_t written = 0;
  if (input.empty()) CloseFd(fds[0]);
  signal(SIGPIPE, SIG_IGN);
  while (fds[1] >= 0 || fds[2] >= 0) {
    pollfd p[3];
    int n = 0;
    int map[3];
    if (fds[0] >= 0) p[n] = {fds[0], POLLOUT, 0}, map[n++] = 0;
    if (fds[1] >= 0) p[n] = {fds[1], POLLIN, 0}, map[n++] = 1;
    if (fds[2] >= 0) p[n] = {fds[2], POLLIN, 0}, map[n++] = 2;
    if (poll(p, n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n; ++i) {
      if (!p[i].revents) continue;
      int which = map[i];
      if (which == 0) {
        ssize_t w = write(fds[0], input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 || written == input.size()) CloseFd(fds[0]);
      } else {
        char buf[65536];
        ssize_t r = read(fds[which], buf, sizeof buf);
        if (r <= 0) {
          CloseFd(fds[which]);
        } else {
          (which == 1 ? result.out : result.err).append(buf, static_cast<size_t>(r));
        }
      }
    }
  }
  CloseFd(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string RunOrDie(const std::vector<std::string>& argv, const std::string& input) {
  CommandResult r = RunCommand(argv, input);
  if (r.exit_code != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += a + " ";
    fprintf(stderr, "test set-up failed: %s(exit %d)\n%s\n", cmd.c_str(), r.exit_code,
            r.err.c_str());
    abort();
  }
  return r.out;
}

}  // namespace mailhoard::testing
