#include "cli/example_config.h"

namespace mailhoard::cli {

std::string_view ExampleConfigText() {
  static constexpr std::string_view kText =
#include "cli/example_config_text.inc"
      ;
  return kText;
}

}  // namespace mailhoard::cli
