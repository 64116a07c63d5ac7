// A replica that blows up (md_integrator.hpp): caught in the step where it happens, its last good
// step boundary kept, the step named, and the other replicas of the batch unaffected, bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "../common/test_systems.hpp"
#include "test_md_support.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/engine/initial_state.hpp"
#include "tlsx/engine/md.hpp"

namespace {

using tlsx::testing::bitwise_equal;
using tlsx::testing::lattice_batch;

constexpr int kN = 343;

tlsx::MdParams berendsen_md(double dt) {
  tlsx::MdParams p;
  p.dt = dt;
  p.temperature = 0.8;
  p.thermostat = tlsx::Thermostat::berendsen;
  p.tau_t = 100 * dt;
  p.seed = 7;
  return p;
}

// Two replicas of the same glass: replica 1 gets one particle with a velocity that carries it
// farther than half the skin in one step once `kick_after` steps have passed.
struct TwoReplicas {
  tlsx::Model model = tlsx::ka2_model();
  tlsx::PairTable table = model.pair_table();
  tlsx::ReplicaBatch batch = lattice_batch(model, kN, 2, 5u, 0.1);
  std::vector<tlsx::MdReplicaState> states = std::vector<tlsx::MdReplicaState>(2);
  TwoReplicas() {
    for (int r = 0; r < 2; ++r) {
      tlsx::maxwell_boltzmann_velocities(batch, r, 0.8, 1.0, 3u, 0);
      states[r].glass = 0;
    }
  }
};

TEST(MdBlowUp, RunawayParticleStopsItsReplicaAtTheLastGoodStepAndTheOtherGoesOn) {
  const double dt = 0.005;
  const tlsx::MdParams p = berendsen_md(dt);
  tlsx::CpuBackend cpu(1);
  TwoReplicas t;
  cpu.run_md(t.batch, t.states, t.table, p, 40);
  ASSERT_EQ(t.states[0].status, 0);
  ASSERT_EQ(t.states[1].status, 0);
  // Replica 1 is now the same as replica 0; give one particle a speed of 100 (0.5 sigma per step,
  // beyond the skin 0.3): the next step must be caught and undone.
  const std::vector<double> pos_before(t.batch.pos(1), t.batch.pos(1) + 3 * kN);
  t.batch.vel(1)[17] = 100.0;
  const std::vector<double> vel_before(t.batch.vel(1), t.batch.vel(1) + 3 * kN);
  // The reference for replica 0: the same 60 steps in a batch of its own.
  tlsx::ReplicaBatch alone(kN, 1, t.batch.box(), t.batch.list_cutoff(), t.batch.skin());
  alone.copy_replica_from(t.batch, 0, 0);
  std::vector<tlsx::MdReplicaState> alone_states{t.states[0]};
  cpu.run_md(alone, alone_states, t.table, p, 60);

  cpu.run_md(t.batch, t.states, t.table, p, 30);
  EXPECT_EQ(t.states[1].status, tlsx::kMdBlownUp);
  EXPECT_EQ(t.states[1].step, 40u) << "the step counter names the last good boundary";
  EXPECT_TRUE(bitwise_equal(t.batch.pos(1), pos_before.data(), 3 * kN));
  EXPECT_TRUE(bitwise_equal(t.batch.vel(1), vel_before.data(), 3 * kN));
  EXPECT_EQ(t.states[0].status, 0);
  // Later calls leave the blown-up replica where it stopped and advance the other one.
  cpu.run_md(t.batch, t.states, t.table, p, 30);
  EXPECT_EQ(t.states[1].status, tlsx::kMdBlownUp);
  EXPECT_EQ(t.states[1].step, 40u);
  EXPECT_TRUE(bitwise_equal(t.batch.pos(1), pos_before.data(), 3 * kN));
  EXPECT_EQ(t.states[0].step, 100u);
  EXPECT_TRUE(bitwise_equal(t.batch.pos(0), alone.pos(0), 3 * kN)) << "a blown-up neighbour changed replica 0";
  EXPECT_TRUE(bitwise_equal(t.batch.vel(0), alone.vel(0), 3 * kN));
}

TEST(MdBlowUp, TimeStepFarTooLargeIsCaughtBeforeTheEnergyRunsAway) {
  // dt = 0.5 at T = 0.8: thermal speeds of ~1 move particles 0.5 sigma per step; without the check
  // the run ends at <T> ~ 1e47 (issue 13).
  tlsx::CpuBackend cpu(1);
  TwoReplicas t;
  cpu.run_md(t.batch, t.states, t.table, berendsen_md(0.5), 2000);
  for (int r = 0; r < 2; ++r) {
    EXPECT_EQ(t.states[r].status, tlsx::kMdBlownUp) << r;
    EXPECT_LT(t.states[r].step, 5u) << r;
    const double temperature = 2.0 * t.states[r].kinetic_energy / (3.0 * kN - 3.0);
    EXPECT_TRUE(std::isfinite(temperature) && temperature < 5.0) << "last good state: T = " << temperature;
  }
}

TEST(MdBlowUp, StableRunsAreNeverFlagged) {
  // The paper's settings and a hot melt: thousands of steps, no false alarm.
  tlsx::CpuBackend cpu(1);
  TwoReplicas t;
  tlsx::MdParams hot = berendsen_md(0.005);
  hot.temperature = 2.0;
  cpu.run_md(t.batch, t.states, t.table, hot, 3000);
  for (int r = 0; r < 2; ++r) EXPECT_EQ(t.states[r].status, 0) << r;
}

}  // namespace
