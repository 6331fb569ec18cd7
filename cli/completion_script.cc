#include "cli/completion_script.h"

#include <functional>
#include <set>
#include <sstream>

namespace mailhoard::cli {
namespace {

void Walk(const CommandNode& node, const std::function<void(const CommandNode&)>& visit) {
  visit(node);
  for (const CommandNode& sub : node.commands) Walk(sub, visit);
}

std::string Key(const CommandNode& node) {
  std::string key;
  for (const std::string& p : node.path) key += "/" + p;
  return key;
}

std::vector<std::string> Names(const OptionInfo& o) {
  std::vector<std::string> names;
  for (const std::string& s : o.short_names) names.push_back("-" + s);
  for (const std::string& l : o.long_names) names.push_back("--" + l);
  return names;
}

// The root's --config option, whose value names the file the account names
// are read from; nullptr if the tree has none.
const OptionInfo* ConfigOption(const CommandNode& root) {
  for (const OptionInfo& o : root.options) {
    for (const std::string& l : o.long_names) {
      if (l == "config") return &o;
    }
  }
  return nullptr;
}

bool TakesAccount(const CommandNode& node) {
  for (const PositionalInfo& p : node.positionals) {
    if (p.name == "ACCOUNT") return true;
  }
  return false;
}

// "microsoft365|gmail" -> "microsoft365 gmail"; "" when not a choice list.
std::string Choices(const std::string& label) {
  if (label.find('|') == std::string::npos) return "";
  std::string words = label;
  for (char& c : words) {
    if (c == '|') c = ' ';
  }
  return words;
}

// The words one node offers: its subcommands, or (for a word starting with
// '-') its options and the global ones.
struct NodeWords {
  std::string commands;
  std::string options;
};

NodeWords Words(const CommandNode& root, const CommandNode& node) {
  NodeWords words;
  std::set<std::string> seen;  // -h/--help is both the node's and the root's
  auto add = [&seen](std::string& into, const std::string& w) {
    if (seen.insert(w).second) into += (into.empty() ? "" : " ") + w;
  };
  for (const CommandNode& sub : node.commands) add(words.commands, sub.name);
  for (const OptionInfo& o : node.options) {
    for (const std::string& n : Names(o)) add(words.options, n);
  }
  if (&node != &root) {
    for (const OptionInfo& o : root.options) {
      for (const std::string& n : Names(o)) add(words.options, n);
    }
  }
  return words;
}

struct ValueOptions {
  std::string files;    // "-c|--config|--trace"
  std::string choices;  // case arms: "--provider) choices='a b' ;;"
  std::string others;   // options with a free value
};

ValueOptions CollectValueOptions(const CommandNode& root) {
  ValueOptions v;
  auto join = [](std::string& into, const std::string& n) {
    into += (into.empty() ? "" : "|") + n;
  };
  Walk(root, [&](const CommandNode& node) {
    for (const OptionInfo& o : node.options) {
      if (o.value_label.empty()) continue;
      for (const std::string& n : Names(o)) {
        if (o.value_label == "FILE") {
          join(v.files, n);
        } else if (!Choices(o.value_label).empty()) {
          v.choices += "    " + n + ") choices='" + Choices(o.value_label) + "' ;;\n";
        } else {
          join(v.others, n);
        }
      }
    }
  });
  return v;
}

// The loop shared by bash and zsh: finds the command path in the words
// before the cursor, skipping option values, and the config file given with
// -c FILE, --config FILE, --config=FILE or -cFILE (into $cfg), so that
// account names come from the file the command will read. bash splits
// "--config=FILE" at the '=' (COMP_WORDBREAKS): a lone "=" is not a value.
std::string PathLoop(const CommandNode& root, const ValueOptions& v, const std::string& first,
                     const std::string& word) {
  std::string keys;
  Walk(root, [&](const CommandNode& node) {
    if (!node.path.empty()) keys += (keys.empty() ? "" : "|") + Key(node);
  });
  std::string skip = v.files;
  Walk(root, [&](const CommandNode& node) {
    for (const OptionInfo& o : node.options) {
      if (o.value_label.empty() || o.value_label == "FILE") continue;
      for (const std::string& n : Names(o)) skip += (skip.empty() ? "" : "|") + n;
    }
  });
  std::string config_arms;
  if (const OptionInfo* config = ConfigOption(root)) {
    std::string names;
    for (const std::string& n : Names(*config)) names += (names.empty() ? "" : "|") + n;
    config_arms = "      " + names + ") skip=1; cfgnext=1; continue ;;\n";
    for (const std::string& l : config->long_names) {
      config_arms += "      --" + l + "=*) cfg=${w#--" + l + "=}; continue ;;\n";
    }
    for (const std::string& c : config->short_names) {
      config_arms += "      -" + c + "?*) cfg=${w#-" + c + "}; continue ;;\n";
    }
  }
  std::ostringstream s;
  s << "  for ((i = " << first << "; i < cword; i++)); do\n"
    << "    w=" << word << "\n"
    << "    if [ \"$skip\" = 1 ]; then\n"
    << "      [ \"$w\" = = ] && continue\n"
    << "      [ \"$cfgnext\" = 1 ] && cfg=$w\n"
    << "      skip=0; cfgnext=0; continue\n"
    << "    fi\n"
    << "    case \"$w\" in\n"
    << config_arms << "      " << skip << ") skip=1; continue ;;\n    esac\n"
    << "    case \"$cmdpath/$w\" in\n      " << keys << ") cmdpath=\"$cmdpath/$w\" ;;\n"
    << "    esac\n  done\n"
    // The shell does not expand a typed "~/" inside the words it hands over.
    << "  cfg=${cfg/#\\~/$HOME}\n"
    << "  [ -n \"$cfg\" ] && cfgopt=(--config \"$cfg\")\n";
  return s.str();
}

// Sets $mh_cmds, $mh_opts and $accounts (zsh reserves $commands, $options) for the command path
// found.
std::string WordCases(const CommandNode& root) {
  std::ostringstream s;
  s << "  case \"$cmdpath\" in\n";
  Walk(root, [&](const CommandNode& node) {
    const NodeWords w = Words(root, node);
    s << "    \"" << Key(node) << "\") mh_cmds='" << w.commands << "'; mh_opts='" << w.options
      << "'" << (TakesAccount(node) ? "; accounts=1" : "") << " ;;\n";
  });
  s << "  esac\n";
  return s.str();
}

std::string Bash(const CommandNode& root) {
  const ValueOptions v = CollectValueOptions(root);
  std::ostringstream s;
  s << "# bash completion for mailhoard; generated by `mailhoard help-completion bash`.\n"
    << "_mailhoard() {\n"
    << "  local cword=$COMP_CWORD cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
    << "  local cmdpath='' w i skip=0 mh_cmds='' mh_opts='' accounts=0 choices=''\n"
    << "  local cfg='' cfgnext=0 cfgopt=()\n"
    << PathLoop(root, v, "1", "${COMP_WORDS[i]}") << "  case \"$prev\" in\n";
  if (!v.files.empty()) {
    s << "    " << v.files << ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
  }
  s << v.choices;
  if (!v.others.empty()) s << "    " << v.others << ") return ;;\n";
  s << "  esac\n"
    << "  if [ -n \"$choices\" ]; then COMPREPLY=($(compgen -W \"$choices\" -- \"$cur\")); return; "
       "fi\n"
    << WordCases(root) << "  if [[ $cur == -* ]]; then\n"
    << "    COMPREPLY=($(compgen -W \"$mh_opts\" -- \"$cur\"))\n"
    << "  else\n"
    << "    if [ \"$accounts\" = 1 ]; then\n"
    << "      mh_cmds=\"$mh_cmds $(mailhoard \"${cfgopt[@]}\" config accounts 2>/dev/null)\"\n"
    << "    fi\n"
    << "    COMPREPLY=($(compgen -W \"$mh_cmds\" -- \"$cur\"))\n"
    << "  fi\n"
    << "}\ncomplete -F _mailhoard mailhoard\n";
  return s.str();
}

std::string Zsh(const CommandNode& root) {
  const ValueOptions v = CollectValueOptions(root);
  std::ostringstream s;
  // $path is zsh's array tied to $PATH, $words its command line: our own
  // variables are cmdpath, mh_cmds and mh_opts.
  s << "#compdef mailhoard\n"
    << "# zsh completion for mailhoard; generated by `mailhoard help-completion zsh`.\n"
    << "_mailhoard() {\n"
    << "  local cword=$CURRENT cur=${words[CURRENT]} prev=${words[CURRENT-1]}\n"
    << "  local cmdpath='' w i skip=0 mh_cmds='' mh_opts='' accounts=0 choices=''\n"
    << "  local cfg='' cfgnext=0\n"
    << "  local -a cands cfgopt\n"
    << PathLoop(root, v, "2", "${words[i]}") << "  case \"$prev\" in\n";
  if (!v.files.empty()) s << "    " << v.files << ") _files; return ;;\n";
  s << v.choices;
  if (!v.others.empty()) s << "    " << v.others << ") return ;;\n";
  s << "  esac\n"
    << "  if [ -n \"$choices\" ]; then compadd -- ${=choices}; return; fi\n"
    << WordCases(root) << "  if [[ $cur == -* ]]; then\n"
    << "    cands=(${=mh_opts})\n"
    << "  else\n"
    << "    cands=(${=mh_cmds})\n"
    << "    if [ \"$accounts\" = 1 ]; then\n"
    << "      cands+=(${(f)\"$(mailhoard \"${cfgopt[@]}\" config accounts 2>/dev/null)\"})\n"
    << "    fi\n"
    << "  fi\n"
    << "  compadd -- $cands\n"
    << "}\n_mailhoard \"$@\"\n";
  return s.str();
}

std::string FishQuote(const std::string& text) {
  std::string q = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') q += '\\';
    q += c;
  }
  return q + "'";
}

void FishOptions(std::ostringstream& s, const CommandNode& node, const std::string& condition) {
  for (const OptionInfo& o : node.options) {
    s << "complete -c mailhoard" << condition;
    for (const std::string& n : o.short_names) s << " -s " << n;
    for (const std::string& l : o.long_names) s << " -l " << l;
    if (o.value_label == "FILE") {
      s << " -r -F";
    } else if (!Choices(o.value_label).empty()) {
      s << " -x -a " << FishQuote(Choices(o.value_label));
    } else if (!o.value_label.empty()) {
      s << " -x";
    }
    s << " -d " << FishQuote(o.description) << "\n";
  }
}

// __mailhoard_accounts: the account names of the config file the command
// line names (-c FILE, --config FILE, --config=FILE, -cFILE), else of the
// default one.
std::string FishAccountsFunction(const CommandNode& root) {
  std::ostringstream s;
  s << "function __mailhoard_accounts\n"
    << "    set -l cfg\n"
    << "    set -l words (commandline -opc)\n"
    << "    set -l n (count $words)\n"
    << "    for i in (seq 2 $n)\n"
    << "        switch $words[$i]\n";
  if (const OptionInfo* config = ConfigOption(root)) {
    s << "            case";
    for (const std::string& n : Names(*config)) s << " " << n;
    s << "\n"
      << "                test $i -lt $n; and set cfg $words[(math $i + 1)]\n";
    for (const std::string& l : config->long_names) {
      s << "            case '--" << l << "=*'\n"
        << "                set cfg (string replace -- '--" << l << "=' '' $words[$i])\n";
    }
    for (const std::string& c : config->short_names) {
      s << "            case '-" << c << "?*'\n"
        << "                set cfg (string sub -s 3 -- $words[$i])\n";
    }
  }
  s << "        end\n"
    << "    end\n"
    << "    if test -n \"$cfg\"\n"
    // commandline -o hands over a typed "~/" unexpanded.
    << "        mailhoard --config (string replace -r '^~/' \"$HOME/\" -- $cfg) config accounts "
       "2>/dev/null\n"
    << "    else\n"
    << "        mailhoard config accounts 2>/dev/null\n"
    << "    end\n"
    << "end\n";
  return s.str();
}

std::string Fish(const CommandNode& root) {
  std::ostringstream s;
  s << "# fish completion for mailhoard; generated by `mailhoard help-completion fish`.\n"
    << "complete -c mailhoard -f\n"
    << FishAccountsFunction(root);
  FishOptions(s, root, "");
  Walk(root, [&](const CommandNode& node) {
    std::string here = node.path.empty() ? " -n '__fish_use_subcommand'"
                                         : " -n '__fish_seen_subcommand_from " + node.name + "'";
    std::string subs;
    for (const CommandNode& sub : node.commands) subs += " " + sub.name;
    std::string offer = here;
    if (!node.path.empty() && !subs.empty()) {
      offer = " -n '__fish_seen_subcommand_from " + node.name +
              "; and not __fish_seen_subcommand_from" + subs + "'";
    }
    for (const CommandNode& sub : node.commands) {
      s << "complete -c mailhoard" << offer << " -a " << sub.name << " -d "
        << FishQuote(sub.description) << "\n";
    }
    if (node.path.empty()) return;
    FishOptions(s, node, here);
    if (TakesAccount(node)) {
      s << "complete -c mailhoard" << here << " -a '(__mailhoard_accounts)' -d 'account'\n";
    }
  });
  return s.str();
}

}  // namespace

std::optional<std::string> CompletionScript(const CommandNode& root, const std::string& shell) {
  if (shell == "bash") return Bash(root);
  if (shell == "zsh") return Zsh(root);
  if (shell == "fish") return Fish(root);
  return std::nullopt;
}

}  // namespace mailhoard::cli
