// Parsing of the [report] table (with its [[report.fallback]] routes) and
// of [check] (internal to config.cc).
#pragma once

#include <vector>

#include "cli/config_types.h"
#include "cli/toml_reader.h"
#include "core/status.h"

namespace mailhoard::cli {

// `accounts` are the parsed accounts: oauth_account must name one of them
// that signs in with OAuth2.
Result<ReportConfig> ParseReport(const TableReader& r, const std::vector<AccountConfig>& accounts,
                                 const ParseContext& ctx);
Result<CheckConfig> ParseCheck(const TableReader& r);

}  // namespace mailhoard::cli
