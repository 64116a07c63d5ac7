// tlsx explore GLASSES.h5 -o EXPLORE.h5 [--temperature 0.4] [--dt 0.0025] --tau-cg K --n-cg M
//              [--backend auto|cpu|cuda] [--seed S] [--screen-tolerance 1e-3] [--store-is candidates|all]
//              [--resume] ... [--json]
// Landscape exploration of every glass (paper Sec. II D); writes the first tables of the
// double-well library (docs/pipeline.md, docs/library-schema.md).
#include <chrono>
#include <cstdio>

#include "cli_common.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/pipeline/explore.hpp"

namespace {

struct ExploreCli {
  tlsx::ExploreOptions o;
  std::string input, output, backend = "auto", store_is = "candidates", minimizer = "cg";
  int threads = 0;
  tlsx::cli::CheckpointCli checkpoint;
  bool json = false;
};

void run_explore(ExploreCli c) {
  c.o.store_all_is = c.store_is == "all";
  tlsx::parse_minimize_algorithm(c.minimizer.c_str(), c.o.minimize.algorithm);  // a member (checked by CLI11)
  const tlsx::GlassSet glasses = tlsx::read_glass_set(c.input);
  auto backend = tlsx::make_backend(c.backend, c.threads);

  const auto t0 = std::chrono::steady_clock::now();
  tlsx::cli::check_resume(c.checkpoint, "explore", c.output);
  tlsx::Exploration e =
      c.checkpoint.resume ? tlsx::Exploration::resume(c.checkpoint.path, glasses, c.o) : tlsx::Exploration(glasses, c.o);
  if (c.checkpoint.resume)
    std::fprintf(stderr, "explore: resuming %s at quench %lld of %lld\n", c.checkpoint.path.c_str(),
                 static_cast<long long>(e.quenches_done()), static_cast<long long>(c.o.n_cg));
  std::fprintf(stderr,
               "explore: %d glasses of %d particles (T_f = %g) at T_exp = %g, dt = %g, a quench every %lld steps "
               "(%g tau), %lld quenches, on %s (%s)\n",
               glasses.size(), glasses.n, glasses.fictive_temperature, c.o.temperature, c.o.dt,
               static_cast<long long>(c.o.tau_cg), c.o.tau_cg * c.o.dt, static_cast<long long>(c.o.n_cg),
               backend->name().c_str(), backend->device().c_str());

  const tlsx::StageRunResult r = tlsx::run_exploration(e, *backend, c.checkpoint.control());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::int64_t n_is = 0, candidates = 0, failed = 0;
  for (const tlsx::GlassExploration& g : e.glasses()) {
    n_is += g.registry.size();
    candidates += g.log.candidate_count();
    failed += g.log.failed_quenches();
  }
  if (r.complete) {
    tlsx::write_library(c.output, e.library(glasses));
    tlsx::cli::finish_checkpoint(c.checkpoint);
    std::fprintf(stderr, "explore: wrote %s: %lld IS (%.1f per glass), %lld candidate pairs, %lld failed quenches\n",
                 c.output.c_str(), static_cast<long long>(n_is), static_cast<double>(n_is) / glasses.size(),
                 static_cast<long long>(candidates), static_cast<long long>(failed));
  } else {
    tlsx::cli::report_stop("explore", r, e.quenches_done(), c.o.n_cg, "quenches", c.checkpoint);
  }
  if (failed > 0)
    std::fprintf(stderr, "explore: warning: %lld quenches did not converge within %d iterations (recorded as -1)\n",
                 static_cast<long long>(failed), c.o.minimize.max_iterations);
  if (c.json) {
    tlsx::JsonObject j = tlsx::cli::stage_run_json(r, c.output, c.checkpoint);
    j.add("glasses", glasses.size())
        .add("quenches_per_glass", static_cast<long long>(e.quenches_done()))
        .add("n_is", static_cast<long long>(n_is))
        .add("candidate_pairs", static_cast<long long>(candidates))
        .add("failed_quenches", static_cast<long long>(failed))
        .add("screened_quenches", static_cast<long long>(e.quench_stats().screened))  // this invocation's
        .add("force_evaluations", static_cast<long long>(e.quench_stats().force_evaluations))
        .add("seconds", seconds)
        .add("backend", backend->name());
    tlsx::cli::print_json(j.str());
  }
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto c = std::make_shared<ExploreCli>();
  tlsx::ExploreOptions& o = c->o;
  CLI::App* sub = app.add_subcommand("explore", "Explore the energy landscape of every glass: inherent structures and transitions");
  sub->set_config("--config", "", "TOML file with these options (CLI11 config: key = value)");
  sub->add_option("glasses", c->input, "Glass set written by tlsx prepare (HDF5)")->required();
  sub->add_option("-o,--output", c->output, "Output library (HDF5, stage explore)")->required();
  sub->add_option("--temperature", o.temperature, "Exploration temperature T_exp")->check(tlsx::cli::positive(o.temperature))->capture_default_str();
  sub->add_option("--dt", o.dt, "MD time step")->check(tlsx::cli::positive(o.dt))->capture_default_str();
  sub->add_option("--tau-cg", o.tau_cg, "MD steps between quenches (the paper's tau_cg, in units of dt)")
      ->required()->check(tlsx::cli::positive(o.tau_cg));
  sub->add_option("--n-cg", o.n_cg, "Quenches per glass (N_cg)")->required()->check(tlsx::cli::positive(o.n_cg));
  sub->add_option("--thermostat-tau", o.thermostat_tau, "Berendsen time constant (default 100 dt)")->check(tlsx::cli::positive(o.thermostat_tau));
  sub->add_option("--seed", o.seed, "Seed of the velocity streams")->capture_default_str();
  sub->add_option("--minimizer", c->minimizer, "Quench minimiser")->check(CLI::IsMember(tlsx::minimize_algorithm_names()))->capture_default_str();
  sub->add_option("--ftol", o.minimize.force_tolerance, "Quench converged when max |F| component is below this")
      ->check(tlsx::cli::positive(o.minimize.force_tolerance))->capture_default_str();
  sub->add_option("--screen-tolerance", o.screen_tolerance,
                  "Two-stage quench: stop at this max |F|, finish to --ftol only when not clearly a known IS (0: one stage)")
      ->check(tlsx::cli::non_negative(o.screen_tolerance))->capture_default_str();
  sub->add_option("--max-iterations", o.minimize.max_iterations, "Quench iteration limit")
      ->check(tlsx::cli::positive(o.minimize.max_iterations))->capture_default_str();
  sub->add_option("--e-tol", o.tolerance.energy_per_particle, "Same IS: energies agree within this per particle")
      ->check(tlsx::cli::positive(o.tolerance.energy_per_particle))->capture_default_str();
  sub->add_option("--d-tol", o.tolerance.distance, "Same IS: no particle moved more than this (sigma)")
      ->check(tlsx::cli::positive(o.tolerance.distance))->capture_default_str();
  sub->add_option("--store-is", c->store_is, "IS coordinates to store: those of candidate pairs, or all")
      ->check(CLI::IsMember({"candidates", "all"}))->capture_default_str();
  tlsx::cli::add_backend_options(sub, c->backend, c->threads);
  tlsx::cli::add_checkpoint_options(sub, c->checkpoint, "quenches");
  sub->add_flag("--json", c->json, "Print one JSON object on stdout");
  sub->callback([c] { run_explore(*c); });
}};

}  // namespace
