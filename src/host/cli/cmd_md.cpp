// tlsx md FILE -o OUT --steps N --temperature T --dt DT [--thermostat berendsen|nose-hoover|none]
//         [--tau-t TAU] [--swap-every K --swap-attempts M] [--seed S] [--thermo K] [--json]
// Molecular dynamics (optionally hybrid swap MC/MD) of one configuration (docs/cli-md-minimize.md).
#include <algorithm>
#include <chrono>
#include <memory>
#include <cmath>
#include <cstdio>

#include "cli_common.hpp"
#include "tlsx/backend/backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/core/progress.hpp"
#include "tlsx/pipeline/run_plan.hpp"

namespace {

struct MdOptions {
  std::string input, output, thermostat = "berendsen", model;
  long steps = 0;
  double temperature = 0.0, dt = 0.005, tau_t = 0.0;
  int swap_every = 0, swap_attempts = -1;
  std::uint64_t seed = 1;
  long thermo = 0;
  bool json = false;
  std::string backend = "cpu";  // one configuration: a CPU core unless asked otherwise
  int threads = 0;  // a single replica uses one thread whatever the count
};

tlsx::Thermostat parse_thermostat(const std::string& s) {
  if (s == "berendsen") return tlsx::Thermostat::berendsen;
  if (s == "nose-hoover") return tlsx::Thermostat::nose_hoover;
  return tlsx::Thermostat::none;
}

// The replica blew up (md_integrator.hpp): c holds its last good state (md_configuration), which
// goes to the output, and the run fails with the step and the likely cause.
[[noreturn]] void fail_blown_up(const MdOptions& o, const tlsx::Configuration& c, const tlsx::Model& model,
                                const tlsx::MdReplicaState& s) {
  tlsx::write_configuration(o.output, c, model);
  char skin[32];
  std::snprintf(skin, sizeof skin, "%g", 0.5 * tlsx::kConfigurationSkin);
  throw tlsx::Error("md: replica 0 (" + o.input + ") blew up at step " + std::to_string(s.step + 1) + " of " +
                    std::to_string(o.steps) + ": its kinetic energy is not finite or a particle moved more than " +
                    skin + " sigma in one step (--dt " + tlsx::shortest_decimal(o.dt) +
                    " too large, or overlapping particles); " + o.output + " holds its last good state (step " +
                    std::to_string(s.step) + ")");
}

void run_md(const MdOptions& o) {
  const tlsx::Model model = tlsx::resolve_model(o.model);
  tlsx::Configuration c = tlsx::cli::load_configuration(o.input, model);
  const int n = c.n();
  tlsx::MdRequest request;
  request.temperature = o.temperature;
  request.dt = o.dt;
  request.thermostat = parse_thermostat(o.thermostat);
  request.tau_t = o.tau_t;
  request.swap_every = o.swap_every;
  request.swap_attempts = o.swap_attempts;
  request.seed = o.seed;
  const tlsx::MdParams p = tlsx::md_params(request, model, n);  // e.g. --tau-t not above --dt: "md.tau_t must be > dt (...)"
  if (!c.has_velocities())
    std::fprintf(stderr, "md: %s has no velocities: drawing Maxwell-Boltzmann velocities at T = %g (seed %llu)\n",
                 o.input.c_str(), o.temperature, static_cast<unsigned long long>(o.seed));
  const std::unique_ptr<tlsx::Backend> backend = tlsx::make_backend(o.backend, o.threads);
  tlsx::Progress progress("md", static_cast<double>(o.steps), "steps");
  const long chunk = o.thermo > 0 ? o.thermo : std::max(1L, std::min(o.steps, 1000L));
  const double dof = 3.0 * n - 3.0;
  const double volume = c.box.volume();
  if (o.thermo > 0) std::fprintf(stderr, "%10s %10s %14s %14s %10s\n", "Step", "Temp", "PotEng/N", "TotEng/N", "Press");
  const auto t0 = std::chrono::steady_clock::now();
  const tlsx::MdReplicaState s = tlsx::md_configuration(
      c, model, p, o.steps, *backend, chunk, [&](std::int64_t done, const tlsx::MdReplicaState& now) {
        const double t_now = 2.0 * now.kinetic_energy / dof;
        if (o.thermo > 0) {
          const double pressure = (n * t_now + now.virial / 3.0) / volume;
          std::fprintf(stderr, "%10lld %10.5f %14.8f %14.8f %10.5f\n", static_cast<long long>(done), t_now,
                       now.potential_energy / n, (now.potential_energy + now.kinetic_energy) / n, pressure);
        } else {
          char extra[96];
          std::snprintf(extra, sizeof extra, "T=%.4f e/N=%.6f", t_now, now.potential_energy / n);
          progress.update(static_cast<double>(done), extra);
        }
      });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (s.status == tlsx::kMdBlownUp) {
    std::fputc('\n', stderr);
    fail_blown_up(o, c, model, s);
  }
  progress.finish();
  tlsx::write_configuration(o.output, c, model);
  const double t_mean = s.kinetic_samples ? 2.0 * (s.kinetic_sum / s.kinetic_samples) / dof : 0.0;
  const double acceptance = s.swap_attempted ? static_cast<double>(s.swap_accepted) / s.swap_attempted : 0.0;
  const double rate = seconds > 0 ? static_cast<double>(n) * o.steps / seconds : 0.0;
  std::fprintf(stderr, "md: %ld steps in %.3f s (%.3g atom-steps/s)  <T> = %.5f  e/N = %.8f", o.steps, seconds, rate,
               t_mean, s.potential_energy / n);
  if (p.swap_every > 0)
    std::fprintf(stderr, "  swap acceptance %.4f (%llu attempts)", acceptance,
                 static_cast<unsigned long long>(s.swap_attempted));
  std::fprintf(stderr, "\n");
  if (o.json) {
    tlsx::JsonObject j;
    j.add("steps", o.steps)
        .add("seconds", seconds)
        .add("atom_steps_per_second", rate)
        .add("temperature_mean", t_mean)
        .add("energy_per_particle", s.potential_energy / n)
        .add("swap_acceptance", acceptance)
        .add("swap_attempts", static_cast<long long>(s.swap_attempted));
    tlsx::cli::print_json(j.str());
  }
}

const tlsx::cli::Registrar reg{[](CLI::App& app) {
  auto o = std::make_shared<MdOptions>();
  CLI::App* sub = app.add_subcommand("md", "Molecular dynamics (optionally hybrid swap Monte Carlo / MD)");
  sub->add_option("file", o->input, "Input configuration (.data/.lmp, .xyz/.extxyz, .h5)")->required();
  sub->add_option("-o,--output", o->output, "Output configuration (with velocities)")->required();
  sub->add_option("--steps", o->steps, "Number of MD steps")->required()->check(tlsx::cli::non_negative(o->steps));
  sub->add_option("--temperature", o->temperature, "Target temperature (thermostat; initial velocities)")
      ->required()->check(tlsx::cli::positive(o->temperature));
  sub->add_option("--dt", o->dt, "Time step")->check(tlsx::cli::positive(o->dt))->capture_default_str();
  sub->add_option("--thermostat", o->thermostat, "Thermostat")
      ->check(CLI::IsMember({"berendsen", "nose-hoover", "none"}))->capture_default_str();
  sub->add_option("--tau-t", o->tau_t, "Thermostat time constant (default 100 dt)")->check(tlsx::cli::positive(o->tau_t));
  sub->add_option("--swap-every", o->swap_every, "MD steps between swap sweeps (0: no swaps; the paper: 10)")
      ->check(tlsx::cli::non_negative(o->swap_every))->capture_default_str();
  sub->add_option("--swap-attempts", o->swap_attempts, "Swap attempts per sweep (default 1.75 N)")
      ->check(tlsx::cli::non_negative(o->swap_attempts));
  sub->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  sub->add_option("--thermo", o->thermo, "Print a thermo line every K steps (LAMMPS style)")->check(tlsx::cli::non_negative(o->thermo));
  sub->add_option("--model", o->model, "Model file (TOML); default: built-in KA2");
  tlsx::cli::add_backend_options(sub, o->backend, o->threads);
  sub->add_flag("--json", o->json, "Print one JSON object on stdout");
  sub->callback([o] { run_md(*o); });
}};

}  // namespace
