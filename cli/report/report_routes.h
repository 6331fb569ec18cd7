// From [report] to the routes a report is tried by: the primary SMTP
// server, then each [[report.fallback]] in order. Credentials are fetched
// when a route is used, so a broken password_cmd on the primary does not
// stop the fallback.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/config_types.h"
#include "engine/smtp/mail_route.h"

namespace mailhoard::cli {

// This machine's name for EHLO and the Message-ID ("localhost" if unknown).
std::string LocalHostName();

std::vector<std::unique_ptr<smtp::MailRoute>> MakeReportRoutes(const Config& config);

}  // namespace mailhoard::cli
