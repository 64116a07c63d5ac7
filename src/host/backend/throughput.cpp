#include "tlsx/backend/throughput.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "tlsx/backend/backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/engine/initial_state.hpp"
#include "tlsx/engine/md_params.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

}  // namespace

// Glass id of a replica's velocities = its index.
ReplicaBatch throughput_starts(const Model& model, const ThroughputWorkload& w, int count) {
  const PairTable table = model.pair_table();
  const Box box = Box::cubic(model.box_length(w.n));
  const int distinct = std::max(1, std::min(w.distinct_starts, count));
  ReplicaBatch starts(w.n, distinct, box, table.max_cutoff + w.skin, w.skin);
  for (int u = 0; u < distinct; ++u) random_start(starts, u, model, w.seed, static_cast<std::uint32_t>(u));
  remove_overlaps(starts, table, OverlapRemovalParams{});
  ReplicaBatch batch(w.n, count, box, table.max_cutoff + w.skin, w.skin);
  for (int r = 0; r < count; ++r) {
    batch.copy_replica_from(starts, r % distinct, r);
    maxwell_boltzmann_velocities(batch, r, w.temperature, model.species[0].mass, w.seed, static_cast<std::uint32_t>(r),
                                 RngPurpose::exploration_velocities);
  }
  return batch;
}

namespace {

// The size a backend runs: the CPU's defaults follow its thread count.
ThroughputSize size_for(const std::string& backend, const ThroughputWorkload& w) {
  ThroughputSize s = backend == "cpu" ? w.cpu : w.accelerator;
  if (s.replicas == 0) s.replicas = w.threads > 0 ? w.threads : omp_get_max_threads();
  if (s.quenches == 0 || s.quenches > s.replicas) s.quenches = s.replicas;
  return s;
}

ThroughputFigures measure(Backend& backend, const Model& model, const ThroughputWorkload& w,
                          const ThroughputSize& size) {
  const PairTable table = model.pair_table();
  ThroughputFigures f;
  f.backend = backend.name();
  f.device = backend.device();
  f.replicas = size.replicas;
  f.md_steps = size.md_steps;
  std::fprintf(stderr, "bench: %s (%s): %d replicas of %d particles\n", f.backend.c_str(), f.device.c_str(),
               size.replicas, w.n);

  ReplicaBatch batch = throughput_starts(model, w, size.replicas);
  std::vector<MdReplicaState> states(size.replicas);
  for (int r = 0; r < size.replicas; ++r) states[r].glass = static_cast<std::uint32_t>(r);
  MdParams md;
  md.dt = w.dt;
  md.temperature = w.temperature;
  md.thermostat = Thermostat::berendsen;
  md.tau_t = w.tau_t;
  md.seed = w.seed;
  md.mass = model.species[0].mass;

  // MD: the warm-up also equilibrates the relaxed random starts a little.
  if (w.warmup_steps > 0) backend.run_md(batch, states, table, md, w.warmup_steps);
  for (auto& s : states) s.reset_statistics();
  std::vector<int> builds0(size.replicas);
  for (int r = 0; r < size.replicas; ++r) builds0[r] = batch.neighbor_builds(r);
  Clock::time_point t0 = Clock::now();
  backend.run_md(batch, states, table, md, size.md_steps);
  f.md_seconds = seconds_since(t0);
  f.md_atom_steps_per_s = double(size.replicas) * w.n * size.md_steps / f.md_seconds;
  const double dof = 3.0 * w.n - 3.0;
  for (int r = 0; r < size.replicas; ++r) {
    const MdReplicaState& s = states[r];
    f.md_energy_per_particle += s.potential_energy / w.n / size.replicas;
    f.md_temperature += 2.0 * (s.kinetic_sum / s.kinetic_samples) / dof / size.replicas;
    // Each run_md call builds the list once at entry; the rest are skin/2 rebuilds.
    const int rebuilds = std::max(0, batch.neighbor_builds(r) - builds0[r] - 1);
    f.md_neighbor_builds_per_step += double(rebuilds) / size.md_steps / size.replicas;
  }

  // Quenches from the T = 0.4 states (copies: the swap run starts from the same states).
  if (w.quench && size.quenches > 0) {
    f.quenches = size.quenches;
    for (MinimizeAlgorithm algorithm : kMinimizeAlgorithms) {
      ReplicaBatch q(w.n, size.quenches, batch.box(), batch.list_cutoff(), batch.skin());
      for (int r = 0; r < size.quenches; ++r) q.copy_replica_from(batch, r, r);
      MinimizeParams p;
      p.algorithm = algorithm;
      p.force_tolerance = 1e-10;
      t0 = Clock::now();
      const std::vector<MinimizeResult> res = backend.minimize(q, table, p);
      const double seconds = seconds_since(t0);
      QuenchFigures& qf = f.of(algorithm);
      qf.seconds = seconds;
      qf.quenches_per_s = size.quenches / seconds;
      for (const MinimizeResult& m : res) {
        qf.converged += m.converged() ? 1 : 0;
        qf.energy_per_particle += m.energy / w.n / size.quenches;
        qf.mean_iterations += double(m.iterations) / size.quenches;
        qf.mean_force_evaluations += double(m.force_evaluations) / size.quenches;
      }
    }
  }

  // Swap Monte Carlo: sweeps of swap_attempts attempts, one MD step apart.
  if (w.swap_attempts > 0 && w.swap_sweeps > 0) {
    MdParams sw = md;
    sw.swap_every = 1;
    sw.swap_attempts = w.swap_attempts;
    for (auto& s : states) s.reset_statistics();
    t0 = Clock::now();
    backend.run_md(batch, states, table, sw, w.swap_sweeps);
    f.swap_seconds = seconds_since(t0);
    double attempted = 0, accepted = 0;
    for (const MdReplicaState& s : states) {
      attempted += double(s.swap_attempted);
      accepted += double(s.swap_accepted);
    }
    f.swap_attempts_per_s = attempted / f.swap_seconds;
    f.swap_acceptance = attempted > 0 ? accepted / attempted : 0.0;
  }
  return f;
}

void check_size(const ThroughputSize& s, const std::string& prefix) {
  if (s.replicas < 0) throw Error("--" + prefix + "replicas must be >= 1 (0: one per CPU thread)");
  if (s.md_steps < 1) throw Error("--" + prefix + "md-steps must be >= 1");
  if (s.quenches < 0) throw Error("--" + prefix + "quenches must be >= 0");
}

std::string format_rate(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

}  // namespace

JsonObject ThroughputFigures::json() const {
  JsonObject j;
  j.add("backend", backend).add("device", device).add("replicas", replicas).add("md_steps", md_steps);
  j.add("md_atom_steps_per_s", md_atom_steps_per_s).add("md_seconds", md_seconds);
  j.add("md_energy_per_particle", md_energy_per_particle).add("md_temperature", md_temperature);
  j.add("md_neighbor_builds_per_step", md_neighbor_builds_per_step);
  j.add("quenches", quenches);
  for (MinimizeAlgorithm a : kMinimizeAlgorithms) {
    const std::string name = minimize_algorithm_name(a);
    const QuenchFigures& q = of(a);
    j.add(name + "_quenches_per_s", q.quenches_per_s).add(name + "_seconds", q.seconds);
    j.add(name + "_converged", q.converged).add(name + "_mean_iterations", q.mean_iterations);
    j.add(name + "_mean_force_evaluations", q.mean_force_evaluations);
    j.add(name + "_energy_per_particle", q.energy_per_particle);
  }
  j.add("swap_attempts_per_s", swap_attempts_per_s).add("swap_seconds", swap_seconds);
  j.add("swap_acceptance", swap_acceptance);
  return j;
}

std::vector<ThroughputFigures> measure_throughput(const std::vector<std::string>& backends,
                                                  const ThroughputWorkload& w, std::vector<std::string>* skipped) {
  if (w.n < 2) throw Error("--n must be >= 2");
  check_size(w.cpu, "cpu-");
  check_size(w.accelerator, "");
  if (w.threads < 0) throw Error("--threads must be >= 0");
  if (w.swap_attempts < 0 || w.swap_sweeps < 0) throw Error("--swap-attempts and --swap-sweeps must be >= 0");
  if (w.warmup_steps < 0) throw Error("--warmup-steps must be >= 0");
  if (!(w.temperature > 0) || !(w.dt > 0) || !(w.tau_t > 0) || !(w.skin > 0))
    throw Error("bench: temperature, dt, tau_T and skin must be > 0");
  for (const std::string& name : backends)
    if (name != "cpu" && name != "cuda") throw Error("--backends: expected cpu or cuda, got '" + name + "'");

  const Model model = ka2_model();
  std::vector<ThroughputFigures> out;
  for (const std::string& name : backends) {
    if (name == "cuda" && cuda_device_count() == 0) {
      std::fprintf(stderr, "bench: skipping cuda: %s\n", describe_backends().c_str());
      if (skipped) skipped->push_back(name);
      continue;
    }
    const std::unique_ptr<Backend> backend = make_backend(name, w.threads);
    out.push_back(measure(*backend, model, w, size_for(name, w)));
  }
  return out;
}

void print_throughput_table(const std::vector<ThroughputFigures>& all, const ThroughputWorkload& w) {
  std::fprintf(stderr,
               "\nKA2 N=%d FP64, T=%.2f: MD Berendsen dt=%g tau_T=%g skin=%g; quench to max|F|<1e-10; swap MC\n", w.n,
               w.temperature, w.dt, w.tau_t, w.skin);
  std::fprintf(stderr, "%-7s %8s %16s %14s %14s %15s %16s %10s %10s %8s\n", "backend", "replicas",
               "MD atom-steps/s", "FIRE quench/s", "CG quench/s", "LBFGS quench/s", "swap attempts/s", "e/N (MD)",
               "e_IS/N (CG)", "T (MD)");
  for (const ThroughputFigures& f : all)
    std::fprintf(stderr, "%-7s %8d %16s %14s %14s %15s %16s %10.4f %10.4f %8.4f\n", f.backend.c_str(), f.replicas,
                 format_rate(f.md_atom_steps_per_s).c_str(),
                 format_rate(f.of(MinimizeAlgorithm::fire).quenches_per_s).c_str(),
                 format_rate(f.of(MinimizeAlgorithm::cg).quenches_per_s).c_str(),
                 format_rate(f.of(MinimizeAlgorithm::lbfgs).quenches_per_s).c_str(),
                 format_rate(f.swap_attempts_per_s).c_str(), f.md_energy_per_particle,
                 f.of(MinimizeAlgorithm::cg).energy_per_particle, f.md_temperature);
  for (const ThroughputFigures& f : all) {
    std::fprintf(stderr, "  %s: %s; MD %d steps %.2f s (%.3f list builds/step), swaps %.2f s (acceptance %.4f)\n",
                 f.backend.c_str(), f.device.c_str(), f.md_steps, f.md_seconds, f.md_neighbor_builds_per_step,
                 f.swap_seconds, f.swap_acceptance);
    for (MinimizeAlgorithm a : kMinimizeAlgorithms) {
      const QuenchFigures& q = f.of(a);
      std::fprintf(stderr, "    %-5s %.2f s, %d/%d converged, %.0f iterations, %.0f force evaluations, e_IS/N %.4f\n",
                   minimize_algorithm_name(a), q.seconds, q.converged, f.quenches, q.mean_iterations,
                   q.mean_force_evaluations, q.energy_per_particle);
    }
  }
}

}  // namespace tlsx
