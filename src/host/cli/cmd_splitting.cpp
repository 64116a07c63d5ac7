// tlsx splitting DW.h5 [--mass 5250,1200] [--tol T] [-o OUT.h5] [--json]
// tlsx splitting --profile FILE.csv [--mass M[,M...]] [--tol T] [--json]
// Quantum splitting (paper Sec. III C, Eqs. 9-15): E = eps_2 - eps_1, the five lowest levels, Delta,
// Delta_0, Gamma, V_a, dV, T_Q and the TLS flag, per mass (docs/quantum.md). The library form fills
// the splitting columns of every good double well of a library (stage "neb") and writes it back
// atomically; the profile form solves one user path. Human output on stderr; --json prints one object
// on stdout.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/pipeline/library.hpp"
#include "tlsx/pipeline/splitting_stage.hpp"
#include "tlsx/quantum/profile_csv.hpp"
#include "tlsx/quantum/splitting.hpp"

namespace {

struct SplittingCliOptions {
  std::string library;  // positional DW.h5
  std::string profile;  // --profile FILE.csv
  std::string output;   // -o (library form; default: in place)
  std::vector<double> masses;
  double tol = 1e-4;
  std::string backend = "cpu";
  bool json = false;
};

const std::vector<double> kDefaultMasses = {5250.0, 1200.0};  // m~ of Eq. 11: "NiP", "Ar"

void print_table(const tlsx::quantum::Profile& p, const std::vector<tlsx::quantum::SplittingResult>& rs) {
  const auto& r0 = rs.front();
  std::fprintf(stderr, "splitting: %s: %zu images (%s spline), minima %.6g sigma apart%s\n", p.name.c_str(),
               p.s.size(), p.dVds.empty() ? "not-a-knot" : "Hermite", r0.d,
               r0.reversed ? " (reversed: the second minimum is the lower)" : "");
  std::fprintf(stderr, "  V_a = %.6g  dV = %.6g  V_b = %.6g  barrier top at s = %.6g  (eps, sigma; hbar = 1)\n",
               r0.V_a, r0.dV, r0.V_b, r0.s_top);
  std::fprintf(stderr, "  %8s %12s %9s %8s %11s %11s %11s %8s %4s %7s\n", "mass", "E", "E_error", "resolved",
               "Delta", "Delta0", "Gamma", "T_Q", "TLS", "grid");
  for (const auto& r : rs) {
    std::fprintf(stderr, "  %8g %12.5e %9.2e %8s %11.4e %11.4e %11.4e %8.2g %4s %7d\n", r.mass, r.E, r.E_error,
                 r.resolved ? "yes" : "no", r.Delta, r.Delta0, r.Gamma, r.T_Q, r.is_tls ? "yes" : "no",
                 r.grid_points);
  }
  for (const auto& r : rs)
    if (!r.resolved)
      std::fprintf(stderr, "  mass %g: E not resolved to the tolerance: %s\n", r.mass,
                   tlsx::quantum::unresolved_reason(r).c_str());
}

void run_profile(const SplittingCliOptions& o, const std::vector<double>& masses) {
  const tlsx::quantum::Profile profile = tlsx::quantum::read_profile_csv(o.profile);
  tlsx::quantum::SplittingOptions options;
  options.grid.tol_E = o.tol;
  const auto start = std::chrono::steady_clock::now();
  const auto results = tlsx::quantum::splittings(profile, masses, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  print_table(profile, results);
  if (!o.json) return;
  // With one mass its result's keys (E, levels, Delta, ...) are also top-level keys.
  tlsx::JsonObject j = results.size() == 1 ? tlsx::quantum::splitting_json(results.front()) : tlsx::JsonObject{};
  const auto& r0 = results.front();
  j.add("profile", o.profile);
  j.add("images", static_cast<long>(profile.s.size()));
  j.add("spline", profile.dVds.empty() ? "not-a-knot" : "hermite");
  j.add("reversed", r0.reversed);
  j.add("V_min", r0.V_min);
  j.add("s_origin", r0.s_origin);
  j.add("tol", o.tol);
  j.add("seconds", seconds);  // wall time of the splittings (all masses, one thread), without reading
  std::vector<tlsx::JsonObject> rows;
  for (const auto& r : results) rows.push_back(tlsx::quantum::splitting_json(r));
  j.add("results", rows);
  tlsx::cli::print_json(j.str());
}

std::vector<int> as_ints(const std::vector<std::size_t>& v) { return std::vector<int>(v.begin(), v.end()); }

void run_library(const SplittingCliOptions& o, const std::vector<double>& masses) {
  tlsx::Library lib = tlsx::read_library(o.library);
  tlsx::SplittingStageOptions options;
  options.masses = masses;
  options.tol = o.tol;
  options.backend = o.backend;
  const tlsx::SplittingStageSummary s = tlsx::run_splitting_stage(lib, options);
  const std::string out = o.output.empty() ? o.library : o.output;
  tlsx::write_library(out, lib);
  std::fprintf(stderr, "splitting: %s: %zu double wells, %zu good%s, %.3g s\n", o.library.c_str(), s.rows, s.good,
               s.not_double_well ? (", " + std::to_string(s.not_double_well) + " of them not a double well").c_str()
                                 : "",
               s.seconds);
  for (std::size_t j = 0; j < masses.size(); ++j)
    std::fprintf(stderr,
                 "  m~ = %g: T_Q = %.4g, E resolved for %zu, below the rounding floor for %zu, failed for %zu; "
                 "TLS (E < T_Q): %zu\n",
                 masses[j], lib.T_Q[j], s.resolved[j], s.below_floor[j], s.failed[j], s.tls[j]);
  std::fprintf(stderr, "  wrote %s\n", out.c_str());
  if (!o.json) return;
  tlsx::JsonObject j;
  j.add("library", o.library);
  j.add("output", out);
  j.add("rows", static_cast<long>(s.rows));
  j.add("good", static_cast<long>(s.good));
  j.add("not_double_well", static_cast<long>(s.not_double_well));
  j.add("masses", lib.masses);
  j.add("T_Q", lib.T_Q);
  j.add("resolved", as_ints(s.resolved));
  j.add("below_floor", as_ints(s.below_floor));
  j.add("failed", as_ints(s.failed));
  j.add("tls", as_ints(s.tls));
  j.add("tol", o.tol);
  j.add("seconds", s.seconds);
  tlsx::cli::print_json(j.str());
}

void run_splitting(const SplittingCliOptions& o) {
  if (o.library.empty() == o.profile.empty())
    throw tlsx::Error("splitting: give either a library (tlsx splitting DW.h5) or --profile FILE.csv");
  if (!o.output.empty() && o.library.empty()) throw tlsx::Error("splitting: -o applies to the library form only");
  if (!(o.tol > 0.0 && o.tol < 1.0)) throw tlsx::Error("splitting: --tol must lie in (0, 1)");
  const std::vector<double> masses = o.masses.empty() ? kDefaultMasses : o.masses;
  for (const double m : masses)
    if (!(m > 0.0 && std::isfinite(m)))
      throw tlsx::Error("splitting: --mass: every m~ must be a positive number, got " + tlsx::JsonObject::number(m));
  if (o.profile.empty()) {
    run_library(o, masses);
  } else {
    run_profile(o, masses);
  }
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto o = std::make_shared<SplittingCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "splitting", "Quantum splittings E, levels, Delta, Delta0, Gamma of a library's double wells or of one profile");
  sub->add_option("library", o->library, "Double-well library (stage neb or splitting), updated in place unless -o");
  sub->add_option("--profile", o->profile, "Profile CSV with header s,V or s,V,dVds (first minimum to second)");
  sub->add_option("-o,--output", o->output, "Write the library here instead of in place");
  sub->add_option("--mass", o->masses,
                  "Effective masses m~ = m eps sigma^2 / hbar^2, comma-separated (default 5250,1200: NiP, Ar)")
      ->delimiter(',');
  sub->add_option("--tol", o->tol, "Relative convergence tolerance of E (default 1e-4)");
  sub->add_option("--backend", o->backend, "Library form: solve on the cpu (OpenMP), on a cuda device, or auto")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}))->capture_default_str();
  sub->add_flag("--json", o->json, "Print one JSON object on stdout");
  sub->callback([o] { run_splitting(*o); });
}};

}  // namespace
