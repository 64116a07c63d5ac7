// tlsx prepare -o GLASSES.h5 --temperature T_f [--glasses G] [--n N] [--steps S] ... [--config FILE]
//              [--checkpoint FILE] [--checkpoint-every SEC] [--max-hours H] [--stop-after K] [--resume]
// Equilibrated glasses by hybrid swap Monte Carlo / MD (docs/cli-prepare.md).
#include <sys/stat.h>

#include <chrono>
#include <cstdio>

#include "cli_common.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/pipeline/prepare.hpp"

namespace {

struct PrepareCli {
  tlsx::PrepareOptions o;
  std::string output, model, backend = "auto", checkpoint;
  int threads = 0;
  double checkpoint_every = 600, max_hours = 0;
  std::int64_t stop_after = 0;
  bool resume = false, keep_checkpoint = false, json = false;
};

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

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
  if (c.checkpoint.empty()) c.checkpoint = c.output + ".ckpt";
  const tlsx::Model model = tlsx::resolve_model(c.model);
  auto backend = tlsx::make_backend(c.backend, c.threads);
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<tlsx::Preparation> p;
  if (c.resume) {
    if (!file_exists(c.checkpoint))
      throw tlsx::Error("prepare: --resume: no checkpoint " + c.checkpoint + " (name it with --checkpoint)");
    p = std::make_unique<tlsx::Preparation>(tlsx::Preparation::resume(c.checkpoint, c.o, model));
    std::fprintf(stderr, "prepare: resuming %s at step %lld of %lld\n", c.checkpoint.c_str(),
                 static_cast<long long>(p->steps_done()), static_cast<long long>(p->total_steps()));
  } else {
    if (file_exists(c.checkpoint))
      throw tlsx::Error("prepare: checkpoint " + c.checkpoint +
                        " exists: continue it with --resume, or remove it to start afresh");
    p = std::make_unique<tlsx::Preparation>(c.o, model);
  }
  std::fprintf(stderr, "prepare: %d glasses of %d particles (%s) at T_f = %g on %s (%s)\n", c.o.glasses, c.o.n,
               model.name.c_str(), c.o.fictive_temperature, backend->name().c_str(), backend->device().c_str());

  tlsx::PrepareRunControl control;
  control.checkpoint_path = c.checkpoint;
  control.checkpoint_every = c.checkpoint_every;
  control.max_hours = c.max_hours;
  control.stop_after = c.stop_after;
  const tlsx::PrepareRunResult r = tlsx::run_preparation(*p, *backend, control);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  tlsx::JsonObject j;
  j.add("output", r.complete ? c.output : std::string())
      .add("complete", r.complete)
      .add("stop_reason", r.stop_reason)
      .add("checkpoint", c.checkpoint)
      .add("steps_done", static_cast<long long>(p->steps_done()))
      .add("total_steps", static_cast<long long>(p->total_steps()))
      .add("seconds", seconds)
      .add("backend", backend->name());
  if (r.complete) {
    const tlsx::GlassSet g = p->glass_set();
    tlsx::write_glass_set(c.output, g);
    if (!c.keep_checkpoint && file_exists(c.checkpoint)) std::remove(c.checkpoint.c_str());
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
    std::fprintf(stderr,
                 "prepare: stopped (%s) after %lld of %lld steps; checkpoint %s; continue with the same options "
                 "and --resume\n",
                 r.stop_reason.c_str(), static_cast<long long>(p->steps_done()),
                 static_cast<long long>(p->total_steps()), c.checkpoint.c_str());
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
      ->required()->check(CLI::PositiveNumber);
  sub->add_option("--glasses", o.glasses, "Number of glasses N_g")->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_option("--n", o.n, "Particles per glass")->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_option("--first-glass", o.first_glass, "Global id of the first glass (for shards)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  sub->add_option("--steps", o.steps, "Swap MC/MD steps at T_f")->check(CLI::NonNegativeNumber)->capture_default_str();
  sub->add_option("--dt", o.dt, "Time step")->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_option("--swap-every", o.swap_every, "MD steps per block between swap sweeps")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  sub->add_option("--swap-attempts", o.swap_attempts, "Attempts per sweep (default 1.75 N)")->check(CLI::NonNegativeNumber);
  sub->add_option("--melt-temperature", o.melt_temperature, "Melt temperature")->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_option("--melt-steps", o.melt_steps, "Melt steps")->check(CLI::NonNegativeNumber)->capture_default_str();
  sub->add_option("--tau-t", o.tau_t, "Nose-Hoover time constant (default 100 dt)")->check(CLI::PositiveNumber);
  sub->add_option("--sample-every", o.sample_every, "Steps between equilibration samples (default steps/100)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  sub->add_option("--model", c->model, "Model file (TOML); default: built-in KA2");
  sub->add_option("--backend", c->backend, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}))->capture_default_str();
  sub->add_option("--threads", c->threads, "CPU threads (default: all)")->check(CLI::NonNegativeNumber);
  sub->add_option("--checkpoint", c->checkpoint, "Checkpoint file (default: OUTPUT.ckpt)");
  sub->add_option("--checkpoint-every", c->checkpoint_every, "Seconds between checkpoints (0: only at stops and SIGUSR1)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  sub->add_option("--max-hours", c->max_hours, "Stop cleanly with a checkpoint after this wall time")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--stop-after", c->stop_after,
                  "Stop cleanly with a checkpoint after this many chunks (melt chunks, sample blocks) in this call")
      ->check(CLI::NonNegativeNumber);
  sub->add_flag("--resume", c->resume, "Continue from the checkpoint");
  sub->add_flag("--keep-checkpoint", c->keep_checkpoint, "Keep the checkpoint after the output is written");
  sub->add_flag("--json", c->json, "Print one JSON object on stdout");
  sub->callback([c] { run_prepare(*c); });
}};

}  // namespace
