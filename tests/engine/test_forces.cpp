// Forces, energy and virial from the neighbour-list engine against an independent all-pairs
// float64 evaluation and against finite differences of the energy.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <random>
#include <vector>

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

// forces_only (MD steps whose energy nobody reads) must give the very same forces, and no energy.
TEST(Forces, ForcesOnlyGivesBitwiseTheSameForces) {
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::PairTable table = model.pair_table();
  for (int n : {343, 1000}) {  // all-pairs list and cell grid
    tlsx::ReplicaBatch batch = lattice_batch(model, n, 1, 21u);
    const tlsx::ReplicaView v = batch.view(0);
    tlsx::build_neighbor_list(tlsx::SerialTeam{}, v);
    const tlsx::ForceResult all = tlsx::compute_forces(tlsx::SerialTeam{}, table, v);
    const std::vector<double> f_all(v.force, v.force + 3 * n);
    std::fill_n(v.force, 3 * n, 1.0);  // stale values must not survive
    const tlsx::ForceResult only =
        tlsx::compute_forces(tlsx::SerialTeam{}, table, v, tlsx::ForceTerms::forces_only);
    EXPECT_TRUE(std::isfinite(all.energy));
    EXPECT_TRUE(std::isnan(only.energy));
    EXPECT_TRUE(std::isnan(only.virial));
    for (int k = 0; k < 3 * n; ++k) ASSERT_EQ(v.force[k], f_all[k]) << n << " " << k;
    std::fill_n(v.force, 3 * n, 1.0);
    tlsx::compute_forces(FullRowTeam{}, table, v, tlsx::ForceTerms::forces_only);
    for (int k = 0; k < 3 * n; ++k) ASSERT_NEAR(v.force[k], f_all[k], 1e-10) << n << " " << k;
  }
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

// With fixed species the list may hold each pair only within its own cutoff + skin: the rows must be
// exactly the pairs within that distance (computed here from the positions, in index order), a strict
// subset of the largest-cutoff rows, the forces bitwise those of the largest-cutoff list, and after
// moves under skin/2 (no rebuild) still the exact forces.
TEST(NeighborList, OwnPairCutoffsKeepExactlyThePairsWithinTheirCutoff) {
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::PairTable table = model.pair_table();
  const tlsx::SerialTeam team;
  for (int n : {343, 1000}) {  // all-pairs list and cell grid
    tlsx::ReplicaBatch batch = lattice_batch(model, n, 1, 33u);
    const tlsx::ReplicaView v = batch.view(0);
    const tlsx::Box box = batch.box();
    const double* x = batch.pos(0);
    const int* sp = batch.species(0);
    tlsx::build_neighbor_list(team, v);
    long long largest_entries = 0;
    for (int i = 0; i < n; ++i) largest_entries += v.nbr.count[i];
    tlsx::compute_forces(team, table, v);
    const std::vector<double> f_largest(v.force, v.force + 3 * n);

    tlsx::build_neighbor_list(team, v, &table);
    long long own_entries = 0;
    for (int i = 0; i < n; ++i) {
      std::vector<int> expected_upper, expected_lower;
      for (int j = 0; j < n; ++j) {
        if (j == i) continue;
        double r2 = 0;
        for (int d = 0; d < 3; ++d) {
          const double dd = box.minimum_image(x[d * n + i] - x[d * n + j], d);
          r2 += dd * dd;
        }
        const double list_cut = std::sqrt(table(sp[i], sp[j]).rc2) + tlsx::testing::kTestSkin;
        if (r2 < list_cut * list_cut) (j > i ? expected_upper : expected_lower).push_back(j);
      }
      ASSERT_EQ(v.nbr.count_upper[i], static_cast<int>(expected_upper.size())) << n << " " << i;
      ASSERT_EQ(v.nbr.count[i], static_cast<int>(expected_upper.size() + expected_lower.size())) << n << " " << i;
      expected_upper.insert(expected_upper.end(), expected_lower.begin(), expected_lower.end());
      for (int k = 0; k < v.nbr.count[i]; ++k) ASSERT_EQ(v.nbr.neighbor(i, k), expected_upper[k]) << n << " " << i;
      own_entries += v.nbr.count[i];
    }
    EXPECT_LT(own_entries, largest_entries * 9 / 10) << n;  // KA2: about a fifth fewer
    std::fill_n(v.force, 3 * n, 1.0);
    tlsx::compute_forces(team, table, v);
    for (int k = 0; k < 3 * n; ++k) ASSERT_EQ(v.force[k], f_largest[k]) << n << " " << k;

    // Every particle moves just under skin/2: no rebuild, and the forces are still exact.
    std::mt19937_64 gen(5u);
    std::normal_distribution<double> g(0.0, 1.0);
    const double move = 0.499 * tlsx::testing::kTestSkin;
    for (int i = 0; i < n; ++i) {
      double u[3], norm = 0;
      for (double& c : u) {
        c = g(gen);
        norm += c * c;
      }
      for (int d = 0; d < 3; ++d) batch.pos(0)[d * n + i] += move * u[d] / std::sqrt(norm);
    }
    EXPECT_FALSE(tlsx::update_neighbor_list(team, v, &table));
    const tlsx::ForceResult fr = tlsx::compute_forces(team, table, v);
    const auto ref = direct_sum(model, box, batch.pos(0), sp, n);
    EXPECT_NEAR(fr.energy, ref.energy, 1e-11 * std::fabs(ref.energy)) << n;
    double scale = 0;
    for (double f : ref.force) scale = std::max(scale, std::fabs(f));
    for (int k = 0; k < 3 * n; ++k) ASSERT_NEAR(v.force[k], ref.force[k], 1e-11 * scale) << n << " " << k;
  }
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

// forces_reusing_lists keeps a slot's list while no particle moved more than skin/2, and gives the
// forces of a freshly built list bit for bit: over a random walk of small steps (lists reused,
// then rebuilt once the walk exceeds skin/2), a slot handed another glass (invalidated), and a
// compression that overflows the rows (capacity grown, every list rebuilt).
TEST(NeighborList, ReusedListsGiveTheForcesOfFreshListsBitwise) {
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::PairTable table = model.pair_table();
  const int n = 343;  // 216 would list all pairs (capacity n - 1): no overflow to test
  tlsx::ReplicaBatch fresh = lattice_batch(model, n, 2, 31u), reused = lattice_batch(model, n, 2, 31u);
  tlsx::CpuBackend cpu(2);
  std::mt19937 gen(8);
  std::uniform_real_distribution<double> step(-0.02, 0.02);
  const auto expect_same = [&](const char* what) {
    const std::vector<tlsx::ForceResult> a = cpu.forces(fresh, table), b = cpu.forces_reusing_lists(reused, table);
    for (int r = 0; r < 2; ++r) {
      EXPECT_EQ(std::memcmp(&a[r].energy, &b[r].energy, sizeof(double)), 0) << what << " replica " << r;
      EXPECT_EQ(std::memcmp(&a[r].virial, &b[r].virial, sizeof(double)), 0) << what << " replica " << r;
      EXPECT_EQ(std::memcmp(fresh.force(r), reused.force(r), 3 * n * sizeof(double)), 0) << what << " replica " << r;
    }
  };
  const auto move_both = [&](double scale) {
    for (int k = 0; k < 2 * 3 * n; ++k) {
      const double d = scale * step(gen);
      fresh.positions()[k] += d;
      reused.positions()[k] += d;
    }
  };
  expect_same("first call");
  const int builds_start = reused.neighbor_builds(0);
  for (int s = 0; s < 40; ++s) {
    move_both(1.0);
    expect_same("random walk");
  }
  const int walk_builds = reused.neighbor_builds(0) - builds_start;
  EXPECT_GT(walk_builds, 0) << "the walk must exceed skin/2 at least once";
  EXPECT_LT(walk_builds, 20) << "most calls must reuse the list";
  // Slot 1 gets slot 0's glass (positions and species): invalidated, so rebuilt.
  for (tlsx::ReplicaBatch* b : {&fresh, &reused}) {
    b->copy_replica_from(*b, 0, 1);
    b->invalidate_neighbor_list(1);
  }
  const int before = reused.neighbor_builds(1);
  expect_same("slot handed another glass");
  EXPECT_EQ(reused.neighbor_builds(1), before + 1);
  // Compressed towards a corner: rows overflow, the capacity grows and both batches rebuild.
  for (tlsx::ReplicaBatch* b : {&fresh, &reused})
    for (int k = 0; k < 2 * 3 * n; ++k) b->positions()[k] *= 0.45;
  const int capacity = reused.neighbor_capacity();
  expect_same("after an overflow");
  EXPECT_GT(reused.neighbor_capacity(), capacity);
}

// ListEpochs: a value for each replica's list, unique across batches, renewed whenever the host marks
// a list for rebuilding and for every replica of a copy; moving particles keeps it (the skin check
// decides then). A backend that keeps its own lists (the CUDA backend) trusts exactly this.
TEST(ReplicaBatch, ListEpochsChangeWheneverTheHostMarksAList) {
  const tlsx::Model model = tlsx::ka2_model();
  tlsx::ReplicaBatch a = lattice_batch(model, 64, 3, 1u), b = lattice_batch(model, 64, 3, 1u);
  const auto epochs = [](const tlsx::ReplicaBatch& x) {
    return std::vector<std::uint64_t>{x.list_epoch(0), x.list_epoch(1), x.list_epoch(2)};
  };
  std::vector<std::uint64_t> all = epochs(a);
  for (std::uint64_t e : epochs(b)) all.push_back(e);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "epochs repeat across replicas or batches";
  EXPECT_NE(all.front(), 0u);

  const std::vector<std::uint64_t> before = epochs(a);
  for (int k = 0; k < 3 * 64; ++k) a.pos(1)[k] += 0.3;
  tlsx::CpuBackend(1).forces_reusing_lists(a, model.pair_table());
  EXPECT_EQ(epochs(a), before) << "moving particles or computing forces must keep the epochs";

  a.invalidate_neighbor_list(1);
  std::vector<std::uint64_t> now = epochs(a);
  EXPECT_EQ(now[0], before[0]);
  EXPECT_NE(now[1], before[1]);
  EXPECT_EQ(now[2], before[2]);

  a.copy_replica_from(b, 0, 2);
  EXPECT_NE(a.list_epoch(2), now[2]);
  EXPECT_EQ(a.list_epoch(0), now[0]);

  const tlsx::ReplicaBatch copy = a;
  for (int r = 0; r < 3; ++r) EXPECT_NE(copy.list_epoch(r), a.list_epoch(r)) << "a copy shares replica " << r << "'s epoch";

  now = epochs(a);
  a.grow_neighbor_capacity();
  for (int r = 0; r < 3; ++r) EXPECT_NE(a.list_epoch(r), now[r]) << "growth must renew replica " << r;
}

}  // namespace
