#include "engine/smtp/mail_delivery.h"

namespace mailhoard::smtp {

DeliveryOutcome DeliverWithFallback(const std::vector<std::unique_ptr<MailRoute>>& routes,
                                    const Envelope& envelope, std::string_view message) {
  DeliveryOutcome out;
  if (routes.empty()) {
    out.last_error = InvalidArgument("no route to send the report by");
    out.failures.push_back(out.last_error.message());
    return out;
  }
  for (const auto& route : routes) {
    auto sent = route->Send(envelope, message);
    if (sent.ok()) {
      out.delivered = true;
      out.route = route->Describe();
      out.result = std::move(sent).value();
      out.last_error = Status::Ok();
      return out;
    }
    out.failures.push_back(route->Describe() + ": " + sent.status().message());
    out.last_error = sent.status();
  }
  return out;
}

}  // namespace mailhoard::smtp
