// The CUDA block team's execution model, emulated with real threads on the CPU, running the engine's
// replica algorithms (forces, MD, swap Monte Carlo, FIRE, CG) against SerialTeam. This runs on every
// machine, GPU or not, and checks what the GPU relies on and SerialTeam cannot reveal:
//   - the barrier discipline: a phase that reads what another worker wrote must follow a sync() or a
//     reduction; a missing one shows up here as a wrong result (or as a report under
//     -fsanitize=thread);
//   - uniform control flow: every worker reaches every team operation (otherwise the barrier times
//     out and the test aborts with a message, where a GPU would hang);
//   - scalars computed redundantly: the MinimizeResult every worker returns is the same, and the
//     MdReplicaState shared by the block is read by all and rewritten only inside single();
//   - the GPU's data layout: column-major neighbour rows and the full-row force path (no scatter).
// EmulatedBlockTeam mirrors src/kernels/cuda_block_team.cuh: strided for_each, reductions folded in a
// fixed order and returned to every worker, single() = barrier, worker 0, barrier, a shared_scratch()
// owned by the block, and the block's concurrent_tasks (so swap sweeps run in rounds of 64).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../common/test_systems.hpp"
#include "tlsx/core/team.hpp"
#include "tlsx/engine/forces.hpp"
#include "tlsx/engine/md.hpp"
#include "tlsx/engine/minimize.hpp"
#include "tlsx/engine/neighbor_list.hpp"
#include "tlsx/engine/swap_mc.hpp"

namespace {

using tlsx::testing::lattice_batch;
using tlsx::testing::max_abs_difference;
using tlsx::testing::thermal_velocities;

// A reusable barrier; a worker that waits a minute means another never arrived: the algorithm's
// control flow differs between workers, which would hang a GPU block.
class Barrier {
 public:
  explicit Barrier(int count) : count_(count) {}
  void arrive_and_wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    const unsigned long generation = generation_;
    if (++waiting_ == count_) {
      waiting_ = 0;
      generation_published_.store(++generation_, std::memory_order_release);
      cv_.notify_all();
      return;
    }
    // Barriers come thousands of times per quench: yield for a while before sleeping.
    lock.unlock();
    for (int spin = 0; spin < 200; ++spin) {
      if (generation_published_.load(std::memory_order_acquire) != generation) return;
      std::this_thread::yield();
    }
    lock.lock();
    if (!cv_.wait_for(lock, std::chrono::seconds(60), [&] { return generation != generation_; })) {
      std::fprintf(stderr, "EmulatedBlockTeam: a worker waited 60 s at a barrier that the others never reached "
                           "(team operations under worker-dependent control flow?)\n");
      std::abort();
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int count_, waiting_ = 0;
  unsigned long generation_ = 0;
  std::atomic<unsigned long> generation_published_{0};
};

struct Block {
  explicit Block(int workers)
      : size(workers), barrier(workers), partial_a(workers), partial_b(workers), shared(tlsx::kTeamSharedDoubles) {}
  int size;
  Barrier barrier;
  std::vector<double> partial_a, partial_b;
  std::vector<double> shared;  // the block's shared_scratch()
};

class EmulatedBlockTeam {
 public:
  static constexpr bool scatter_safe = false;
  static constexpr int concurrent_tasks = 64;  // as CudaBlockTeam
  EmulatedBlockTeam(Block& block, int rank) : block_(&block), rank_(rank) {}

  template <class F>
  void for_each(int n, F&& f) const {
    for (int i = rank_; i < n; i += block_->size) f(i);
  }
  void sync() const { block_->barrier.arrive_and_wait(); }
  template <class F>
  double sum(int n, F&& f) const {
    double s = 0.0;
    for (int i = rank_; i < n; i += block_->size) s += f(i);
    return combine(s, 0.0, false).a;
  }
  template <class F>
  tlsx::Pair2 sum2(int n, F&& f) const {
    tlsx::Pair2 s;
    for (int i = rank_; i < n; i += block_->size) {
      const tlsx::Pair2 v = f(i);
      s.a += v.a;
      s.b += v.b;
    }
    return combine(s.a, s.b, false);
  }
  template <class F>
  double max(int n, F&& f) const {
    double m = -1.0e300;
    for (int i = rank_; i < n; i += block_->size) {
      const double v = f(i);
      if (v > m) m = v;
    }
    return combine(m, 0.0, true).a;
  }
  template <class F>
  void single(F&& f) const {
    sync();
    if (rank_ == 0) f();
    sync();
  }
  bool leader() const { return rank_ == 0; }
  double* shared_scratch() const { return block_->shared.data(); }

 private:
  // Partials to the block, barrier, every worker folds them in rank order, barrier.
  tlsx::Pair2 combine(double a, double b, bool take_max) const {
    block_->partial_a[rank_] = a;
    block_->partial_b[rank_] = b;
    sync();
    tlsx::Pair2 t{block_->partial_a[0], block_->partial_b[0]};
    for (int w = 1; w < block_->size; ++w) {
      if (take_max) {
        if (block_->partial_a[w] > t.a) t.a = block_->partial_a[w];
      } else {
        t.a += block_->partial_a[w];
        t.b += block_->partial_b[w];
      }
    }
    sync();
    return t;
  }
  Block* block_;
  int rank_;
};

constexpr int kWorkers = 4;

// Runs body(team, rank) on kWorkers threads, one emulated block.
template <class Body>
void run_block(Body&& body) {
  Block block(kWorkers);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) workers.emplace_back([&, w] { body(EmulatedBlockTeam(block, w), w); });
  for (std::thread& t : workers) t.join();
}

// The GPU's view of a host replica: column-major neighbour rows (entry k of row i at i + k n).
tlsx::ReplicaView gpu_layout(tlsx::ReplicaBatch& batch, int r) {
  tlsx::ReplicaView v = batch.view(r);
  v.nbr.stride_row = 1;
  v.nbr.stride_col = v.n;
  return v;
}

class BlockTeamEmulation : public ::testing::Test {
 protected:
  const tlsx::Model model_ = tlsx::ka2_model();
  const tlsx::PairTable table_ = model_.pair_table();
};

TEST_F(BlockTeamEmulation, ForcesMatchSerialTeam) {
  // 343 and 1000 list all pairs (fewer than 4 cells per axis); 2197 takes the cell grid (4 per axis):
  // the counting sort in single() and the 27-cell stencil with column-major rows.
  for (int n : {343, 1000, 2197}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    tlsx::ReplicaBatch serial = lattice_batch(model_, n, 1, 7u), emulated = lattice_batch(model_, n, 1, 7u);
    const bool cells = tlsx::cell_grid_for(serial.box(), serial.list_cutoff(), serial.view(0).nbr.n_cells_capacity).total() > 0;
    ASSERT_EQ(cells, n == 2197) << "the sizes no longer cover both list paths";
    const tlsx::ReplicaView vs = serial.view(0);
    tlsx::build_neighbor_list(tlsx::SerialTeam{}, vs);
    const tlsx::ForceResult ref = tlsx::compute_forces(tlsx::SerialTeam{}, table_, vs);
    const tlsx::ReplicaView ve = gpu_layout(emulated, 0);
    std::vector<tlsx::ForceResult> got(kWorkers);
    run_block([&](const EmulatedBlockTeam& team, int w) {
      tlsx::build_neighbor_list(team, ve);
      got[w] = tlsx::compute_forces(team, table_, ve);
    });
    for (int w = 0; w < kWorkers; ++w) {
      EXPECT_EQ(got[w].energy, got[0].energy);  // the same value on every worker
      EXPECT_EQ(got[w].virial, got[0].virial);
    }
    EXPECT_NEAR(got[0].energy, ref.energy, 1e-12 * std::fabs(ref.energy));
    EXPECT_NEAR(got[0].virial, ref.virial, 1e-12 * std::fabs(ref.virial));
    EXPECT_LE(max_abs_difference(serial.force(0), emulated.force(0), 3 * n), 1e-10);
    EXPECT_EQ(ve.nbr.status[0], 0);
    EXPECT_EQ(ve.nbr.status[1], 1);  // one build, counted once (inside single)
  }
}

struct MdCase {
  const char* name;
  tlsx::Thermostat thermostat;
  double dt, temperature;
  int swap_every;
};

class BlockTeamEmulationMd : public BlockTeamEmulation, public ::testing::WithParamInterface<MdCase> {};

TEST_P(BlockTeamEmulationMd, MatchesSerialTeam) {
  const MdCase c = GetParam();
  const int n = 343;
  tlsx::ReplicaBatch serial = lattice_batch(model_, n, 1, 13u), emulated = lattice_batch(model_, n, 1, 13u);
  thermal_velocities(serial, 0, 0.8, 99u);
  thermal_velocities(emulated, 0, 0.8, 99u);
  const std::vector<double> start(serial.pos(0), serial.pos(0) + 3 * n);
  tlsx::MdParams p;
  p.dt = c.dt;
  p.temperature = c.temperature;
  p.thermostat = c.thermostat;
  p.tau_t = 0.1;
  p.seed = 77;
  p.swap_every = c.swap_every;
  p.swap_attempts = c.swap_every > 0 ? static_cast<int>(1.75 * n) : 0;
  tlsx::MdReplicaState initial;
  initial.glass = 3;
  const std::uint64_t target = 100;

  tlsx::MdReplicaState ref = initial;
  tlsx::md_run(tlsx::SerialTeam{}, table_, serial.view(0), p, ref, target);

  // As in the MD kernel: one state record shared by the block, run in two calls (40 + 60 steps).
  const tlsx::ReplicaView ve = gpu_layout(emulated, 0);
  tlsx::MdReplicaState got = initial;
  run_block([&](const EmulatedBlockTeam& team, int) { tlsx::md_run(team, table_, ve, p, got, 40); });
  EXPECT_EQ(got.step, 40u);
  run_block([&](const EmulatedBlockTeam& team, int) { tlsx::md_run(team, table_, ve, p, got, target); });

  ASSERT_EQ(ref.status, 0);
  ASSERT_EQ(ref.step, target);
  ASSERT_GT(max_abs_difference(start.data(), serial.pos(0), 3 * n), 1e-3);  // it moved
  EXPECT_EQ(got.status, 0);
  EXPECT_EQ(got.step, ref.step);
  EXPECT_EQ(got.swap_attempted, ref.swap_attempted);
  EXPECT_EQ(got.swap_accepted, ref.swap_accepted);
  if (c.swap_every > 0) {
    EXPECT_GT(ref.swap_accepted, 0u);
  }
  EXPECT_NEAR(got.potential_energy, ref.potential_energy, 1e-9 * std::fabs(ref.potential_energy));
  EXPECT_NEAR(got.kinetic_energy, ref.kinetic_energy, 1e-9 * std::fabs(ref.kinetic_energy));
  EXPECT_LE(max_abs_difference(serial.pos(0), emulated.pos(0), 3 * n), 1e-9);
  EXPECT_LE(max_abs_difference(serial.vel(0), emulated.vel(0), 3 * n), 1e-9);
  EXPECT_TRUE(std::equal(serial.species(0), serial.species(0) + n, emulated.species(0)));
}

INSTANTIATE_TEST_SUITE_P(
    Thermostats, BlockTeamEmulationMd,
    ::testing::Values(MdCase{"nve", tlsx::Thermostat::none, 0.005, 0.0, 0},
                      MdCase{"berendsen", tlsx::Thermostat::berendsen, 0.0025, 0.4, 0},
                      MdCase{"nose_hoover", tlsx::Thermostat::nose_hoover, 0.005, 0.6, 0},
                      MdCase{"swaps", tlsx::Thermostat::berendsen, 0.005, 1.0, 10}),
    [](const ::testing::TestParamInfo<MdCase>& info) { return std::string(info.param.name); });

// Swap sweeps alone, in the block's rounds of 64 attempts with four strided workers, against
// SerialTeam's one attempt at a time: identical species after every sweep and identical counts on
// every worker. The temperature is high enough that rounds contain accepted swaps that later
// attempts of the round overlap (stale) or not (commuted).
TEST_F(BlockTeamEmulation, SwapSweepsMatchSerialTeam) {
  const int n = 512, sweeps = 12;
  tlsx::ReplicaBatch serial = lattice_batch(model_, n, 1, 23u), emulated = lattice_batch(model_, n, 1, 23u);
  const tlsx::ReplicaView vs = serial.view(0), ve = gpu_layout(emulated, 0);
  tlsx::build_neighbor_list(tlsx::SerialTeam{}, vs);
  run_block([&](const EmulatedBlockTeam& team, int) { tlsx::build_neighbor_list(team, ve); });
  tlsx::MdParams p;
  p.temperature = 10.0;
  p.swap_attempts = 200;
  p.seed = 5;
  std::uint64_t accepted = 0, stale = 0, commuted = 0;
  for (int s = 0; s < sweeps; ++s) {
    SCOPED_TRACE("sweep " + std::to_string(s));
    const tlsx::SwapCounts ref = tlsx::swap_sweep(tlsx::SerialTeam{}, table_, vs, p, 2, s);
    std::vector<tlsx::SwapCounts> got(kWorkers);
    run_block([&](const EmulatedBlockTeam& team, int w) { got[w] = tlsx::swap_sweep(team, table_, ve, p, 2, s); });
    ASSERT_TRUE(std::equal(vs.species, vs.species + n, ve.species));
    EXPECT_EQ(ref.stale, 0u);  // SerialTeam: rounds of one attempt
    for (int w = 0; w < kWorkers; ++w) {
      EXPECT_EQ(got[w].attempted, ref.attempted);
      EXPECT_EQ(got[w].accepted, ref.accepted);
      EXPECT_EQ(got[w].rounds, got[0].rounds);
      EXPECT_EQ(got[w].stale, got[0].stale);
      EXPECT_EQ(got[w].commuted, got[0].commuted);
    }
    accepted += ref.accepted;
    stale += got[0].stale;
    commuted += got[0].commuted;
  }
  std::printf("%llu accepted, %llu stale, %llu commuted\n", static_cast<unsigned long long>(accepted),
              static_cast<unsigned long long>(stale), static_cast<unsigned long long>(commuted));
  EXPECT_GT(accepted, static_cast<std::uint64_t>(sweeps * p.swap_attempts / 10));
  EXPECT_GT(stale, 20u);
  EXPECT_GT(commuted, 20u);
}

class BlockTeamEmulationMinimize : public BlockTeamEmulation,
                                   public ::testing::WithParamInterface<tlsx::MinimizeAlgorithm> {};

TEST_P(BlockTeamEmulationMinimize, ReachesSerialInherentStructure) {
  const int n = 343;
  tlsx::ReplicaBatch serial = lattice_batch(model_, n, 1, 41u, 0.4), emulated = lattice_batch(model_, n, 1, 41u, 0.4);
  tlsx::MinimizeParams p;
  p.algorithm = GetParam();
  const tlsx::MinimizeResult ref = tlsx::minimize_replica(tlsx::SerialTeam{}, table_, serial.view(0), p);
  const tlsx::ReplicaView ve = gpu_layout(emulated, 0);
  std::vector<tlsx::MinimizeResult> got(kWorkers);
  run_block([&](const EmulatedBlockTeam& team, int w) { got[w] = tlsx::minimize_replica(team, table_, ve, p); });
  ASSERT_EQ(ref.status, 0) << "the serial quench did not converge";
  for (int w = 0; w < kWorkers; ++w) {
    SCOPED_TRACE("worker " + std::to_string(w));
    EXPECT_EQ(got[w].status, got[0].status);
    EXPECT_EQ(got[w].energy, got[0].energy);
    EXPECT_EQ(got[w].max_force, got[0].max_force);
    EXPECT_EQ(got[w].iterations, got[0].iterations);
    EXPECT_EQ(got[w].force_evaluations, got[0].force_evaluations);
  }
  EXPECT_EQ(got[0].status, 0);
  EXPECT_LT(got[0].max_force, p.force_tolerance);
  EXPECT_NEAR(got[0].energy, ref.energy, 1e-10 * std::fabs(ref.energy));
  EXPECT_LE(max_abs_difference(serial.pos(0), emulated.pos(0), 3 * n), 1e-8);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, BlockTeamEmulationMinimize,
                         ::testing::Values(tlsx::MinimizeAlgorithm::fire, tlsx::MinimizeAlgorithm::cg,
                                           tlsx::MinimizeAlgorithm::lbfgs),
                         [](const ::testing::TestParamInfo<tlsx::MinimizeAlgorithm>& info) {
                           return std::string(tlsx::minimize_algorithm_name(info.param));
                         });

}  // namespace
