// A fresh directory under /tmp for one test, removed with everything in it.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace mailhoard::testing {

class ScratchDir {
 public:
  // `name` shows in the directory's name, to tell whose a leftover is.
  explicit ScratchDir(const std::string& name) {
    std::string tmpl = "/tmp/mailhoard-" + name + "-XXXXXX";
    const char* made = ::mkdtemp(tmpl.data());
    path = made ? made : "";
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string path;
};

}  // namespace mailhoard::testing
