// Forces, energy and virial from the neighbour-list engine against an independent all-pairs
// float64 evaluation and against finite differences of the energy.
#include <gtest/gtest.h>

#include <cmath>

#include "../common/test_systems.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/core/team.hpp"
#include "tlsx/engine/forces.hpp"
#include "tlsx/engine/neighbor_list.hpp"

namespace {

using tlsx::testing::direct_sum;
using tlsx::testing::lattice_batch;

// The GPU's code path (every worker sums its own whole row) run serially on the CPU.
struct FullRowTeam : tlsx::SerialTeam {
  static constexpr bool scatter_safe = false;
};

TEST(Forces, MatchDirectAllPairsSum) {
  const tlsx::Model model = tlsx::ka2_model();
  for (int n : {343, 1000}) {  // all-pairs list (3 cells) and cell grid (4 cells per axis)
    tlsx::ReplicaBatch batch = lattice_batch(model, n, 1, 11u);
    tlsx::CpuBackend cpu(1);
    const tlsx::ForceResult fr = cpu.forces(batch, model.pair_table())[0];
    const auto ref = direct_sum(model, batch.box(), batch.pos(0), batch.species(0), n);
    EXPECT_NEAR(fr.energy, ref.energy, 1e-11 * std::fabs(ref.energy)) << n;
    EXPECT_NEAR(fr.virial, ref.virial, 1e-11 * std::fabs(ref.virial)) << n;
    double scale = 0;
    for (double f : ref.force) scale = std::max(scale, std::fabs(f));
    for (int k = 0; k < 3 * n; ++k) ASSERT_NEAR(batch.force(0)[k], ref.force[k], 1e-11 * scale) << k;
  }
}

TEST(Forces, FullRowPathMatchesHalfListPath) {
  const tlsx::Model model = tlsx::ka2_model();
  tlsx::ReplicaBatch batch = lattice_batch(model, 1000, 1, 5u);
  const tlsx::PairTable table = model.pair_table();
  const tlsx::ReplicaView v = batch.view(0);
  tlsx::build_neighbor_list(tlsx::SerialTeam{}, v);
  const tlsx::ForceResult half = tlsx::compute_forces(tlsx::SerialTeam{}, table, v);
  std::vector<double> f_half(v.force, v.force + 3000);
  const tlsx::ForceResult full = tlsx::compute_forces(FullRowTeam{}, table, v);
  EXPECT_NEAR(full.energy, half.energy, 1e-12 * std::fabs(half.energy));
  EXPECT_NEAR(full.virial, half.virial, 1e-12 * std::fabs(half.virial));
  for (int k = 0; k < 3000; ++k) ASSERT_NEAR(v.force[k], f_half[k], 1e-10) << k;
}

TEST(Forces, AreMinusGradientByFiniteDifferences) {
  const tlsx::Model model = tlsx::ka2_model();
  tlsx::ReplicaBatch batch = lattice_batch(model, 343, 1, 3u);
  const tlsx::PairTable table = model.pair_table();
  tlsx::CpuBackend cpu(1);
  cpu.forces(batch, table);
  const std::vector<double> f(batch.force(0), batch.force(0) + 3 * 343);
  const double h = 1e-6;
  for (int k : {0, 17, 343 + 100, 2 * 343 + 342, 500}) {
    const double x0 = batch.pos(0)[k];
    batch.pos(0)[k] = x0 + h;
    const double ep = cpu.forces(batch, table)[0].energy;
    batch.pos(0)[k] = x0 - h;
    const double em = cpu.forces(batch, table)[0].energy;
    batch.pos(0)[k] = x0;
    EXPECT_NEAR(f[k], -(ep - em) / (2 * h), 1e-5 * std::max(1.0, std::fabs(f[k]))) << k;
  }
}

TEST(NeighborList, RebuildTriggersOnlyBeyondHalfSkin) {
  const tlsx::Model model = tlsx::ka2_model();
  tlsx::ReplicaBatch batch = lattice_batch(model, 343, 1, 3u);
  const tlsx::ReplicaView v = batch.view(0);
  const tlsx::SerialTeam team;
  tlsx::build_neighbor_list(team, v);
  const int builds = batch.neighbor_builds(0);
  batch.pos(0)[5] += 0.149;  // < skin/2 = 0.15
  EXPECT_FALSE(tlsx::update_neighbor_list(team, v));
  batch.pos(0)[5] += 0.002;
  EXPECT_TRUE(tlsx::update_neighbor_list(team, v));
  EXPECT_EQ(batch.neighbor_builds(0), builds + 1);
}

TEST(NeighborList, OverflowGrowsCapacityAndGivesExactForces) {
  const tlsx::Model model = tlsx::ka2_model();
  // Compress the lattice into one corner so rows overflow the default capacity.
  tlsx::ReplicaBatch batch = lattice_batch(model, 343, 1, 9u);
  for (int k = 0; k < 3 * 343; ++k) batch.pos(0)[k] *= 0.45;
  const int before = batch.neighbor_capacity();
  tlsx::CpuBackend cpu(1);
  const tlsx::ForceResult fr = cpu.forces(batch, model.pair_table())[0];
  EXPECT_GT(batch.neighbor_capacity(), before);
  const auto ref = direct_sum(model, batch.box(), batch.pos(0), batch.species(0), 343);
  EXPECT_NEAR(fr.energy, ref.energy, 1e-10 * std::fabs(ref.energy));
}

}  // namespace
