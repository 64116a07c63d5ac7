// Reproducibility of md_run (md.hpp contract): a glass's trajectory is a function of its state and
// (seed, glass) only, bitwise, however the run is split into calls, whatever the batch around it,
// and whether or not a neighbour-list overflow interrupted it.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "../common/test_systems.hpp"
#include "test_md_support.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/core/team.hpp"
#include "tlsx/engine/initial_state.hpp"
#include "tlsx/engine/md.hpp"
#include "tlsx/engine/md_params_check.hpp"

namespace {

using tlsx::testing::bitwise_equal;
using tlsx::testing::lattice_batch;
using tlsx::testing::OwnedReplica;

constexpr int kN = 343;
constexpr unsigned kSeed = 41u;

tlsx::MdParams swap_md(tlsx::Thermostat thermostat) {
  tlsx::MdParams p;
  p.dt = 0.005;
  p.temperature = 0.8;
  p.thermostat = thermostat;
  p.tau_t = 0.2;
  p.swap_every = 10;
  p.swap_attempts = 300;
  p.seed = 12345;
  return p;
}

// Replica r of the batch, with velocities of glass `glass`.
void thermalise(tlsx::ReplicaBatch& batch, int r, std::uint32_t glass) {
  tlsx::maxwell_boltzmann_velocities(batch, r, 1.2, 1.0, kSeed, glass);
}

void expect_same_state(const tlsx::MdReplicaState& a, const tlsx::MdReplicaState& b) {
  EXPECT_EQ(a.step, b.step);
  EXPECT_EQ(a.swap_sweeps, b.swap_sweeps);
  EXPECT_EQ(a.swap_attempted, b.swap_attempted);
  EXPECT_EQ(a.swap_accepted, b.swap_accepted);
  EXPECT_EQ(a.kinetic_samples, b.kinetic_samples);
  EXPECT_TRUE(bitwise_equal(&a.kinetic_sum, &b.kinetic_sum, 1));
  EXPECT_TRUE(bitwise_equal(a.nhc_position, b.nhc_position, tlsx::kNoseHooverChain));
  EXPECT_TRUE(bitwise_equal(a.nhc_velocity, b.nhc_velocity, tlsx::kNoseHooverChain));
  EXPECT_TRUE(bitwise_equal(&a.potential_energy, &b.potential_energy, 1));
  EXPECT_TRUE(bitwise_equal(&a.kinetic_energy, &b.kinetic_energy, 1));
  EXPECT_TRUE(bitwise_equal(&a.virial, &b.virial, 1));
}

void expect_same_replica(const tlsx::ReplicaBatch& a, int ra, const tlsx::ReplicaBatch& b, int rb) {
  const int n = a.n();
  EXPECT_TRUE(bitwise_equal(a.pos(ra), b.pos(rb), 3 * n));
  EXPECT_TRUE(bitwise_equal(a.vel(ra), b.vel(rb), 3 * n));
  EXPECT_TRUE(std::equal(a.species(ra), a.species(ra) + n, b.species(rb)));
}

TEST(MdResume, SplitCallsGiveBitwiseSameTrajectory) {
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::PairTable table = model.pair_table();
  tlsx::CpuBackend cpu(1);
  for (tlsx::Thermostat th : {tlsx::Thermostat::none, tlsx::Thermostat::berendsen, tlsx::Thermostat::nose_hoover}) {
    SCOPED_TRACE(static_cast<int>(th));
    const tlsx::MdParams p = swap_md(th);
    tlsx::ReplicaBatch whole = lattice_batch(model, kN, 1, kSeed), split = whole;
    thermalise(whole, 0, 5);
    thermalise(split, 0, 5);
    std::vector<tlsx::MdReplicaState> sw(1), ss(1);
    sw[0].glass = ss[0].glass = 5;
    cpu.run_md(whole, sw, table, p, 250);
    // Splits inside blocks, at block ends (where a sweep is due) and of zero length.
    for (int steps : {1, 13, 6, 0, 30, 100, 100}) cpu.run_md(split, ss, table, p, steps);
    ASSERT_EQ(sw[0].step, 250u);
    EXPECT_EQ(sw[0].swap_sweeps, 25u);
    EXPECT_GT(sw[0].swap_accepted, 0u);  // the swaps did change species
    expect_same_replica(whole, 0, split, 0);
    EXPECT_TRUE(bitwise_equal(whole.force(0), split.force(0), 3 * kN));
    expect_same_state(sw[0], ss[0]);
  }
}

TEST(MdResume, GlassIsIndependentOfItsBatch) {
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::PairTable table = model.pair_table();
  const tlsx::MdParams p = swap_md(tlsx::Thermostat::nose_hoover);
  // Four glasses on two threads; replica r starts from lattice seed kSeed + 7919 r.
  tlsx::ReplicaBatch four = lattice_batch(model, kN, 4, kSeed);
  std::vector<tlsx::MdReplicaState> s4(4);
  for (int r = 0; r < 4; ++r) {
    s4[r].glass = 20 + r;
    thermalise(four, r, s4[r].glass);
  }
  tlsx::CpuBackend(2).run_md(four, s4, table, p, 120);
  // Glass 23 alone.
  tlsx::ReplicaBatch one = lattice_batch(model, kN, 1, kSeed + 7919u * 3);
  std::vector<tlsx::MdReplicaState> s1(1);
  s1[0].glass = 23;
  thermalise(one, 0, 23);
  tlsx::CpuBackend(1).run_md(one, s1, table, p, 120);
  expect_same_replica(four, 3, one, 0);
  expect_same_state(s4[3], s1[0]);
  // and the glasses do differ from each other
  EXPECT_FALSE(bitwise_equal(four.pos(2), four.pos(3), 3 * kN));
}

// A replica whose neighbour rows hold exactly the longest row at the start overflows as soon as a
// rebuild finds a longer one. md_run must return at the boundary before the failed step, and the
// run, resumed after each growth, must end bitwise where the uninterrupted run ends.
TEST(MdResume, OverflowReturnsAtStepBoundaryAndResumesBitwise) {
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::PairTable table = model.pair_table();
  const tlsx::SerialTeam team;
  const int steps = 300;
  for (tlsx::Thermostat th : {tlsx::Thermostat::berendsen, tlsx::Thermostat::nose_hoover}) {
    SCOPED_TRACE(static_cast<int>(th));
    const tlsx::MdParams p = swap_md(th);
    tlsx::ReplicaBatch batch = lattice_batch(model, kN, 1, kSeed);
    thermalise(batch, 0, 7);
    // Reference, one step per call (bitwise the same as one call: SplitCalls...), keeping every step.
    OwnedReplica reference(batch, 0, kN - 1);
    tlsx::MdReplicaState rs;
    rs.glass = 7;
    std::vector<std::vector<double>> pos_at{reference.pos}, vel_at{reference.vel};
    for (int k = 1; k <= steps; ++k) {
      tlsx::md_run(team, table, reference.view(), p, rs, k);
      ASSERT_EQ(rs.status, 0);
      pos_at.push_back(reference.pos);
      vel_at.push_back(reference.vel);
    }

    OwnedReplica tight(batch, 0, kN - 1);
    tlsx::build_neighbor_list(team, tight.view());
    tight.set_capacity(*std::max_element(tight.count.begin(), tight.count.end()));
    tlsx::MdReplicaState ts;
    ts.glass = 7;
    int overflows = 0, overflows_mid_run = 0;
    while (ts.step < static_cast<std::uint64_t>(steps)) {
      tlsx::md_run(team, table, tight.view(), p, ts, steps);
      if (ts.status == 0) break;
      ASSERT_EQ(ts.status, 1);
      ++overflows;
      if (ts.step > 0) ++overflows_mid_run;
      // Returned at a step boundary of the uninterrupted trajectory.
      EXPECT_TRUE(bitwise_equal(tight.pos.data(), pos_at[ts.step].data(), 3 * kN)) << ts.step;
      EXPECT_TRUE(bitwise_equal(tight.vel.data(), vel_at[ts.step].data(), 3 * kN)) << ts.step;
      tight.status[0] = 0;
      tight.set_capacity(tight.capacity + 1);
    }
    std::printf("%d overflows (%d after the first step), final capacity %d\n", overflows, overflows_mid_run,
                tight.capacity);
    EXPECT_GE(overflows_mid_run, 1);
    EXPECT_EQ(ts.step, static_cast<std::uint64_t>(steps));
    EXPECT_TRUE(bitwise_equal(tight.pos.data(), reference.pos.data(), 3 * kN));
    EXPECT_TRUE(bitwise_equal(tight.vel.data(), reference.vel.data(), 3 * kN));
    EXPECT_TRUE(bitwise_equal(tight.force.data(), reference.force.data(), 3 * kN));
    EXPECT_EQ(tight.species, reference.species);
    expect_same_state(ts, rs);
  }
}

// Both ways of building the list (cell grid: boxes of four or more cells per axis; all pairs)
// give the same rows, each part in ascending order, so forces and swap energies cannot depend on
// which one ran or where.
TEST(NeighborList, CellGridAndAllPairsGiveTheSameSortedRows) {
  const tlsx::Model model = tlsx::ka2_model();
  const int n = 2744;  // L = 12.6: four cells of 3.15 per axis
  tlsx::ReplicaBatch batch = lattice_batch(model, n, 1, 3u, 0.4);
  OwnedReplica cells(batch, 0, 200), all_pairs(batch, 0, 200);
  all_pairs.cells = 1;  // a grid of 64 cells no longer fits: cell_grid_for falls back to all pairs
  ASSERT_EQ(tlsx::cell_grid_for(batch.box(), batch.list_cutoff(), cells.cells).total(), 64);
  tlsx::build_neighbor_list(tlsx::SerialTeam{}, cells.view());
  tlsx::build_neighbor_list(tlsx::SerialTeam{}, all_pairs.view());
  ASSERT_EQ(cells.status[0], 0);
  EXPECT_EQ(cells.count, all_pairs.count);
  EXPECT_EQ(cells.count_upper, all_pairs.count_upper);
  for (int i = 0; i < n; ++i) {
    const int* row = &cells.index[i * cells.capacity];
    ASSERT_TRUE(std::equal(row, row + cells.count[i], &all_pairs.index[i * all_pairs.capacity])) << i;
    ASSERT_TRUE(std::is_sorted(row, row + cells.count_upper[i])) << i;
    ASSERT_TRUE(std::is_sorted(row + cells.count_upper[i], row + cells.count[i])) << i;
    if (cells.count_upper[i] > 0) {
      EXPECT_GT(row[0], i);
    }
  }
}

TEST(MdParamsCheck, NamesTheOffendingField) {
  tlsx::MdParams p;
  EXPECT_NO_THROW(tlsx::check_md_params(p));
  auto message = [](const tlsx::MdParams& q) {
    try {
      tlsx::check_md_params(q, "prepare.md");
    } catch (const tlsx::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  p.dt = -1;
  EXPECT_NE(message(p).find("prepare.md.dt"), std::string::npos) << message(p);
  p = tlsx::MdParams{};
  p.thermostat = tlsx::Thermostat::berendsen;
  p.tau_t = 0.001;
  EXPECT_NE(message(p).find("tau_t"), std::string::npos) << message(p);
  p = tlsx::MdParams{};
  p.swap_every = 10;
  p.swap_attempts = 100;
  p.temperature = 0.0;
  EXPECT_NE(message(p).find("temperature"), std::string::npos) << message(p);
}

}  // namespace
