// `mailhoard report --test`: one message by the [report] routes, so that a
// broken SMTP setup shows up now rather than on the day a run fails.
#include <ctime>
#include <random>

#include "cli/commands/engine_handlers.h"
#include "cli/report/report_message.h"
#include "cli/report/report_routes.h"
#include "engine/smtp/mail_delivery.h"

namespace mailhoard::cli {

int RunReport(CommandContext& ctx, const ReportOptions& options) {
  auto config = ctx.LoadConfigOrReport();
  if (!config.ok()) return ctx.exit_code;
  if (!options.test) {
    ctx.PrintError("reports are sent by `mailhoard sync`; `mailhoard report --test` sends a test");
    return kExitUsage;
  }
  if (!config->report) {
    ctx.PrintError("no [report] table in " + config->source_path + ": docs/config.md describes it");
    return kExitUsage;
  }
  const ReportConfig& rep = *config->report;
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::string host = LocalHostName();
  std::random_device rd;
  ReportHeaders headers{
      rep.from, rep.to, now,
      MakeMessageId(now, (uint64_t{rd()} << 32) | rd(), rep.ehlo.empty() ? host : rep.ehlo)};
  auto routes = MakeReportRoutes(*config);
  smtp::DeliveryOutcome sent = smtp::DeliverWithFallback(routes, smtp::Envelope{rep.from, rep.to},
                                                         BuildTestMessage(host, headers));
  for (const auto& f : sent.failures) ctx.PrintError("report: " + f);
  for (const auto& [rcpt, why] : sent.result.rejected) {
    ctx.PrintError("report: recipient " + rcpt + " refused: " + why);
  }
  if (!sent.delivered) {
    ctx.PrintError("the test report could not be sent");
    ExitCode code = ExitCodeFor(sent.last_error);
    return code == kExitOk ? kExitTempFail : code;
  }
  if (!ctx.quiet) {
    ctx.out << "test report sent by " << sent.route << " to ";
    for (size_t i = 0; i < sent.result.accepted.size(); ++i) {
      ctx.out << (i ? ", " : "") << sent.result.accepted[i];
    }
    ctx.out << "\n";
  }
  return sent.result.rejected.empty() ? kExitOk : kExitPartial;
}

}  // namespace mailhoard::cli
