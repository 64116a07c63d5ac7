// Throughput measurements (not tests: disabled, no timing assertions). Run by hand:
//   build/tests_engine --gtest_also_run_disabled_tests --gtest_filter='MdThroughput.*'
// N = 1200 KA2 (the paper's system), one thread; rates per second of process CPU time.
#include <gtest/gtest.h>

#include <ctime>
#include <cstdio>
#include <vector>

#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/core/team.hpp"
#include "tlsx/engine/initial_state.hpp"
#include "tlsx/engine/md.hpp"

namespace {

// Process CPU time: the machine may be shared, so wall time would count other processes' turns.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// A KA2 glass-like state at T = 0.4: random start, overlap removal, melt at T = 1, quench to 0.4.
struct Ka2At04 {
  tlsx::Model model = tlsx::ka2_model();
  tlsx::PairTable table = model.pair_table();
  tlsx::ReplicaBatch batch;
  std::vector<tlsx::MdReplicaState> states{1};
  tlsx::CpuBackend cpu{1};
  tlsx::MdParams p;

  explicit Ka2At04(double skin)
      : batch(1200, 1, tlsx::Box::cubic(model.box_length(1200)), model.pair_table().max_cutoff + skin, skin) {
    tlsx::random_start(batch, 0, model, 7, 0);
    tlsx::remove_overlaps(batch, table, tlsx::OverlapRemovalParams{});
    tlsx::maxwell_boltzmann_velocities(batch, 0, 1.0, 1.0, 7, 0);
    p.dt = 0.0025;
    p.thermostat = tlsx::Thermostat::berendsen;
    p.temperature = 1.0;
    p.tau_t = 0.5;
    cpu.run_md(batch, states, table, p, 2000);
    p.temperature = 0.4;
    cpu.run_md(batch, states, table, p, 2000);
  }
};

TEST(MdThroughput, DISABLED_Ka2N1200BerendsenT04) {
  for (double skin : {0.2, 0.3, 0.4}) {
    Ka2At04 s(skin);
    const int steps = 4000;
    const int builds0 = s.batch.neighbor_builds(0);
    const double t0 = cpu_seconds();
    s.cpu.run_md(s.batch, s.states, s.table, s.p, steps);
    const double t = cpu_seconds() - t0;
    std::printf("skin %.2f: %.3e atom-steps/s (%d steps in %.3f s, %d list builds, T %.3f)\n", skin,
                1200.0 * steps / t, steps, t, s.batch.neighbor_builds(0) - builds0,
                2.0 * s.states[0].kinetic_energy / tlsx::degrees_of_freedom(1200));
  }
}

TEST(MdThroughput, DISABLED_Ka2N1200SwapAttempts) {
  Ka2At04 s(0.3);
  tlsx::MdParams p = s.p;
  p.temperature = 0.5;
  p.swap_every = 1;
  p.swap_attempts = 2100;  // 1.75 N
  const tlsx::ReplicaView v = s.batch.view(0);
  tlsx::build_neighbor_list(tlsx::SerialTeam{}, v);
  const int sweeps = 200;
  tlsx::SwapCounts c;
  const double t0 = cpu_seconds();
  for (int k = 0; k < sweeps; ++k) {
    const tlsx::SwapCounts ck = tlsx::swap_sweep(tlsx::SerialTeam{}, s.table, v, p, 0, k);
    c.attempted += ck.attempted;
    c.accepted += ck.accepted;
  }
  const double t = cpu_seconds() - t0;
  std::printf("swap: %.3e attempts/s (%llu attempts, acceptance %.2e)\n", c.attempted / t,
              static_cast<unsigned long long>(c.attempted), double(c.accepted) / c.attempted);
}

}  // namespace
