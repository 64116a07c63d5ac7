// tlsx analyze DW.h5 [--report DIR] [--bootstrap B] [--seed S] [--bins-per-decade K] [--json]
// Table I, n(E)/E, n_0 with a glass-bootstrap error and its SI conversions, CDFs of E, Delta, Delta_0
// (paper Sec. III-IV; docs/analyze.md). A library of an earlier stage gets the part of Table I it
// supports and a note saying which stage is missing, not an error.
#include <cstdio>
#include <memory>
#include <string>

#include "cli_common.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/pipeline/analyze.hpp"
#include "tlsx/pipeline/library.hpp"

namespace {

struct AnalyzeCli {
  std::string library;
  std::string report_dir;
  int bootstrap = 1000;
  std::uint64_t seed = 1;
  int bins_per_decade = 5;
  bool json = false;
};

void run_analyze(const AnalyzeCli& c) {
  if (c.bootstrap < 0) throw tlsx::Error("analyze: --bootstrap must be >= 0 (0: no error bar)");
  if (c.bins_per_decade <= 0) throw tlsx::Error("analyze: --bins-per-decade must be positive");
  const tlsx::Library lib = tlsx::read_library(c.library);
  tlsx::AnalysisOptions options;
  options.bootstrap = c.bootstrap;
  options.seed = c.seed;
  options.bins_per_decade = c.bins_per_decade;
  const tlsx::AnalysisReport report = tlsx::analyze_library(lib, options, c.library);

  // The table is the human output: stdout normally, stderr when stdout carries the JSON.
  std::fputs(tlsx::format_table1(report).c_str(), c.json ? stderr : stdout);
  std::fflush(c.json ? stderr : stdout);
  if (!c.report_dir.empty()) {
    const auto written = tlsx::write_report(report, c.report_dir);
    std::fprintf(stderr, "analyze: wrote %zu files to %s\n", written.size(), c.report_dir.c_str());
  }
  if (c.json) tlsx::cli::print_json(tlsx::report_json(report).str());
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto c = std::make_shared<AnalyzeCli>();
  CLI::App* sub = app.add_subcommand(
      "analyze", "Table I, n(E)/E, n_0 (with bootstrap error, SI units) and CDFs of a double-well library");
  sub->add_option("library", c->library, "Double-well library (HDF5)")->required()->check(CLI::ExistingFile);
  sub->add_option("--report", c->report_dir,
                  "Write report.json, table1.csv, n0.csv, n_of_E_<mass>.csv, cdf_*_<mass>.csv into this directory");
  sub->add_option("--bootstrap", c->bootstrap, "Glass resamplings for the n_0 error bar (default 1000; 0: none)");
  sub->add_option("--seed", c->seed, "Seed of the bootstrap's random stream (default 1)");
  sub->add_option("--bins-per-decade", c->bins_per_decade, "Points per decade of the n(E)/E grid (default 5)");
  sub->add_flag("--json", c->json, "Print the report as one JSON object on stdout (the table goes to stderr)");
  sub->callback([c] { run_analyze(*c); });
}};

}  // namespace
