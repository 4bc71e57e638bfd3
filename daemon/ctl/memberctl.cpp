// memberctl: the operator's CLI. It talks only to the daemon's Unix socket,
// where the kernel (SO_PEERCRED) vouches for the caller, so an operator needs
// no token and nothing here ever handles one.
//
// Exit codes, stable for scripts:
//   0   done (status: the daemon is ready)
//   1   the daemon answered with an error, or status: not ready
//   2   the daemon could not be reached (or the config could not be read)
//   64  usage error

#include "ctl/daemon_client.hpp"
#include "ctl/password_prompt.hpp"
#include "ctl/socket_path.hpp"
#include "ctl/table.hpp"

#include <memberd/version.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#ifndef MEMBERD_VERSION
#define MEMBERD_VERSION "0.0.0-dev"
#endif

namespace memberd::ctl {
namespace {

using nlohmann::json;

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_unreachable = 2;
constexpr int exit_usage = 64;

constexpr const char* usage_text = R"(usage: memberctl [options] COMMAND [ARGS]

Operator CLI for memberd; talks to the daemon's Unix socket as an operator
(run it as root or as the daemon's user).

commands:
  status               readiness and a plugin summary (exit 0 ready, 1 not)
  plugins              loaded plugins: version, state, file, last error
  reload NAME          hot-swap plugin NAME from its file (loads it again
                       after an unload)
  unload NAME          take plugin NAME out of service until it is
                       reloaded (SIGHUP leaves it out; a restart loads it
                       unless it left plugins.enabled)
  cluster              the daemons on this database: alive, leader,
                       version, and each plugin's version and file
  cluster reload NAME  hot-swap plugin NAME on every daemon of the
                       database (each from its own plugins.dir, a daemon
                       started later included) and wait until the daemons
                       alive did (exit 1 when one failed, or after 60 s)
  cluster unload NAME  take plugin NAME out of service on every daemon,
                       one started later included, until a cluster reload
  members [QUERY]      members whose email starts with QUERY
  create-admin EMAIL   create an admin; the password comes from env
                       MEMBERD_ADMIN_PASSWORD, else stdin (asked twice on a
                       terminal)

options:
  --socket PATH        the daemon's socket (else env MEMBERD_SOCKET, else
                       socket.path from --config, else run/memberd.sock)
  --config FILE        read socket.path from the daemon's config file
  --json               print the daemon's JSON instead of a table
  --limit N            members: page size (daemon default 50, max 500)
  --cursor C           members: continue from a previous page
  -h, --help           this text
  --version            memberctl's version

exit codes: 0 ok, 1 error or not ready, 2 daemon unreachable, 64 usage
)";

struct Options {
  std::optional<std::string> socket;
  std::optional<std::string> config;
  std::optional<std::string> limit;
  std::optional<std::string> cursor;
  bool json = false;
  bool help = false;
  bool version = false;
  std::vector<std::string> words;  // the command and its operands
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Options may come before or after the command; "--x=v" and "--x v" both work.
Options parse_args(int argc, char** argv) {
  Options opts;
  const std::map<std::string, std::optional<std::string> Options::*> valued = {
      {"--socket", &Options::socket},
      {"--config", &Options::config},
      {"--limit", &Options::limit},
      {"--cursor", &Options::cursor}};
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (options_done || arg.empty() || arg[0] != '-' || arg == "-") {
      opts.words.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      opts.help = true;
      continue;
    }
    if (arg == "--version") {
      opts.version = true;
      continue;
    }
    if (arg == "--json") {
      opts.json = true;
      continue;
    }
    std::string name = arg;
    std::optional<std::string> value;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    auto it = valued.find(name);
    if (it == valued.end()) throw UsageError("unknown option " + name);
    if (!value) {
      if (i + 1 >= argc) throw UsageError(name + " needs a value");
      value = argv[++i];
    }
    opts.*(it->second) = std::move(value);
  }
  return opts;
}

// Renders any JSON scalar as a table cell; null and "" become "-" so an empty
// column still reads as deliberate.
std::string cell(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return "-";
  const json& v = object.at(key);
  if (v.is_null()) return "-";
  if (v.is_string())
    return v.get<std::string>().empty() ? "-" : v.get<std::string>();
  if (v.is_array()) {
    std::string joined;
    for (const auto& item : v) {
      if (!joined.empty()) joined += ',';
      joined += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return joined.empty() ? "-" : joined;
  }
  return v.dump();
}

std::optional<json> parse_json(const std::string& body) {
  auto parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

std::string first_line(const std::string& text) {
  return printable(text.substr(0, text.find('\n')));
}

// Prints an error reply as "error: <title>: <detail>" plus one line per
// offending field; non-problem error bodies are summarised.
void print_problem(const Reply& reply) {
  auto doc = parse_json(reply.body);
  std::string title = "HTTP " + std::to_string(reply.status);
  std::string detail;
  if (doc && doc->is_object()) {
    if (doc->contains("title") && (*doc)["title"].is_string())
      title = (*doc)["title"].get<std::string>();
    if (doc->contains("detail") && (*doc)["detail"].is_string())
      detail = (*doc)["detail"].get<std::string>();
  } else if (!reply.body.empty()) {
    detail = first_line(reply.body);
  }
  std::cerr << "error: " << printable(title);
  if (!detail.empty()) std::cerr << ": " << printable(detail);
  std::cerr << '\n';
  if (doc && doc->is_object() && doc->contains("errors")) {
    const json& errors = (*doc)["errors"];
    if (errors.is_object()) {
      for (const auto& [field, message] : errors.items())
        std::cerr << "  " << printable(field) << ": "
                  << printable(message.is_string() ? message.get<std::string>()
                                                   : message.dump())
                  << '\n';
    } else if (errors.is_array()) {
      for (const auto& e : errors)
        std::cerr << "  "
                  << printable(e.is_string() ? e.get<std::string>() : e.dump())
                  << '\n';
    }
  }
  if (reply.status == 401 || reply.status == 403)
    std::cerr << "hint: the socket grants operator rights only to root and to "
                 "the daemon's own user\n";
}

// What a command gets back from one request: the parsed body of a 2xx, or
// the exit code it must return (the error is already printed).
struct Fetched {
  std::optional<json> body;
  Reply reply;
  int exit_code = exit_ok;
};

Fetched check(const Outcome& outcome) {
  Fetched f;
  if (!outcome.reply) {
    std::cerr << "memberctl: " << outcome.error << '\n';
    f.exit_code = exit_unreachable;
    return f;
  }
  f.reply = *outcome.reply;
  if (f.reply.status < 200 || f.reply.status >= 300) {
    print_problem(f.reply);
    f.exit_code = exit_failed;
    return f;
  }
  if (f.reply.body.empty()) return f;  // 204
  f.body = parse_json(f.reply.body);
  if (!f.body) {
    std::cerr << "error: the daemon's reply is not JSON: "
              << first_line(f.reply.body) << '\n';
    f.exit_code = exit_failed;
  }
  return f;
}

void print_json(const json& doc) { std::cout << doc.dump(2) << '\n'; }

// /readyz's 503 lists what is missing; its exact shape belongs to the daemon,
// so accept a list of strings or objects, an object, or a problem document.
std::vector<std::string> readiness_gaps(const json& doc) {
  std::vector<std::string> gaps;
  if (!doc.is_object()) return gaps;
  if (doc.contains("missing")) {
    const json& missing = doc["missing"];
    if (missing.is_array()) {
      for (const auto& m : missing) {
        if (m.is_string()) {
          gaps.push_back(m.get<std::string>());
        } else if (m.is_object()) {
          std::string line;
          for (const auto& [k, v] : m.items()) {
            if (!line.empty()) line += ", ";
            line += k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
          }
          gaps.push_back(line);
        } else {
          gaps.push_back(m.dump());
        }
      }
    } else if (missing.is_object()) {
      for (const auto& [k, v] : missing.items())
        gaps.push_back(k + ": " +
                       (v.is_string() ? v.get<std::string>() : v.dump()));
    } else {
      gaps.push_back(missing.dump());
    }
  } else if (doc.contains("detail") && doc["detail"].is_string()) {
    gaps.push_back(doc["detail"].get<std::string>());
  }
  return gaps;
}

int cmd_status(DaemonClient& daemon, const Options& opts) {
  const Outcome ready = daemon.get("/readyz");
  if (!ready.reply) {
    std::cerr << "memberctl: " << ready.error << '\n';
    return exit_unreachable;
  }
  const bool is_ready = ready.reply->status == 200;
  const json readyz = parse_json(ready.reply->body).value_or(json(nullptr));

  // The plugin list is a bonus here: a failure to fetch it must not hide
  // the readiness answer, which is what monitoring scripts key on.
  const Outcome plugins_outcome = daemon.get("/api/v1/admin/plugins");
  std::optional<json> plugins;
  std::string plugins_error;
  if (!plugins_outcome.reply) {
    plugins_error = plugins_outcome.error;
  } else if (plugins_outcome.reply->status != 200) {
    plugins_error = "HTTP " + std::to_string(plugins_outcome.reply->status);
  } else {
    plugins = parse_json(plugins_outcome.reply->body);
    if (!plugins || !plugins->is_array()) {
      plugins.reset();
      plugins_error = "reply is not a JSON array";
    }
  }

  if (opts.json) {
    print_json({{"ready", is_ready},
                {"readyz", readyz},
                {"plugins", plugins.value_or(json(nullptr))}});
    return is_ready ? exit_ok : exit_failed;
  }

  std::cout << "memberd (" << daemon.socket_path()
            << "): " << (is_ready ? "ready" : "NOT READY") << '\n';
  if (!is_ready) {
    auto gaps = readiness_gaps(readyz);
    if (gaps.empty() && !ready.reply->body.empty())
      gaps.push_back(first_line(ready.reply->body));
    for (const auto& gap : gaps)
      std::cout << "  missing: " << printable(gap) << '\n';
  }
  if (!plugins) {
    std::cout << "plugins: unavailable (" << printable(plugins_error) << ")\n";
    return is_ready ? exit_ok : exit_failed;
  }
  // Count by state rather than assume a fixed set of state names.
  std::map<std::string, int> by_state;
  for (const auto& p : *plugins) ++by_state[cell(p, "state")];
  std::cout << "plugins: " << plugins->size();
  std::string sep = " (";
  for (const auto& [state, n] : by_state) {
    std::cout << sep << n << ' ' << printable(state);
    sep = ", ";
  }
  std::cout << (by_state.empty() ? "" : ")") << '\n';
  for (const auto& p : *plugins) {
    const std::string error = cell(p, "last_error");
    std::cout << "  " << printable(cell(p, "name")) << ' '
              << printable(cell(p, "version")) << ' '
              << printable(cell(p, "state"));
    if (error != "-") std::cout << "  last error: " << printable(error);
    std::cout << '\n';
  }
  return is_ready ? exit_ok : exit_failed;
}

int cmd_plugins(DaemonClient& daemon, const Options& opts) {
  auto f = check(daemon.get("/api/v1/admin/plugins"));
  if (f.exit_code != exit_ok) return f.exit_code;
  const json list = f.body.value_or(json::array());
  if (opts.json) {
    print_json(list);
    return exit_ok;
  }
  if (!list.is_array() || list.empty()) {
    std::cout << "no plugins loaded\n";
    return exit_ok;
  }
  Table table(
      {"NAME", "VERSION", "API", "STATE", "LOADED_AT", "FILE", "LAST_ERROR"});
  for (const auto& p : list)
    table.add_row({cell(p, "name"), cell(p, "version"), cell(p, "api_version"),
                   cell(p, "state"), cell(p, "loaded_at"), cell(p, "file"),
                   cell(p, "last_error")});
  table.print(std::cout);
  return exit_ok;
}

// One cell for a daemon's plugins: "name version sha256" for each loaded
// one, "name state" for the others.
std::string plugin_cell(const json& plugins) {
  if (!plugins.is_array() || plugins.empty()) return "-";
  std::string out;
  for (const auto& p : plugins) {
    if (!out.empty()) out += ", ";
    out += cell(p, "name") + " " +
           (cell(p, "state") == "loaded" ? cell(p, "version") + " " + cell(p, "sha256") : cell(p, "state"));
  }
  return out;
}

// One line for a request asked of the cluster: "hello reload #3: converging, 2 of 3 daemons".
std::string request_line(const json& r) {
  const json counts = r.value("daemons", json::object());
  int done = counts.value("done", 0), failed = counts.value("failed", 0), waiting = counts.value("waiting", 0);
  return printable(cell(r, "plugin")) + " " + printable(cell(r, "action")) + " #" + cell(r, "request_id") + ": " +
         printable(cell(r, "state")) + ", " + std::to_string(done) + " of " + std::to_string(done + failed + waiting) +
         " daemons done" + (failed ? ", " + std::to_string(failed) + " failed" : "");
}

int cmd_cluster(DaemonClient& daemon, const Options& opts) {
  auto f = check(daemon.get("/api/v1/admin/cluster"));
  if (f.exit_code != exit_ok) return f.exit_code;
  const json body = f.body.value_or(json::object());
  if (opts.json) {
    print_json(body);
    return exit_ok;
  }
  Table table({"ID", "HOST", "PID", "VERSION", "ALIVE", "LEADER", "STARTED_AT", "PLUGINS"});
  for (const auto& d : body.value("daemons", json::array())) {
    std::string id = cell(d, "daemon_id") + (d.value("this_daemon", false) ? "*" : "");
    table.add_row({id, cell(d, "host"), cell(d, "pid"), cell(d, "version"), d.value("alive", false) ? "yes" : "no",
                   d.value("leader", false) ? "yes" : "no", cell(d, "started_at"), plugin_cell(d.value("plugins", json()))});
  }
  table.print(std::cout);
  auto differ = body.value("plugins_differ", json::array());
  if (!differ.empty()) {
    std::cout << "plugins served from different files by the daemons alive:";
    for (const auto& name : differ) std::cout << ' ' << printable(name.is_string() ? name.get<std::string>() : "?");
    std::cout << '\n';
  }
  std::cout << "(* the daemon that answered)\n";
  auto requests = body.value("requests", json::array());
  if (!requests.empty()) std::cout << "asked of the cluster (newest per plugin):\n";
  for (const auto& r : requests) std::cout << "  " << request_line(r) << '\n';
  return exit_ok;
}

// Asks `action` of every daemon for plugin `name`, then follows the
// progress on GET /api/v1/admin/cluster until no daemon alive is waiting.
int cmd_cluster_ask(DaemonClient& daemon, const Options& opts, const std::string& action, const std::string& name) {
  auto f = check(daemon.post("/api/v1/admin/cluster/plugins/" + url_encode(name) + "/" + action, ""));
  if (f.exit_code != exit_ok) return f.exit_code;
  json request = f.body.value_or(json::object());
  const auto id = request.value("request_id", 0LL);
  std::string last;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    std::string line = request_line(request);
    if (!opts.json && line != last) std::cout << line << '\n' << std::flush;
    last = line;
    if (request.value("state", "") != "converging" || std::chrono::steady_clock::now() >= until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    // The request is recorded: a moment the database does not answer (503)
    // is waited out within the 60 s, the daemons apply it meanwhile.
    auto reply = daemon.get("/api/v1/admin/cluster");
    if (reply.reply && reply.reply->status == 503 && std::chrono::steady_clock::now() < until) continue;
    auto now = check(reply);
    if (now.exit_code != exit_ok) return now.exit_code;
    for (const auto& r : now.body.value_or(json::object()).value("requests", json::array()))
      if (r.value("plugin", "") == name) request = r;
    // A newer request for the plugin (another admin's) ends this one's story.
    if (request.value("request_id", 0LL) != id) break;
  }
  if (opts.json) print_json(request);
  else
    for (const auto& failure : request.value("failures", json::array()))
      std::cout << "  daemon " << cell(failure, "daemon_id") << " (" << printable(cell(failure, "host"))
                << "): " << printable(cell(failure, "error")) << '\n';
  const std::string state = request.value("state", "");
  if (request.value("request_id", 0LL) != id) {
    std::cerr << "memberctl: another request for " << printable(name) << " replaced this one\n";
    return exit_failed;
  }
  if (state == "converging") std::cerr << "memberctl: daemons still waiting after 60 s (see memberctl cluster)\n";
  const json counts = request.value("daemons", json::object());
  if (state == "done" && counts.value("done", 0) == 0) {
    // No daemon alive reported it: none is listed (this one serves
    // unlisted: a database that takes no writes) or none enables it.
    std::cerr << "memberctl: no daemon reported applying it (see memberctl cluster)\n";
    return exit_failed;
  }
  return state == "done" ? exit_ok : exit_failed;
}

std::string format_ms(const json& v) {
  if (v.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v.get<double>());
    return buf;
  }
  if (v.is_number()) return v.dump();
  if (v.is_string()) return v.get<std::string>();
  return "?";
}

int cmd_reload(DaemonClient& daemon, const Options& opts,
               const std::string& name) {
  auto f = check(
      daemon.post("/api/v1/admin/plugins/" + url_encode(name) + "/reload", ""));
  if (f.exit_code != exit_ok) return f.exit_code;
  const json entry = f.body.value_or(json::object());
  if (opts.json) {
    print_json(entry);
    return exit_ok;
  }
  std::cout << "reloaded "
            << printable(cell(entry, "name") == "-" ? name
                                                    : cell(entry, "name"))
            << ": version " << printable(cell(entry, "version"));
  if (entry.is_object() && entry.contains("swap_ms"))
    std::cout << ", swap " << format_ms(entry["swap_ms"]) << " ms";
  std::cout << '\n';
  return exit_ok;
}

int cmd_unload(DaemonClient& daemon, const Options& opts, const std::string& name) {
  auto f = check(daemon.post("/api/v1/admin/plugins/" + url_encode(name) + "/unload", ""));
  if (f.exit_code != exit_ok) return f.exit_code;
  const json entry = f.body.value_or(json::object());
  if (opts.json) {
    print_json(entry);
    return exit_ok;
  }
  std::cout << "unloaded " << printable(name) << ": requests already running finish on it; "
            << "`memberctl reload " << printable(name) << "` brings it back\n";
  return exit_ok;
}

int cmd_members(DaemonClient& daemon, const Options& opts,
                const std::optional<std::string>& query) {
  std::string target = "/api/v1/admin/members";
  char sep = '?';
  auto add = [&](const char* key, const std::optional<std::string>& value) {
    if (!value) return;
    target += sep;
    target += key;
    target += '=';
    target += url_encode(*value);
    sep = '&';
  };
  add("q", query);
  add("limit", opts.limit);
  add("cursor", opts.cursor);

  auto f = check(daemon.get(target));
  if (f.exit_code != exit_ok) return f.exit_code;
  const json page = f.body.value_or(json::object());
  if (opts.json) {
    print_json(page);
    return exit_ok;
  }
  const json items = page.is_object() && page.contains("items") ? page["items"]
                                                                : json::array();
  if (!items.is_array() || items.empty()) {
    std::cout << "no members" << (query ? " match" : "") << '\n';
    return exit_ok;
  }
  Table table({"MEMBER_ID", "EMAIL", "ROLES", "CREATED_AT", "LOCKED_UNTIL"});
  for (const auto& m : items)
    table.add_row({cell(m, "member_id"), cell(m, "email"), cell(m, "roles"),
                   cell(m, "created_at"), cell(m, "locked_until")});
  table.print(std::cout);
  // On stderr so that piping the table somewhere gets only the table.
  if (const std::string next = cell(page, "next_cursor"); next != "-")
    std::cerr << "more: add --cursor " << printable(next) << '\n';
  return exit_ok;
}

int cmd_create_admin(DaemonClient& daemon, const Options& opts,
                     const std::string& email) {
  // Check that the daemon answers before prompting: a password typed
  // twice in vain is the worse experience.
  const Outcome alive = daemon.get("/healthz");
  if (!alive.reply) {
    std::cerr << "memberctl: " << alive.error << '\n';
    return exit_unreachable;
  }
  const PasswordInput input = read_new_password("MEMBERD_ADMIN_PASSWORD");
  if (!input.password) {
    std::cerr << "error: " << input.error << '\n';
    return exit_failed;
  }
  const json request = {{"email", email},
                        {"password", *input.password},
                        {"roles", json::array({"admin"})}};
  auto f = check(daemon.post("/api/v1/admin/members", request.dump()));
  if (f.exit_code != exit_ok) return f.exit_code;
  const json created = f.body.value_or(json::object());
  if (opts.json) {
    print_json(created);
    return exit_ok;
  }
  std::cout << "created admin " << printable(email) << " (member_id "
            << printable(cell(created, "member_id")) << ")\n";
  return exit_ok;
}

int usage_error(const std::string& message) {
  std::cerr << "memberctl: " << message << "\n(see memberctl --help)\n";
  return exit_usage;
}

int run(int argc, char** argv) {
  Options opts;
  try {
    opts = parse_args(argc, argv);
  } catch (const UsageError& e) {
    return usage_error(e.what());
  }
  if (opts.help) {
    std::cout << usage_text;
    return exit_ok;
  }
  if (opts.version) {
    std::cout << "memberctl " MEMBERD_VERSION " (plugin SDK "
              << MEMBERD_SDK_VERSION_MAJOR << '.' << MEMBERD_SDK_VERSION_MINOR
              << ")\n";
    return exit_ok;
  }
  if (opts.words.empty()) return usage_error("no command given");

  const std::string& command = opts.words[0];
  const std::size_t operands = opts.words.size() - 1;
  auto want = [&](std::size_t min, std::size_t max) {
    if (operands < min || operands > max)
      throw UsageError(command + ": wrong number of arguments");
  };
  if ((opts.limit || opts.cursor) && command != "members")
    return usage_error("--limit and --cursor apply to members only");

  SocketChoice socket;
  try {
    if (command == "status" || command == "plugins")
      want(0, 0);
    else if (command == "cluster") {
      want(0, 2);
      if (operands == 1 || (operands == 2 && opts.words[1] != "reload" && opts.words[1] != "unload"))
        throw UsageError("cluster: give no arguments, or reload NAME or unload NAME");
    }
    else if (command == "reload" || command == "unload" || command == "create-admin")
      want(1, 1);
    else if (command == "members")
      want(0, 1);
    else
      return usage_error("unknown command " + command);
    socket = resolve_socket_path(opts.socket, opts.config);
  } catch (const UsageError& e) {
    return usage_error(e.what());
  } catch (const std::exception& e) {
    std::cerr << "memberctl: " << e.what() << '\n';
    return exit_unreachable;
  }

  DaemonClient daemon(socket.path, socket.source);
  if (command == "status") return cmd_status(daemon, opts);
  if (command == "plugins") return cmd_plugins(daemon, opts);
  if (command == "cluster" && operands == 2) return cmd_cluster_ask(daemon, opts, opts.words[1], opts.words[2]);
  if (command == "cluster") return cmd_cluster(daemon, opts);
  if (command == "reload") return cmd_reload(daemon, opts, opts.words[1]);
  if (command == "unload") return cmd_unload(daemon, opts, opts.words[1]);
  if (command == "members")
    return cmd_members(
        daemon, opts,
        operands ? std::optional<std::string>(opts.words[1]) : std::nullopt);
  return cmd_create_admin(daemon, opts, opts.words[1]);
}

}  // namespace
}  // namespace memberd::ctl

int main(int argc, char** argv) {
  try {
    return memberd::ctl::run(argc, argv);
  } catch (const std::exception& e) {
    // Nothing should get here; if it does, say so rather than abort().
    std::cerr << "memberctl: internal error: " << e.what() << '\n';
    return 1;
  }
}
