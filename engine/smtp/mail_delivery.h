// Tries a report's routes in order until one delivers: a primary SMTP
// server that refuses (Microsoft's 5.7.139, a dead token, a network error)
// must not leave a failing archive unreported when another route exists.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/smtp/mail_route.h"

namespace mailhoard::smtp {

struct DeliveryOutcome {
  bool delivered = false;
  std::string route;  // Describe() of the route that delivered
  SendResult result;
  // One line per route that failed, "route: why", in the order tried.
  std::vector<std::string> failures;
  // The last failure's status (kOk when delivered), for the exit code.
  Status last_error;
};

DeliveryOutcome DeliverWithFallback(const std::vector<std::unique_ptr<MailRoute>>& routes,
                                    const Envelope& envelope, std::string_view message);

}  // namespace mailhoard::smtp
