// tlsx prepare -o GLASSES.h5 --temperature T_f [--glasses G] [--n N] [--steps S] ... [--config FILE]
//              [--checkpoint FILE] [--checkpoint-every SEC] [--max-hours H] [--stop-after K] [--resume]
// Equilibrated glasses by hybrid swap Monte Carlo / MD (docs/cli-prepare.md).
#include <chrono>
#include <cstdio>

#include "cli_common.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/pipeline/prepare.hpp"

namespace {

struct PrepareCli {
  tlsx::PrepareOptions o;
  std::string output, model, backend = "auto";
  int threads = 0;
  tlsx::cli::CheckpointCli checkpoint;
  bool json = false;
};

// The equilibration evidence of a finished run, on stderr.
void report_equilibration(const tlsx::GlassSet& g, const tlsx::EquilibrationSummary& s, const std::string& output) {
  std::fprintf(stderr,
               "prepare: wrote %s\n  final <e/N> = %.6f   e/N drift over the second half = %+.2e (fluctuation %.2e)\n"
               "  F_s(q=%.1f, t_end) = %.3f   glasses relaxed (F_s < 1/e): %d of %d",
               output.c_str(), s.energy_mean, s.energy_drift, s.energy_std_second_half, g.fs_wavenumber, s.fs_final,
               s.relaxed, g.size());
  if (s.tau_alpha > 0) std::fprintf(stderr, "   tau_alpha(swap) ~ %.3g   run = %.1f tau_alpha", s.tau_alpha, s.relaxations);
  std::fprintf(stderr, "\n  swap acceptance %.4f\n", s.swap_acceptance);
  if (s.relaxed < g.size() || s.relaxations < 10.0)
    std::fprintf(stderr, "prepare: warning: the run is shorter than 10 relaxation times; the glasses may not be "
                         "equilibrated at T_f (increase --steps)\n");
}

void run_prepare(PrepareCli c) {
  const tlsx::Model model = tlsx::resolve_model(c.model);
  auto backend = tlsx::make_backend(c.backend, c.threads);
  const auto t0 = std::chrono::steady_clock::now();
  tlsx::cli::check_resume(c.checkpoint, "prepare", c.output);
  tlsx::Preparation p =
      c.checkpoint.resume ? tlsx::Preparation::resume(c.checkpoint.path, c.o, model) : tlsx::Preparation(c.o, model);
  if (c.checkpoint.resume)
    std::fprintf(stderr, "prepare: resuming %s at step %lld of %lld\n", c.checkpoint.path.c_str(),
                 static_cast<long long>(p.steps_done()), static_cast<long long>(p.total_steps()));
  std::fprintf(stderr, "prepare: %d glasses of %d particles (%s) at T_f = %g on %s (%s)\n", c.o.glasses, c.o.n,
               model.name.c_str(), c.o.fictive_temperature, backend->name().c_str(), backend->device().c_str());

  const tlsx::StageRunResult r = tlsx::run_preparation(p, *backend, c.checkpoint.control());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  tlsx::JsonObject j = tlsx::cli::stage_run_json(r, c.output, c.checkpoint);
  j.add("steps_done", static_cast<long long>(p.steps_done()))
      .add("total_steps", static_cast<long long>(p.total_steps()))
      .add("seconds", seconds)
      .add("backend", backend->name());
  if (r.complete) {
    const tlsx::GlassSet g = p.glass_set();
    tlsx::write_glass_set(c.output, g);
    tlsx::cli::finish_checkpoint(c.checkpoint);
    const tlsx::EquilibrationSummary s = tlsx::summarize_equilibration(g);
    report_equilibration(g, s, c.output);
    j.add("glasses", g.size())
        .add("n", g.n)
        .add("fictive_temperature", g.fictive_temperature)
        .add("energy_per_particle", s.energy_mean)
        .add("energy_drift", s.energy_drift)
        .add("fs_final", s.fs_final)
        .add("relaxed", s.relaxed)
        .add("tau_alpha", s.tau_alpha)
        .add("relaxations", s.relaxations)
        .add("swap_acceptance", s.swap_acceptance);
  } else {
    tlsx::cli::report_stop("prepare", r, p.steps_done(), p.total_steps(), "steps", c.checkpoint);
  }
  if (c.json) tlsx::cli::print_json(j.str());
}
const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto c = std::make_shared<PrepareCli>();
  tlsx::PrepareOptions& o = c->o;
  CLI::App* sub = app.add_subcommand("prepare", "Prepare equilibrated glasses by swap Monte Carlo / MD at T_f");
  sub->set_config("--config", "", "TOML file with these options (CLI11 config: key = value)");
  sub->add_option("-o,--output", c->output, "Output glass set (HDF5)")->required();
  sub->add_option("--temperature,--fictive-temperature", o.fictive_temperature, "Fictive temperature T_f")
      ->required()->check(tlsx::cli::positive(o.fictive_temperature));
  sub->add_option("--glasses", o.glasses, "Number of glasses N_g")->check(tlsx::cli::positive(o.glasses))->capture_default_str();
  sub->add_option("--n", o.n, "Particles per glass")->check(tlsx::cli::positive(o.n))->capture_default_str();
  sub->add_option("--first-glass", o.first_glass, "Global id of the first glass (for shards)")
      ->check(tlsx::cli::non_negative(o.first_glass))->capture_default_str();
  sub->add_option("--glass-stride", o.glass_stride,
                  "Glass r gets id first-glass + r * stride (shard K of N: --first-glass K --glass-stride N)")
      ->check(tlsx::cli::positive(o.glass_stride))->capture_default_str();
  sub->add_option("--steps", o.steps, "Swap MC/MD steps at T_f")->check(tlsx::cli::non_negative(o.steps))->capture_default_str();
  sub->add_option("--dt", o.dt, "Time step")->check(tlsx::cli::positive(o.dt))->capture_default_str();
  sub->add_option("--swap-every", o.swap_every, "MD steps per block between swap sweeps")
      ->check(tlsx::cli::non_negative(o.swap_every))->capture_default_str();
  sub->add_option("--swap-attempts", o.swap_attempts, "Attempts per sweep (default 1.75 N)")->check(tlsx::cli::non_negative(o.swap_attempts));
  sub->add_option("--melt-temperature", o.melt_temperature, "Melt temperature")->check(tlsx::cli::positive(o.melt_temperature))->capture_default_str();
  sub->add_option("--melt-steps", o.melt_steps, "Melt steps")->check(tlsx::cli::non_negative(o.melt_steps))->capture_default_str();
  sub->add_option("--tau-t", o.tau_t, "Nose-Hoover time constant (default 100 dt)")->check(tlsx::cli::positive(o.tau_t));
  sub->add_option("--sample-every", o.sample_every, "Steps between equilibration samples (default steps/100)")
      ->check(tlsx::cli::non_negative(o.sample_every));
  sub->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  sub->add_option("--model", c->model, "Model file (TOML); default: built-in KA2");
  tlsx::cli::add_backend_options(sub, c->backend, c->threads);
  tlsx::cli::add_checkpoint_options(sub, c->checkpoint, "chunks (melt chunks, sample blocks)");
  sub->add_flag("--json", c->json, "Print one JSON object on stdout");
  sub->callback([c] { run_prepare(*c); });
}};

}  // namespace
