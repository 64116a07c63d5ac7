// tlsx command-line entry point: every subcommand lives in its own cmd_*.cpp and registers itself
// through cli_common.hpp. Human messages go to stderr; --json prints one object on stdout.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli_common.hpp"

int main(int argc, char** argv) {
  CLI::App app{"tlsx: tunneling two-level systems in computer glasses"};
  app.require_subcommand(1);
  app.set_version_flag("--version", tlsx::cli::version_string());
  for (const auto& add : tlsx::cli::commands()) add(app);
  try {
    app.parse(argc, argv);  // runs the chosen subcommand's callback
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tlsx: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
