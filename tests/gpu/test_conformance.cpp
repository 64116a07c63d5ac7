// The CUDA backend against the CPU backend, the reference executor (itself proven against the
// all-pairs DirectSum and finite differences in tests/engine): same inputs, same seeds, same
// replica algorithms, compared at tolerances that follow from the arithmetic.
//   - Forces, energies, virials: one neighbour sum per particle on both sides, but the CPU uses the
//     half list (Newton's third law) and the GPU whole rows, and the block reduction adds in another
//     order: the difference is rounding, ~1e-15 relative; we allow 1e-12.
//   - MD: rounding differences grow with the largest Lyapunov exponent (a few per time unit);
//     100 steps of dt <= 0.005 amplify them by well under 1e3: 1e-9 is safe.
//   - Swap Monte Carlo: both draw the same Philox numbers, so the accept decisions agree unless a
//     uniform number falls within ~1e-12 of exp(-dU/T) (probability ~1e-12 per attempt): we demand
//     identical decisions.
//   - Minimisation: the same descent from the same start ends in the same inherent structure.
//   - NEB: a converged band's climbing image sits within |F| / |V''| of the saddle, so the barrier
//     agrees to ~1e-9 eps whatever the rounding along the way; we demand 1e-8.
// Without a device (or without CUDA support compiled in) the conformance tests skip; the tests of
// backend selection run everywhere. This file uses only the Backend interface: no CUDA headers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../common/inherent_structure_pair.hpp"
#include "../common/test_systems.hpp"
#include "tlsx/backend/backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/engine/neighbor_list.hpp"
#include "tlsx/neb/atomistic_surface.hpp"
#include "tlsx/neb/band.hpp"
#include "tlsx/neb/surface_batcher.hpp"

namespace {

using tlsx::testing::lattice_batch;
using tlsx::testing::max_abs_difference;
using tlsx::testing::thermal_velocities;

// ---- backend selection (runs on every machine) ----

TEST(CudaBackendSelection, CudaWithoutDeviceIsAOneLineError) {
  if (tlsx::cuda_device_count() > 0) GTEST_SKIP() << "a CUDA device is present: " << tlsx::cuda_device_name(0);
  try {
    tlsx::make_backend("cuda");
    FAIL() << "make_backend(\"cuda\") without a device must throw";
  } catch (const tlsx::Error& e) {
    const std::string message = e.what();
    EXPECT_FALSE(message.empty());
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find("cuda"), std::string::npos) << message;
  }
}

TEST(CudaBackendSelection, AutoFallsBackToCpuWithoutDevice) {
  ::testing::internal::CaptureStderr();
  const std::unique_ptr<tlsx::Backend> b = tlsx::make_backend("auto");
  const std::string notice = ::testing::internal::GetCapturedStderr();
  if (tlsx::cuda_device_count() > 0) {
    EXPECT_EQ(b->name(), "cuda");
  } else {
    EXPECT_EQ(b->name(), "cpu");
    EXPECT_NE(notice.find("CPU"), std::string::npos) << notice;
  }
}

TEST(CudaBackendSelection, DeviceDescriptionsAreOneLine) {
  const std::string d = tlsx::describe_backends();
  EXPECT_EQ(d.find('\n'), std::string::npos) << d;
  EXPECT_NE(d.find("CUDA support"), std::string::npos) << d;
  const std::string why = tlsx::cuda_device_name(-1);
  EXPECT_FALSE(why.empty());
  EXPECT_EQ(why.find('\n'), std::string::npos) << why;
  if (tlsx::cuda_compiled_in()) {
    const int count = tlsx::cuda_device_count();
    EXPECT_NE(tlsx::cuda_device_name(count).find("no CUDA device"), std::string::npos);
    if (count == 0) {
      EXPECT_NE(d.find("no device"), std::string::npos) << d;
    }
  }
}

// ---- conformance (needs a device) ----

double max_abs(const double* a, std::size_t m) {
  double s = 0.0;
  for (std::size_t k = 0; k < m; ++k) s = std::max(s, std::fabs(a[k]));
  return s;
}

class CudaConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tlsx::cuda_compiled_in()) GTEST_SKIP() << "no CUDA device: this tlsx was built without CUDA support";
    if (tlsx::cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device: " << tlsx::cuda_device_name(-1);
    cpu_ = tlsx::make_backend("cpu");
    cuda_ = tlsx::make_backend("cuda");
    ASSERT_EQ(cuda_->name(), "cuda");
  }

  // Two identical batches: one for each backend.
  std::pair<tlsx::ReplicaBatch, tlsx::ReplicaBatch> twin_batches(int n, int count, unsigned seed,
                                                                  double jitter = 0.15) const {
    return {lattice_batch(model_, n, count, seed, jitter), lattice_batch(model_, n, count, seed, jitter)};
  }

  void expect_same_forces(tlsx::ReplicaBatch& a, tlsx::ReplicaBatch& b, const std::vector<tlsx::ForceResult>& fa,
                          const std::vector<tlsx::ForceResult>& fb, double tolerance) const {
    const std::size_t m = 3 * std::size_t(a.n());
    for (int r = 0; r < a.size(); ++r) {
      EXPECT_NEAR(fb[r].energy, fa[r].energy, tolerance * std::fabs(fa[r].energy)) << "replica " << r;
      EXPECT_NEAR(fb[r].virial, fa[r].virial, tolerance * std::fabs(fa[r].virial)) << "replica " << r;
      const double scale = max_abs(a.force(r), m);
      ASSERT_GT(scale, 0.0);
      EXPECT_LE(max_abs_difference(a.force(r), b.force(r), m), tolerance * scale) << "replica " << r;
    }
  }

  const tlsx::Model model_ = tlsx::ka2_model();
  const tlsx::PairTable table_ = model_.pair_table();
  std::unique_ptr<tlsx::Backend> cpu_, cuda_;
};

TEST_F(CudaConformance, ForcesAndEnergiesMatchCpu) {
  // 343 and 1000 list all pairs (fewer than 4 cells per axis), 2197 takes the cell grid (4 per axis).
  for (int n : {343, 1000, 2197}) {
    auto [on_cpu, on_gpu] = twin_batches(n, 5, 17u);
    const bool cells = tlsx::cell_grid_for(on_gpu.box(), on_gpu.list_cutoff(), on_gpu.view(0).nbr.n_cells_capacity).total() > 0;
    ASSERT_EQ(cells, n == 2197) << "the sizes no longer cover both list paths";
    const auto fc = cpu_->forces(on_cpu, table_);
    const auto fg = cuda_->forces(on_gpu, table_);
    SCOPED_TRACE("n = " + std::to_string(n));
    expect_same_forces(on_cpu, on_gpu, fc, fg, 1e-12);
    // And against the independent all-pairs sum, so that a shared mistake cannot pass.
    for (int r = 0; r < on_gpu.size(); ++r) {
      const auto ref = tlsx::testing::direct_sum(model_, on_gpu.box(), on_gpu.pos(r), on_gpu.species(r), n);
      EXPECT_NEAR(fg[r].energy, ref.energy, 1e-11 * std::fabs(ref.energy));
      EXPECT_LE(max_abs_difference(on_gpu.force(r), ref.force.data(), 3 * n), 1e-11 * max_abs(ref.force.data(), 3 * n));
    }
  }
}

// A replica squeezed to half its length along x has twice the density the neighbour capacity was
// sized for: its rows overflow, the backend grows the capacity and reruns it.
TEST_F(CudaConformance, NeighbourOverflowRegrowsLikeCpu) {
  const int n = 1000;
  auto [on_cpu, on_gpu] = twin_batches(n, 3, 5u);
  for (tlsx::ReplicaBatch* b : {&on_cpu, &on_gpu})
    for (int i = 0; i < n; ++i) b->pos(1)[i] *= 0.5;
  const int capacity = on_gpu.neighbor_capacity();
  const auto fc = cpu_->forces(on_cpu, table_);
  const auto fg = cuda_->forces(on_gpu, table_);
  EXPECT_GT(on_gpu.neighbor_capacity(), capacity);
  EXPECT_EQ(on_gpu.neighbor_capacity(), on_cpu.neighbor_capacity());
  expect_same_forces(on_cpu, on_gpu, fc, fg, 1e-12);
}

// Device memory limited to two replicas at a time: the batch runs in chunks, the overflowed
// replica (not adjacent to the others) is rerun alone, and nothing changes.
TEST_F(CudaConformance, ChunkedBatchMatchesCpu) {
  setenv("TLSX_CUDA_MAX_SLOTS", "2", 1);
  std::unique_ptr<tlsx::Backend> chunked;
  try {
    chunked = tlsx::make_backend("cuda");
  } catch (...) {
    unsetenv("TLSX_CUDA_MAX_SLOTS");
    throw;
  }
  unsetenv("TLSX_CUDA_MAX_SLOTS");
  const int n = 1000;
  auto [on_cpu, on_gpu] = twin_batches(n, 5, 23u);
  for (tlsx::ReplicaBatch* b : {&on_cpu, &on_gpu})
    for (int i = 0; i < n; ++i) b->pos(2)[i] *= 0.5;
  const auto fc = cpu_->forces(on_cpu, table_);
  const auto fg = chunked->forces(on_gpu, table_);
  expect_same_forces(on_cpu, on_gpu, fc, fg, 1e-12);

  tlsx::MdParams p;
  p.dt = 0.005;
  std::vector<tlsx::MdReplicaState> sc(5), sg(5);
  for (int r = 0; r < 5; ++r) sc[r].glass = sg[r].glass = r;
  cpu_->run_md(on_cpu, sc, table_, p, 20);
  chunked->run_md(on_gpu, sg, table_, p, 20);
  for (int r = 0; r < 5; ++r) {
    EXPECT_EQ(sg[r].step, 20u);
    EXPECT_LE(max_abs_difference(on_cpu.pos(r), on_gpu.pos(r), 3 * n), 1e-9) << "replica " << r;
  }
}

struct MdCase {
  const char* name;
  tlsx::Thermostat thermostat;
  double dt, temperature, start_temperature;
};

// 100 steps on the CPU in one call against 40 + 60 steps on the GPU (the state carries over).
void expect_same_md(tlsx::Backend& cpu, tlsx::Backend& cuda, const tlsx::Model& model, const tlsx::PairTable& table,
                    const MdCase& c, int n, int swap_every) {
  SCOPED_TRACE(std::string(c.name) + ", n = " + std::to_string(n));
  const int count = 3;
  tlsx::ReplicaBatch on_cpu = lattice_batch(model, n, count, 31u), on_gpu = lattice_batch(model, n, count, 31u);
  for (int r = 0; r < count; ++r) {
    thermal_velocities(on_cpu, r, c.start_temperature, 100u + r);
    thermal_velocities(on_gpu, r, c.start_temperature, 100u + r);
  }
  const std::vector<double> start(on_cpu.pos(0), on_cpu.pos(0) + 3 * n);
  tlsx::MdParams p;
  p.dt = c.dt;
  p.temperature = c.temperature;
  p.thermostat = c.thermostat;
  p.tau_t = 0.1;
  p.seed = 2024;
  p.swap_every = swap_every;
  p.swap_attempts = swap_every > 0 ? static_cast<int>(1.75 * n) : 0;
  std::vector<tlsx::MdReplicaState> sc(count), sg(count);
  for (int r = 0; r < count; ++r) sc[r].glass = sg[r].glass = 10 + r;
  cpu.run_md(on_cpu, sc, table, p, 100);
  cuda.run_md(on_gpu, sg, table, p, 40);
  cuda.run_md(on_gpu, sg, table, p, 60);

  // The run did something (a backend that returns at once must fail here).
  ASSERT_GT(max_abs_difference(start.data(), on_cpu.pos(0), 3 * n), 1e-3);
  for (int r = 0; r < count; ++r) {
    SCOPED_TRACE("replica " + std::to_string(r));
    EXPECT_EQ(sg[r].status, 0);
    EXPECT_EQ(sg[r].step, 100u);
    EXPECT_EQ(sc[r].step, 100u);
    EXPECT_NEAR(sg[r].potential_energy, sc[r].potential_energy, 1e-9 * std::fabs(sc[r].potential_energy));
    EXPECT_NEAR(sg[r].kinetic_energy, sc[r].kinetic_energy, 1e-9 * std::fabs(sc[r].kinetic_energy));
    EXPECT_NEAR(sg[r].virial, sc[r].virial, 1e-9 * std::fabs(sc[r].virial));
    EXPECT_LE(max_abs_difference(on_cpu.pos(r), on_gpu.pos(r), 3 * n), 1e-9);
    EXPECT_LE(max_abs_difference(on_cpu.vel(r), on_gpu.vel(r), 3 * n), 1e-9);
    EXPECT_LE(max_abs_difference(on_cpu.force(r), on_gpu.force(r), 3 * n), 1e-9 * max_abs(on_cpu.force(r), 3 * n));
    EXPECT_EQ(sg[r].swap_sweeps, sc[r].swap_sweeps);
    EXPECT_EQ(sg[r].swap_attempted, sc[r].swap_attempted);
    EXPECT_EQ(sg[r].swap_accepted, sc[r].swap_accepted);
    EXPECT_TRUE(std::equal(on_cpu.species(r), on_cpu.species(r) + n, on_gpu.species(r)));
    if (swap_every > 0) {
      EXPECT_EQ(sc[r].swap_attempted, static_cast<std::uint64_t>(100 / swap_every) * p.swap_attempts);
      EXPECT_GT(sc[r].swap_accepted, 0u);
    }
  }
}

TEST_F(CudaConformance, NveTrajectoryMatchesCpu) {
  const MdCase c{"NVE", tlsx::Thermostat::none, 0.005, 0.0, 0.8};
  for (int n : {343, 1000}) expect_same_md(*cpu_, *cuda_, model_, table_, c, n, 0);
}

TEST_F(CudaConformance, BerendsenTrajectoryMatchesCpu) {
  const MdCase c{"Berendsen", tlsx::Thermostat::berendsen, 0.0025, 0.4, 0.8};
  for (int n : {343, 1000}) expect_same_md(*cpu_, *cuda_, model_, table_, c, n, 0);
}

TEST_F(CudaConformance, NoseHooverTrajectoryMatchesCpu) {
  const MdCase c{"Nose-Hoover", tlsx::Thermostat::nose_hoover, 0.005, 0.6, 0.8};
  expect_same_md(*cpu_, *cuda_, model_, table_, c, 1000, 0);
}

TEST_F(CudaConformance, SwapMonteCarloDecisionsMatchCpu) {
  const MdCase c{"Berendsen + swaps", tlsx::Thermostat::berendsen, 0.005, 1.0, 1.0};
  expect_same_md(*cpu_, *cuda_, model_, table_, c, 1000, 10);
}

// The same quench start minimised on both backends ends in the same inherent structure.
void expect_same_inherent_structure(tlsx::Backend& cpu, tlsx::Backend& cuda, const tlsx::Model& model,
                                    const tlsx::PairTable& table, tlsx::MinimizeAlgorithm algorithm) {
  const int n = 343, count = 3;
  tlsx::ReplicaBatch on_cpu = lattice_batch(model, n, count, 41u, 0.4), on_gpu = lattice_batch(model, n, count, 41u, 0.4);
  tlsx::MinimizeParams p;
  p.algorithm = algorithm;
  p.force_tolerance = 1e-10;
  const auto rc = cpu.minimize(on_cpu, table, p);
  const auto rg = cuda.minimize(on_gpu, table, p);
  for (int r = 0; r < count; ++r) {
    SCOPED_TRACE("replica " + std::to_string(r));
    ASSERT_EQ(rc[r].status, 0) << "the CPU quench did not converge";
    ASSERT_EQ(rg[r].status, 0) << "the GPU quench did not converge";
    EXPECT_LT(rg[r].max_force, p.force_tolerance);
    EXPECT_LT(max_abs(on_gpu.force(r), 3 * n), p.force_tolerance);
    EXPECT_NEAR(rg[r].energy, rc[r].energy, 1e-10 * std::fabs(rc[r].energy));
    EXPECT_LE(max_abs_difference(on_cpu.pos(r), on_gpu.pos(r), 3 * n), 1e-8);
    EXPECT_EQ(max_abs(on_gpu.vel(r), 3 * n), 0.0);  // FIRE's velocities are left at zero
    EXPECT_GT(rg[r].iterations, 0);
  }
}

TEST_F(CudaConformance, FireQuenchReachesSameInherentStructure) {
  expect_same_inherent_structure(*cpu_, *cuda_, model_, table_, tlsx::MinimizeAlgorithm::fire);
}

TEST_F(CudaConformance, CgQuenchReachesSameInherentStructure) {
  expect_same_inherent_structure(*cpu_, *cuda_, model_, table_, tlsx::MinimizeAlgorithm::cg);
}

TEST_F(CudaConformance, LbfgsQuenchReachesSameInherentStructure) {
  expect_same_inherent_structure(*cpu_, *cuda_, model_, table_, tlsx::MinimizeAlgorithm::lbfgs);
}

// The device keeps each slot's neighbour list between forces_reusing_lists calls while the slot
// holds the same replica under the same list epoch (cuda_device_batch.hpp): over a random walk of
// small steps, after another batch used the same slots, after a minimisation on the device (its
// per-pair list kept) and after a species change (invalidated: rebuilt), the forces are the CPU's
// with fresh lists, and exactly the calls that must rebuild did.
TEST_F(CudaConformance, DeviceListsKeptBetweenCallsGiveCpuForces) {
  const int n = 1000, count = 3;
  auto [on_cpu, on_gpu] = twin_batches(n, count, 41u);
  auto [intruder, unused] = twin_batches(n, count, 43u);
  std::mt19937 gen(5);
  std::uniform_real_distribution<double> step(-0.01, 0.01);  // the walk alone stays within skin/2 ...
  const auto compare = [&](const char* what) {
    SCOPED_TRACE(what);
    const auto fc = cpu_->forces(on_cpu, table_);
    const auto fg = cuda_->forces_reusing_lists(on_gpu, table_);
    expect_same_forces(on_cpu, on_gpu, fc, fg, 1e-12);
  };
  compare("first call");
  const int built_first = on_gpu.neighbor_builds(0);
  const int calls = 30;
  for (int s = 0; s < calls; ++s) {
    for (std::size_t k = 0; k < on_cpu.positions().size(); ++k) {
      const double d = step(gen);
      on_cpu.positions()[k] += d;
      on_gpu.positions()[k] += d;
    }
    if (s == calls / 2)  // ... until one particle jumps by more than skin/2: every replica rebuilds once
      for (tlsx::ReplicaBatch* b : {&on_cpu, &on_gpu})
        for (int r = 0; r < count; ++r) b->pos(r)[7] += 0.6 * tlsx::testing::kTestSkin;
    compare("random walk");
  }
  const int walk_builds = on_gpu.neighbor_builds(0) - built_first;
  EXPECT_GT(walk_builds, 0) << "the walk must exceed skin/2 at least once";
  EXPECT_LT(walk_builds, calls / 2) << "most calls must keep the device list";

  // Another batch in the same slots: every slot's list is now the intruder's, so all rebuild.
  cuda_->forces(intruder, table_);
  std::vector<int> builds(count);
  for (int r = 0; r < count; ++r) builds[r] = on_gpu.neighbor_builds(r);
  compare("after another batch used the slots");
  for (int r = 0; r < count; ++r) EXPECT_EQ(on_gpu.neighbor_builds(r), builds[r] + 1) << "replica " << r;

  // A FIRE quench on the device, then forces at the inherent structure with the list it left (each
  // pair within its own cutoff + skin for these species).
  tlsx::MinimizeParams quench;
  quench.algorithm = tlsx::MinimizeAlgorithm::fire;
  cuda_->minimize(on_gpu, table_, quench);
  on_cpu.positions() = on_gpu.positions();
  for (int r = 0; r < count; ++r) builds[r] = on_gpu.neighbor_builds(r);
  compare("after a quench on the device");
  for (int r = 0; r < count; ++r) EXPECT_EQ(on_gpu.neighbor_builds(r), builds[r]) << "replica " << r << " rebuilt";

  // Replica 1 gets other species (outside a swap sweep: the host invalidates its list). The kept
  // per-pair list would miss pairs of the new species: only a rebuild gives the CPU's forces.
  for (tlsx::ReplicaBatch* b : {&on_cpu, &on_gpu}) {
    std::reverse(b->species(1), b->species(1) + n);
    b->invalidate_neighbor_list(1);
  }
  compare("after a species change");
  EXPECT_EQ(on_gpu.neighbor_builds(0), builds[0]);
  EXPECT_EQ(on_gpu.neighbor_builds(1), builds[1] + 1);
  EXPECT_EQ(on_gpu.neighbor_builds(2), builds[2]);
}

// One band on the CPU; on the device the same band and its reverse at once, their images sharing
// every forces launch through the SurfaceBatcher (batched NEB): the same saddle energy.
TEST_F(CudaConformance, NebBarrierMatchesCpuAlsoWithBandsBatched) {
  const int n = 216;
  const tlsx::testing::InherentStructurePair pair = tlsx::testing::inherent_structure_pair(*cpu_, model_, n, 2024u);
  ASSERT_FALSE(pair.b.empty()) << "no second inherent structure found";
  const tlsx::Box box = tlsx::Box::cubic(model_.box_length(n));
  tlsx::NebParams p;
  p.method = tlsx::PathMethod::string;
  p.images = 8;
  p.stop_at_intermediate_minimum = false;  // climb to the highest saddle whatever the profile
  p.max_iterations = 20000;
  tlsx::AtomisticSurface on_cpu(*cpu_, table_, box, pair.species, tlsx::testing::kTestSkin);
  const tlsx::BandResult want = tlsx::find_minimum_energy_path(on_cpu, pair.a.data(), pair.b.data(), p);
  ASSERT_TRUE(want.converged()) << want.reason;
  const double saddle = *std::max_element(want.energy.begin(), want.energy.end());

  tlsx::SurfaceBatcher batcher(*cuda_, table_, box, tlsx::testing::kTestSkin);
  std::vector<tlsx::BandResult> got(2);
  batcher.run(2, [&](int k) {
    tlsx::AtomisticSurface on_gpu(batcher, pair.species);
    got[k] = k == 0 ? tlsx::find_minimum_energy_path(on_gpu, pair.a.data(), pair.b.data(), p)
                    : tlsx::find_minimum_energy_path(on_gpu, pair.b.data(), pair.a.data(), p);
  });
  for (int k = 0; k < 2; ++k) {
    SCOPED_TRACE(k == 0 ? "A -> B" : "B -> A");
    ASSERT_TRUE(got[k].converged()) << got[k].reason;
    EXPECT_NEAR(*std::max_element(got[k].energy.begin(), got[k].energy.end()), saddle, 1e-8);
  }
  EXPECT_NEAR(got[0].energy.front() - pair.energy_a, 0.0, 1e-9);
  // The two bands shared launches: fewer rounds than the band evaluations of the two together.
  const tlsx::SurfaceBatcherStats s = batcher.stats();
  EXPECT_LT(s.rounds, got[0].iterations + got[1].iterations);
}

}  // namespace
