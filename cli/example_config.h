// docs/config.example.toml, embedded at build time (cli/CMakeLists.txt) so
// `mailhoard config example` and the documentation cannot drift apart.
#pragma once

#include <string_view>

namespace mailhoard::cli {

std::string_view ExampleConfigText();

}  // namespace mailhoard::cli
