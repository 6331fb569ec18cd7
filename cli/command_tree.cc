#include "cli/command_tree.h"

#include <CLI/CLI.hpp>

namespace mailhoard::cli {
namespace {

CommandNode Read(CLI::App& app, std::vector<std::string> path) {
  CommandNode node;
  node.name = app.get_name();
  node.path = path;
  node.description = app.get_description();
  node.footer = app.get_footer();
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;
    if (opt->get_positional()) {
      PositionalInfo p;
      p.name = opt->get_name(true);
      p.description = opt->get_description();
      p.required = opt->get_required();
      p.repeated = opt->get_items_expected_max() > 1;
      node.positionals.push_back(std::move(p));
      continue;
    }
    OptionInfo o;
    o.short_names = opt->get_snames();
    o.long_names = opt->get_lnames();
    // As --help shows it: option_text when the command set one, else the type.
    if (!opt->get_option_text().empty()) {
      o.value_label = opt->get_option_text();
    } else if (opt->get_type_size_max() != 0) {
      o.value_label = opt->get_type_name();
    }
    o.description = opt->get_description();
    node.options.push_back(std::move(o));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_group().empty()) continue;
    std::vector<std::string> sub_path = path;
    sub_path.push_back(sub->get_name());
    node.commands.push_back(Read(*sub, std::move(sub_path)));
  }
  return node;
}

}  // namespace

CommandNode ReadCommandTree(CLI::App& app) { return Read(app, {}); }

std::string CommandLineName(const CommandNode& node) {
  std::string name = "mailhoard";
  for (const std::string& p : node.path) name += " " + p;
  return name;
}

}  // namespace mailhoard::cli
