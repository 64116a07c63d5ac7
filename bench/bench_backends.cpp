// Throughput of the backends on the paper's exploration workload (DESIGN.md §4), side by side in one
// run: KA2, N = 1200, FP64, T = 0.4.
//   md      Berendsen MD, dt = 0.0025, tau_T = 0.5          -> atom-steps/s over all replicas
//   quench  FIRE and CG from the T = 0.4 states to max |F_i,a| < 1e-10      -> quenches/s
//   swap    swap Monte Carlo attempts at T = 0.4 (one MD step per sweep)   -> attempts/s
// Every figure is wall-clock time around one Backend call (copies to and from the device
// included), after an untimed warm-up call on the same backend. The CPU runs fewer replicas and
// steps (its throughput per replica does not depend on the count once every thread has one).
//
//   bench_backends [--backends cpu,cuda] [--replicas 512] [--n 1200] [--md-steps 1200] ...
// prints a table on stderr and, with --json, one JSON object on stdout.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tlsx/backend/backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/engine/initial_state.hpp"
#include "tlsx/engine/md_params.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/model/model.hpp"

namespace {

struct Workload {
  int n = 1200;
  int replicas = 512;       // per accelerator run
  int md_steps = 1200;
  int quenches = 512;       // replicas quenched (<= replicas)
  int swap_attempts = 12000;  // per replica and sweep
  int swap_sweeps = 2;
  // CPU: fewer replicas and steps.
  int cpu_replicas = 32;
  int cpu_md_steps = 200;
  int cpu_quenches = 16;
  int threads = 0;          // CPU threads; 0: OpenMP's default
  int distinct_starts = 16; // random starts relaxed on the host, shared round-robin by the replicas
  double temperature = 0.4;
  double dt = 0.0025;
  std::uint64_t seed = 2023;
  bool skip_quench = false;
};

constexpr double kSkin = 0.3;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// `count` replicas: distinct random starts with overlaps removed (on the host), assigned round-robin,
// each with its own Maxwell-Boltzmann velocities at T (glass id = replica index).
tlsx::ReplicaBatch starting_batch(const tlsx::Model& model, const Workload& w, int count) {
  const tlsx::PairTable table = model.pair_table();
  const tlsx::Box box = tlsx::Box::cubic(model.box_length(w.n));
  const int distinct = std::max(1, std::min(w.distinct_starts, count));
  tlsx::ReplicaBatch starts(w.n, distinct, box, table.max_cutoff + kSkin, kSkin);
  for (int u = 0; u < distinct; ++u) tlsx::random_start(starts, u, model, w.seed, static_cast<std::uint32_t>(u));
  tlsx::remove_overlaps(starts, table, tlsx::OverlapRemovalParams{});
  tlsx::ReplicaBatch batch(w.n, count, box, table.max_cutoff + kSkin, kSkin);
  for (int r = 0; r < count; ++r) {
    batch.copy_replica_from(starts, r % distinct, r);
    tlsx::maxwell_boltzmann_velocities(batch, r, w.temperature, 1.0, w.seed, static_cast<std::uint32_t>(r),
                                       tlsx::RngPurpose::exploration_velocities);
  }
  return batch;
}

struct Figures {
  std::string backend, device;
  int replicas = 0;
  double md_atom_steps_per_s = 0, md_seconds = 0, md_energy_per_particle = 0, md_temperature = 0;
  double fire_quenches_per_s = 0, fire_seconds = 0, fire_energy_per_particle = 0;
  double cg_quenches_per_s = 0, cg_seconds = 0, cg_energy_per_particle = 0;
  int fire_converged = 0, cg_converged = 0, quenches = 0;
  double fire_iterations = 0, cg_force_evaluations = 0;
  double swap_attempts_per_s = 0, swap_seconds = 0, swap_acceptance = 0;

  tlsx::JsonObject json() const {
    tlsx::JsonObject j;
    j.add("backend", backend).add("device", device).add("replicas", replicas);
    j.add("md_atom_steps_per_s", md_atom_steps_per_s).add("md_seconds", md_seconds);
    j.add("md_energy_per_particle", md_energy_per_particle).add("md_temperature", md_temperature);
    j.add("quenches", quenches);
    j.add("fire_quenches_per_s", fire_quenches_per_s).add("fire_seconds", fire_seconds);
    j.add("fire_converged", fire_converged).add("fire_mean_iterations", fire_iterations);
    j.add("fire_energy_per_particle", fire_energy_per_particle);
    j.add("cg_quenches_per_s", cg_quenches_per_s).add("cg_seconds", cg_seconds);
    j.add("cg_converged", cg_converged).add("cg_mean_force_evaluations", cg_force_evaluations);
    j.add("cg_energy_per_particle", cg_energy_per_particle);
    j.add("swap_attempts_per_s", swap_attempts_per_s).add("swap_seconds", swap_seconds);
    j.add("swap_acceptance", swap_acceptance);
    return j;
  }
};

Figures measure(tlsx::Backend& backend, const tlsx::Model& model, const Workload& w, bool cpu) {
  const tlsx::PairTable table = model.pair_table();
  const int replicas = cpu ? w.cpu_replicas : w.replicas;
  const int md_steps = cpu ? w.cpu_md_steps : w.md_steps;
  const int quenches = std::min(replicas, cpu ? w.cpu_quenches : w.quenches);
  Figures f;
  f.backend = backend.name();
  f.device = backend.device();
  f.replicas = replicas;
  std::fprintf(stderr, "bench: %s (%s): %d replicas of %d\n", f.backend.c_str(), f.device.c_str(), replicas, w.n);

  tlsx::ReplicaBatch batch = starting_batch(model, w, replicas);
  std::vector<tlsx::MdReplicaState> states(replicas);
  for (int r = 0; r < replicas; ++r) states[r].glass = static_cast<std::uint32_t>(r);
  tlsx::MdParams md;
  md.dt = w.dt;
  md.temperature = w.temperature;
  md.thermostat = tlsx::Thermostat::berendsen;
  md.tau_t = 0.5;
  md.seed = w.seed;

  // MD: warm-up (also equilibrates the relaxed random starts a little), then the timed run.
  backend.run_md(batch, states, table, md, 100);
  for (auto& s : states) s.reset_statistics();
  auto t0 = std::chrono::steady_clock::now();
  backend.run_md(batch, states, table, md, md_steps);
  f.md_seconds = seconds_since(t0);
  f.md_atom_steps_per_s = double(replicas) * w.n * md_steps / f.md_seconds;
  for (const auto& s : states) {
    f.md_energy_per_particle += s.potential_energy / w.n / replicas;
    f.md_temperature += 2.0 * (s.kinetic_sum / s.kinetic_samples) / (3.0 * w.n - 3.0) / replicas;
  }

  // Quenches from the T = 0.4 states (copies, so that the swap run starts from the same states).
  if (!w.skip_quench && quenches > 0) {
    f.quenches = quenches;
    for (tlsx::MinimizeAlgorithm algorithm : {tlsx::MinimizeAlgorithm::fire, tlsx::MinimizeAlgorithm::cg}) {
      tlsx::ReplicaBatch q(w.n, quenches, batch.box(), batch.list_cutoff(), batch.skin());
      for (int r = 0; r < quenches; ++r) q.copy_replica_from(batch, r, r);
      tlsx::MinimizeParams p;
      p.algorithm = algorithm;
      p.force_tolerance = 1e-10;
      t0 = std::chrono::steady_clock::now();
      const std::vector<tlsx::MinimizeResult> res = backend.minimize(q, table, p);
      const double seconds = seconds_since(t0);
      int converged = 0;
      double energy = 0, work = 0;
      for (const auto& m : res) {
        converged += m.converged() ? 1 : 0;
        energy += m.energy / w.n / quenches;
        work += double(algorithm == tlsx::MinimizeAlgorithm::fire ? m.iterations : m.force_evaluations) / quenches;
      }
      if (algorithm == tlsx::MinimizeAlgorithm::fire) {
        f.fire_seconds = seconds;
        f.fire_quenches_per_s = quenches / seconds;
        f.fire_converged = converged;
        f.fire_energy_per_particle = energy;
        f.fire_iterations = work;
      } else {
        f.cg_seconds = seconds;
        f.cg_quenches_per_s = quenches / seconds;
        f.cg_converged = converged;
        f.cg_energy_per_particle = energy;
        f.cg_force_evaluations = work;
      }
    }
  }

  // Swap Monte Carlo: sweeps of swap_attempts attempts, one MD step apart.
  if (w.swap_attempts > 0 && w.swap_sweeps > 0) {
    tlsx::MdParams sw = md;
    sw.swap_every = 1;
    sw.swap_attempts = w.swap_attempts;
    for (auto& s : states) s.reset_statistics();
    t0 = std::chrono::steady_clock::now();
    backend.run_md(batch, states, table, sw, w.swap_sweeps);
    f.swap_seconds = seconds_since(t0);
    double attempted = 0, accepted = 0;
    for (const auto& s : states) {
      attempted += s.swap_attempted;
      accepted += s.swap_accepted;
    }
    f.swap_attempts_per_s = attempted / f.swap_seconds;
    f.swap_acceptance = attempted > 0 ? accepted / attempted : 0.0;
  }
  return f;
}

std::string format_rate(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

void print_table(const std::vector<Figures>& all, const Workload& w) {
  std::fprintf(stderr, "\nKA2 N=%d FP64, T=%.2f: MD Berendsen dt=%g; quench to max|F|<1e-10; swap MC\n", w.n,
               w.temperature, w.dt);
  std::fprintf(stderr, "%-6s %9s %16s %14s %14s %16s %10s %10s %10s\n", "backend", "replicas", "MD atom-steps/s",
               "FIRE quench/s", "CG quench/s", "swap attempts/s", "e/N (MD)", "e_IS/N", "T (MD)");
  for (const Figures& f : all)
    std::fprintf(stderr, "%-7s %9d %16s %14s %14s %16s %10.4f %10.4f %10.4f\n", f.backend.c_str(), f.replicas,
                 format_rate(f.md_atom_steps_per_s).c_str(), format_rate(f.fire_quenches_per_s).c_str(),
                 format_rate(f.cg_quenches_per_s).c_str(), format_rate(f.swap_attempts_per_s).c_str(),
                 f.md_energy_per_particle, f.cg_energy_per_particle, f.md_temperature);
  for (const Figures& f : all)
    std::fprintf(stderr, "  %s: %s; MD %.2fs, FIRE %.2fs (%d/%d converged), CG %.2fs (%d/%d converged), swaps %.2fs "
                 "(acceptance %.4f)\n",
                 f.backend.c_str(), f.device.c_str(), f.md_seconds, f.fire_seconds, f.fire_converged, f.quenches,
                 f.cg_seconds, f.cg_converged, f.quenches, f.swap_seconds, f.swap_acceptance);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_backends: MD, quench and swap throughput of the tlsx backends on KA2"};
  Workload w;
  std::string backends = "cpu,cuda";
  bool json = false;
  app.add_option("--backends", backends, "Comma-separated backends to measure (cpu, cuda)")->capture_default_str();
  app.add_option("--n", w.n, "Particles per replica")->capture_default_str();
  app.add_option("--replicas", w.replicas, "Replicas on the accelerator")->capture_default_str();
  app.add_option("--md-steps", w.md_steps, "Timed MD steps on the accelerator")->capture_default_str();
  app.add_option("--quenches", w.quenches, "Replicas quenched on the accelerator")->capture_default_str();
  app.add_option("--swap-attempts", w.swap_attempts, "Swap attempts per replica and sweep")->capture_default_str();
  app.add_option("--swap-sweeps", w.swap_sweeps, "Swap sweeps (one MD step apart)")->capture_default_str();
  app.add_option("--cpu-replicas", w.cpu_replicas, "Replicas on the CPU")->capture_default_str();
  app.add_option("--cpu-md-steps", w.cpu_md_steps, "Timed MD steps on the CPU")->capture_default_str();
  app.add_option("--cpu-quenches", w.cpu_quenches, "Replicas quenched on the CPU")->capture_default_str();
  app.add_option("--threads", w.threads, "CPU threads (0: OpenMP's default)")->capture_default_str();
  app.add_option("--distinct-starts", w.distinct_starts, "Random starts shared by the replicas")->capture_default_str();
  app.add_option("--seed", w.seed, "Random seed")->capture_default_str();
  app.add_flag("--no-quench", w.skip_quench, "Skip the quench measurements");
  app.add_flag("--json", json, "Print one JSON object on stdout");
  CLI11_PARSE(app, argc, argv);

  try {
    if (w.n < 2 || w.replicas < 1 || w.cpu_replicas < 1 || w.md_steps < 1 || w.cpu_md_steps < 1)
      throw tlsx::Error("--n must be >= 2; --replicas, --cpu-replicas, --md-steps, --cpu-md-steps >= 1");
    const tlsx::Model model = tlsx::ka2_model();
    std::vector<Figures> all;
    std::vector<std::string> skipped;
    std::stringstream list(backends);
    for (std::string name; std::getline(list, name, ',');) {
      if (name.empty()) continue;
      if (name != "cpu" && name != "cuda") throw tlsx::Error("--backends: expected cpu or cuda, got '" + name + "'");
      if (name == "cuda" && tlsx::cuda_device_count() == 0) {
        std::fprintf(stderr, "bench: skipping cuda: %s\n", tlsx::cuda_device_name(-1).c_str());
        skipped.push_back(name);
        continue;
      }
      const std::unique_ptr<tlsx::Backend> backend = tlsx::make_backend(name, w.threads);
      all.push_back(measure(*backend, model, w, name == "cpu"));
    }
    print_table(all, w);
    if (json) {
      std::vector<tlsx::JsonObject> rows;
      for (const Figures& f : all) rows.push_back(f.json());
      tlsx::JsonObject out;
      out.add("program", "bench_backends").add("version", TLSX_VERSION).add("backends_compiled", tlsx::describe_backends());
      out.add("n", w.n).add("temperature", w.temperature).add("dt", w.dt).add("md_steps", w.md_steps);
      out.add("cpu_md_steps", w.cpu_md_steps).add("swap_attempts_per_sweep", w.swap_attempts);
      out.add("results", rows);
      std::string names = "[";
      for (std::size_t k = 0; k < skipped.size(); ++k) names += (k ? "," : "") + tlsx::JsonObject::quote(skipped[k]);
      out.raw("skipped", names + "]");
      std::printf("%s\n", out.str().c_str());
    }
  } catch (const tlsx::Error& e) {
    std::fprintf(stderr, "bench_backends: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
