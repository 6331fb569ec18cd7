// MailRoute through a local sendmail(8)-compatible program, the last resort
// when no SMTP server takes the report: the local MTA queues and retries.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "engine/smtp/mail_route.h"

namespace mailhoard::smtp {
namespace {

class SendmailRoute final : public MailRoute {
 public:
  SendmailRoute(std::string program, std::chrono::seconds timeout)
      : program_(std::move(program)), timeout_(timeout) {}

  std::string Describe() const override { return "sendmail program " + program_; }

  Result<SendResult> Send(const Envelope& envelope, std::string_view message) override {
    // -i: a line of one "." is not the end; -f: the envelope sender; "--"
    // keeps a recipient starting with '-' from being read as an option.
    std::vector<std::string> args = {program_, "-i", "-f", envelope.from, "--"};
    args.insert(args.end(), envelope.to.begin(), envelope.to.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int in[2];
    if (pipe2(in, O_CLOEXEC) != 0) return IoError("pipe failed");
    pid_t pid = fork();
    if (pid < 0) return IoError("fork failed");
    if (pid == 0) {
      dup2(in[0], 0);
      int null = open("/dev/null", O_WRONLY);
      if (null >= 0) dup2(null, 1);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(in[0]);
    // A program that exits without reading all of stdin must not kill us.
    struct sigaction ignore {
    }, old{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old);
    size_t off = 0;
    while (off < message.size()) {
      ssize_t n = write(in[1], message.data() + off, message.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(in[1]);
    sigaction(SIGPIPE, &old, nullptr);
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return TimeoutError(program_ + " did not finish within " +
                            std::to_string(timeout_.count()) + " s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
      return Status::Error(ErrorCode::kNotFound, program_ + " could not be run");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return Status::Error(ErrorCode::kServerNo,
                           program_ + " failed (" +
                               (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                                  : "killed by a signal") +
                               ")",
                           ErrorScope::kAccount, RetryClass::kTransient);
    }
    SendResult r;
    r.accepted = envelope.to;
    return r;
  }

 private:
  std::string program_;
  std::chrono::seconds timeout_;
};

}  // namespace

std::unique_ptr<MailRoute> MakeSendmailRoute(std::string program, std::chrono::seconds timeout) {
  return std::make_unique<SendmailRoute>(std::move(program), timeout);
}

}  // namespace mailhoard::smtp
