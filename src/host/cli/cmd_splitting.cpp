// tlsx splitting --profile FILE.csv [--mass M ...] [--tol T] [--json]
// Quantum splitting of one minimum-energy-path profile (paper Sec. III C, Eqs. 9-15): E = eps_2 - eps_1,
// the five lowest levels, Delta, Delta_0, Gamma, V_a, dV, V_b, T_Q and the TLS flag, per mass
// (docs/quantum.md). Human table on stderr; --json prints one object on stdout.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/quantum/profile_csv.hpp"
#include "tlsx/quantum/splitting.hpp"

namespace {

struct SplittingCliOptions {
  std::string profile;
  std::vector<double> masses;
  double tol = 1e-4;
  bool json = false;
};

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

void run_splitting(const SplittingCliOptions& o) {
  if (o.profile.empty()) throw tlsx::Error("splitting: give the profile with --profile FILE.csv");
  if (!(o.tol > 0.0 && o.tol < 1.0)) throw tlsx::Error("splitting: --tol must lie in (0, 1)");
  const std::vector<double> masses = o.masses.empty() ? std::vector<double>{5250.0} : o.masses;
  const tlsx::quantum::Profile profile = tlsx::quantum::read_profile_csv(o.profile);
  tlsx::quantum::SplittingOptions options;
  options.grid.tol_E = o.tol;
  const auto results = tlsx::quantum::splittings(profile, masses, options);
  print_table(profile, results);
  if (o.json) {
    const auto& r0 = results.front();
    tlsx::JsonObject j;
    j.add("profile", o.profile);
    j.add("images", static_cast<long>(profile.s.size()));
    j.add("spline", profile.dVds.empty() ? "not-a-knot" : "hermite");
    j.add("reversed", r0.reversed);
    j.add("V_min", r0.V_min);
    j.add("s_origin", r0.s_origin);
    j.add("tol", o.tol);
    std::vector<tlsx::JsonObject> rows;
    for (const auto& r : results) rows.push_back(tlsx::quantum::splitting_json(r));
    j.add("results", rows);
    tlsx::cli::print_json(j.str());
  }
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto o = std::make_shared<SplittingCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "splitting", "Quantum splitting E, levels, Delta, Delta0, Gamma of a minimum-energy-path profile");
  sub->add_option("--profile", o->profile, "Profile CSV with header s,V or s,V,dVds (first minimum to second)");
  sub->add_option("--mass", o->masses,
                  "Effective mass m~ = m eps sigma^2 / hbar^2 (repeatable; default 5250, NiP; Ar: 1200)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--tol", o->tol, "Relative convergence tolerance of E (default 1e-4)");
  sub->add_flag("--json", o->json, "Print one JSON object on stdout");
  sub->callback([o] { run_splitting(*o); });
}};

}  // namespace
