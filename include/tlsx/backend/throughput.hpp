#pragma once
// Throughput of the backends on the paper's exploration workload (docs/architecture.md §4), KA2 in FP64 at
// T = 0.4, the figures `tlsx bench` prints (docs/bench.md):
//   md      Berendsen MD, dt = 0.0025, tau_T = 0.5        -> atom-steps/s over all replicas
//   quench  FIRE, CG and L-BFGS from the T = 0.4 states to max |F_i,a| < 1e-10 -> quenches/s
//   swap    swap Monte Carlo sweeps at T = 0.4 (one MD step apart)         -> attempts/s
// Every figure is wall-clock time around one Backend call (copies to and from a device included),
// after an untimed warm-up call on the same backend. This measures; it asserts nothing.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tlsx/core/json.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx {

// How much work one backend does. A CPU is given fewer replicas and steps than an accelerator:
// its rate per replica does not depend on the count once every thread has one.
struct ThroughputSize {
  int replicas = 1;
  int md_steps = 1000;
  int quenches = 1;  // replicas quenched (at most `replicas`)
};

struct ThroughputWorkload {
  int n = 1200;
  ThroughputSize cpu{0, 1000, 0};       // replicas 0: one per CPU thread; quenches 0: all replicas
  ThroughputSize accelerator{512, 1200, 512};
  int threads = 0;              // CPU threads; 0: OpenMP's default
  int swap_attempts = 12000;    // per replica and sweep
  int swap_sweeps = 2;
  int distinct_starts = 16;     // random starts relaxed on the host, shared round-robin by the replicas
  int warmup_steps = 100;       // untimed MD steps at T before the timed run
  double temperature = 0.4;
  double dt = 0.0025;
  double tau_t = 0.5;
  double skin = 0.3;
  std::uint64_t seed = 2023;
  bool quench = true;
};

// One minimiser's quenches of the same starts.
struct QuenchFigures {
  double seconds = 0, quenches_per_s = 0, energy_per_particle = 0;
  double mean_iterations = 0, mean_force_evaluations = 0;
  int converged = 0;
};

struct ThroughputFigures {
  std::string backend, device;
  int replicas = 0, md_steps = 0, quenches = 0;
  double md_seconds = 0, md_atom_steps_per_s = 0, md_energy_per_particle = 0, md_temperature = 0;
  double md_neighbor_builds_per_step = 0;  // list rebuilds per replica and step
  std::array<QuenchFigures, kMinimizeAlgorithms.size()> quench{};  // indexed by MinimizeAlgorithm
  const QuenchFigures& of(MinimizeAlgorithm a) const { return quench[static_cast<int>(a)]; }
  QuenchFigures& of(MinimizeAlgorithm a) { return quench[static_cast<int>(a)]; }
  double swap_seconds = 0, swap_attempts_per_s = 0, swap_acceptance = 0;

  JsonObject json() const;
};

// Validates the workload (tlsx::Error naming the field) and measures each named backend ("cpu",
// "cuda") in turn. A "cuda" without a device is skipped with a notice on stderr and its name
// appended to `skipped`; an unknown name is an Error.
std::vector<ThroughputFigures> measure_throughput(const std::vector<std::string>& backends,
                                                  const ThroughputWorkload& workload,
                                                  std::vector<std::string>* skipped = nullptr);

// `count` replicas of the workload's random starts (overlaps removed on the host, shared round-robin)
// with Maxwell-Boltzmann velocities at T: where every timed run begins.
ReplicaBatch throughput_starts(const Model& model, const ThroughputWorkload& workload, int count);

// The figures as a table on stderr.
void print_throughput_table(const std::vector<ThroughputFigures>& figures, const ThroughputWorkload& workload);

}  // namespace tlsx
