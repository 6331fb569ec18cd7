// The account summary `mailhoard config check` prints. Shows where each
// secret would come from, never the secret: nothing is resolved here.
#pragma once

#include <string>

#include "cli/config_types.h"

namespace mailhoard::cli {

std::string ConfigSummaryText(const Config& config);
std::string ConfigSummaryJson(const Config& config);

// "command `pass show x`", "file /path", "environment variable X", "none".
std::string DescribeSecretSource(const SecretSource& source);

}  // namespace mailhoard::cli
