// Running helper programs (openssl, doveadm, the mailhoard binary) from tests.
#pragma once

#include <string>
#include <vector>

namespace mailhoard::testing {

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in PATH) with `input` on stdin; captures stdout and
// stderr. Never throws; a program that cannot be started exits 127.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input = "");

// As RunCommand, but aborts the test run with the command's stderr when the
// program fails: for set-up steps whose failure makes every later check moot.
std::string RunOrDie(const std::vector<std::string>& argv, const std::string& input = "");

}  // namespace mailhoard::testing
