// The exploration stage on tiny systems (n = 216, CPU backend with 2 threads): a registry that is
// consistent with its own sequence and with an independent force evaluation, trajectories that do
// not depend on the batch, and checkpoint/resume that reproduces an uninterrupted run exactly.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <map>

#include "pipeline_fixtures.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/progress.hpp"
#include "tlsx/pipeline/checkpoint.hpp"
#include "tlsx/pipeline/explore.hpp"

namespace {

using namespace tlsx;
using tlsx::testing::small_glass_set;

ExploreOptions tiny_options() {
  ExploreOptions o;
  o.temperature = 0.45;  // a little above the paper's 0.4 so that 216 particles hop within 2000 steps
  o.dt = 0.0025;
  o.tau_cg = 200;
  o.n_cg = 10;
  o.seed = 5;
  o.store_all_is = true;
  return o;
}

const GlassSet& fixture() {
  static const GlassSet g = small_glass_set(216, 2, 42);
  return g;
}

void expect_same_library(const Library& a, const Library& b) {
  EXPECT_EQ(a.glasses.id, b.glasses.id);
  EXPECT_EQ(a.glasses.quenches, b.glasses.quenches);
  EXPECT_EQ(a.glasses.n_is, b.glasses.n_is);
  EXPECT_EQ(a.glasses.n_candidates, b.glasses.n_candidates);
  EXPECT_EQ(a.glasses.failed_quenches, b.glasses.failed_quenches);
  EXPECT_EQ(a.inherent_structures.glass, b.inherent_structures.glass);
  EXPECT_EQ(a.inherent_structures.id, b.inherent_structures.id);
  EXPECT_EQ(a.inherent_structures.energy, b.inherent_structures.energy);  // bitwise
  EXPECT_EQ(a.inherent_structures.first_quench, b.inherent_structures.first_quench);
  EXPECT_EQ(a.inherent_structures.visits, b.inherent_structures.visits);
  EXPECT_EQ(a.inherent_structures.coordinate_row, b.inherent_structures.coordinate_row);
  EXPECT_EQ(a.inherent_structures.coordinates, b.inherent_structures.coordinates);
  EXPECT_EQ(a.transitions.is_a, b.transitions.is_a);
  EXPECT_EQ(a.transitions.is_b, b.transitions.is_b);
  EXPECT_EQ(a.transitions.count_ab, b.transitions.count_ab);
  EXPECT_EQ(a.transitions.count_ba, b.transitions.count_ba);
  EXPECT_EQ(a.transitions.first_candidate_quench, b.transitions.first_candidate_quench);
  EXPECT_EQ(a.exploration.sequence, b.exploration.sequence);
  EXPECT_EQ(a.exploration.sequence_offset, b.exploration.sequence_offset);
  EXPECT_EQ(a.exploration.persistence_quenches, b.exploration.persistence_quenches);
  EXPECT_EQ(a.config_explore, b.config_explore);
}

Library explore_uninterrupted(const GlassSet& g, const ExploreOptions& o) {
  CpuBackend cpu(2);
  Exploration e(g, o);
  while (!e.finished()) e.cycle(cpu);
  return e.library(g);
}

// The uninterrupted run of fixture() under tiny_options(), computed once.
const Library& reference_run() {
  static const Library lib = explore_uninterrupted(fixture(), tiny_options());
  return lib;
}

TEST(Explore, RegistryIsConsistentWithSequenceAndForces) {
  const GlassSet& g = fixture();
  const ExploreOptions o = tiny_options();
  const Library& lib = reference_run();
  const int n = g.n;
  ASSERT_EQ(lib.glasses.size(), 2u);
  std::int64_t total_is = 0, total_transitions = 0;
  const IsRowIndex rows(lib.inherent_structures);
  for (std::size_t r = 0; r < 2; ++r) {
    const auto& off = lib.exploration.sequence_offset;
    const std::vector<int> seq(lib.exploration.sequence.begin() + off[r], lib.exploration.sequence.begin() + off[r + 1]);
    ASSERT_EQ(static_cast<std::int64_t>(seq.size()), o.n_cg);
    const std::int64_t n_is = lib.glasses.n_is[r];
    total_is += n_is;
    // Ids appear in order of discovery, visits and first quenches agree with the sequence.
    std::map<int, std::int64_t> visits, first;
    int next = 0;
    for (std::size_t k = 0; k < seq.size(); ++k) {
      if (seq[k] < 0) continue;
      ASSERT_LE(seq[k], next) << "ids must be numbered in order of discovery";
      if (seq[k] == next) ++next, first[seq[k]] = static_cast<std::int64_t>(k);
      ++visits[seq[k]];
    }
    EXPECT_EQ(next, n_is);
    for (int id = 0; id < n_is; ++id) {
      const std::int64_t row = rows(static_cast<std::int64_t>(r), id);
      ASSERT_GE(row, 0);
      EXPECT_EQ(lib.inherent_structures.visits[row], visits[id]);
      EXPECT_EQ(lib.inherent_structures.first_quench[row], first[id]);
      EXPECT_DOUBLE_EQ(lib.inherent_structures.first_seen[row], (first[id] + 1) * o.tau_cg * o.dt);
      // Each stored IS is a minimum of the model: an independent all-pairs evaluation.
      const double* x = lib.coordinates(row);
      ASSERT_NE(x, nullptr);
      const tlsx::testing::DirectSum ref = tlsx::testing::direct_sum(g.model, g.box, x, g.species.data() + r * n, n);
      double fmax = 0.0;
      for (double f : ref.force) fmax = std::max(fmax, std::fabs(f));
      EXPECT_LT(fmax, 2e-10) << "IS " << id << " of glass " << r;
      EXPECT_NEAR(ref.energy, lib.inherent_structures.energy[row], 1e-9 * std::fabs(ref.energy));
      // No two IS of a glass fail both distinctness criteria.
      for (int other = 0; other < id; ++other) {
        const std::int64_t orow = rows(static_cast<std::int64_t>(r), other);
        const bool close_in_energy = std::fabs(lib.inherent_structures.energy[orow] - lib.inherent_structures.energy[row]) <=
                                     o.tolerance.energy_per_particle * n;
        if (close_in_energy) {
          EXPECT_GT(IsRegistry::max_displacement(x, lib.coordinates(orow), n, g.box), o.tolerance.distance);
        }
      }
    }
    for (std::size_t k = 1; k < seq.size(); ++k)
      if (seq[k] >= 0 && seq[k - 1] >= 0 && seq[k] != seq[k - 1]) ++total_transitions;
  }
  std::int64_t counted = 0;
  for (std::size_t k = 0; k < lib.transitions.size(); ++k)
    counted += lib.transitions.count_ab[k] + lib.transitions.count_ba[k];
  EXPECT_EQ(counted, total_transitions);
  // The test is meaningful only if the exploration found several IS and moved between them.
  EXPECT_GT(total_is, 4);
  EXPECT_GT(total_transitions, 3);
  std::printf("[ info ] %lld IS, %lld transitions, %zu pairs\n", (long long)total_is, (long long)total_transitions, lib.transitions.size());
}

TEST(Explore, GlassTrajectoryDoesNotDependOnTheBatch) {
  const GlassSet& g = fixture();
  const ExploreOptions o = tiny_options();
  const Library& all = reference_run();
  const Library one = explore_uninterrupted(tlsx::testing::single_glass(g, 1), o);
  const auto& off = all.exploration.sequence_offset;
  const std::vector<std::int32_t> seq1(all.exploration.sequence.begin() + off[1], all.exploration.sequence.begin() + off[2]);
  EXPECT_EQ(seq1, one.exploration.sequence);
  std::vector<double> e1;
  for (std::size_t k = 0; k < all.inherent_structures.size(); ++k)
    if (all.inherent_structures.glass[k] == 1) e1.push_back(all.inherent_structures.energy[k]);
  EXPECT_EQ(e1, one.inherent_structures.energy);
}

// Stop after 3 quenches (checkpoint), resume with n_cg = 5 and finish, then extend the finished run
// to n_cg = 10 from its checkpoint: the result must equal the uninterrupted run bitwise.
TEST(Explore, ResumedAndExtendedRunEqualsUninterruptedRun) {
  const GlassSet& g = fixture();
  ExploreOptions o = tiny_options();
  const std::string ckpt = tlsx::testing::temp_path("resume.ckpt");
  std::remove(ckpt.c_str());
  CpuBackend cpu(2);
  {
    Exploration first(g, o);
    StageRunControl control;
    control.checkpoint_path = ckpt;
    control.stop_after = 3;
    control.progress = false;
    const StageRunResult r = run_exploration(first, cpu, control);
    EXPECT_FALSE(r.complete);
    EXPECT_EQ(r.stop_reason, "--stop-after 3");
    EXPECT_EQ(first.quenches_done(), 3);
    EXPECT_EQ(r.checkpoints_written, 1);
  }  // the first process is gone: only the checkpoint remains
  o.n_cg = 5;
  {
    Exploration second = Exploration::resume(ckpt, g, o);
    EXPECT_EQ(second.quenches_done(), 3);
    StageRunControl control;
    control.progress = false;
    EXPECT_TRUE(run_exploration(second, cpu, control).complete);
    EXPECT_EQ(second.quenches_done(), 5);
    second.save_checkpoint(ckpt);
  }
  o.n_cg = 2;  // fewer quenches than the checkpoint already holds
  EXPECT_THROW(Exploration::resume(ckpt, g, o), Error);
  o.n_cg = 10;
  Exploration third = Exploration::resume(ckpt, g, o);
  while (!third.finished()) third.cycle(cpu);
  expect_same_library(third.library(g), reference_run());
  std::remove(ckpt.c_str());
}

TEST(Explore, CheckpointFromADifferentConfigurationIsRefused) {
  const GlassSet& g = fixture();
  ExploreOptions o = tiny_options();
  o.n_cg = 2;
  const std::string ckpt = tlsx::testing::temp_path("mismatch.ckpt");
  CpuBackend cpu(2);
  Exploration e(g, o);
  e.cycle(cpu);
  e.save_checkpoint(ckpt);
  ExploreOptions hotter = o;
  hotter.temperature = 0.5;
  try {
    Exploration::resume(ckpt, g, hotter);
    FAIL() << "a checkpoint of another temperature was accepted";
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("different configuration"), std::string::npos) << err.what();
  }
  GlassSet other = g;
  other.positions[7] += 1e-9;  // other input glasses
  EXPECT_THROW(Exploration::resume(ckpt, other, o), Error);
  EXPECT_NO_THROW(Exploration::resume(ckpt, g, o));
  std::remove(ckpt.c_str());
}

TEST(Explore, SignalsCheckpointAndStopAtACycleBoundary) {
  const GlassSet& g = fixture();
  ExploreOptions o = tiny_options();
  o.n_cg = 6;
  const std::string ckpt = tlsx::testing::temp_path("signal.ckpt");
  std::remove(ckpt.c_str());
  CpuBackend cpu(2);
  StopSignals::clear();
  Exploration e(g, o);
  StageRunControl control;
  control.checkpoint_path = ckpt;
  control.checkpoint_every = 0;
  control.progress = false;
  control.on_step = [&e] {
    if (e.quenches_done() == 1) std::raise(SIGUSR1);  // checkpoint and go on
    if (e.quenches_done() == 3) std::raise(SIGTERM);  // checkpoint and stop
  };
  const StageRunResult r = run_exploration(e, cpu, control);
  StopSignals::clear();
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.stop_reason, "SIGTERM");
  EXPECT_EQ(r.checkpoints_written, 2);
  EXPECT_EQ(e.quenches_done(), 3);
  Exploration resumed = Exploration::resume(ckpt, g, o);
  EXPECT_EQ(resumed.quenches_done(), 3);
  std::remove(ckpt.c_str());
}

// Two-stage quenches (ExploreOptions::screen_tolerance) on quenches close enough in time that most
// land in an IS seen before, so that the screen decides most of them.
ExploreOptions two_stage_options(double screen) {
  ExploreOptions o = tiny_options();
  o.tau_cg = 10;
  o.n_cg = 16;
  o.screen_tolerance = screen;
  return o;
}

Library explore_with(const GlassSet& g, const ExploreOptions& o, int threads, QuenchStats* stats = nullptr) {
  CpuBackend cpu(threads);
  Exploration e(g, o);
  while (!e.finished()) e.cycle(cpu);
  if (stats != nullptr) *stats = e.quench_stats();
  return e.library(g);
}

// fixture() under two_stage_options(1e-3) on 2 threads, computed once.
const Library& two_stage_run(QuenchStats* stats = nullptr) {
  static QuenchStats s;
  static const Library lib = explore_with(fixture(), two_stage_options(1e-3), 2, &s);
  if (stats != nullptr) *stats = s;
  return lib;
}

// With CG the first stage is the exact quench up to the loose force, so every quench must end in
// the IS of the exact protocol: the same sequence of ids, the same visits, and IS energies within the
// scatter of one IS reached twice (a finished quench restarts CG's direction where it stopped).
TEST(Explore, TwoStageQuenchGivesTheExactProtocolsIsSequence) {
  const GlassSet& g = fixture();
  QuenchStats exact_stats, screened_stats;
  const Library exact = explore_with(g, two_stage_options(0.0), 2, &exact_stats);
  const Library& screened = two_stage_run(&screened_stats);
  EXPECT_EQ(exact_stats.screened, 0);
  EXPECT_GT(screened_stats.screened, screened_stats.quenches / 2) << "the screen should decide most quenches";
  EXPECT_LT(screened_stats.force_evaluations, exact_stats.force_evaluations);
  EXPECT_EQ(screened.exploration.sequence, exact.exploration.sequence);
  EXPECT_EQ(screened.inherent_structures.visits, exact.inherent_structures.visits);
  EXPECT_EQ(screened.inherent_structures.first_quench, exact.inherent_structures.first_quench);
  EXPECT_EQ(screened.transitions.first_candidate_quench, exact.transitions.first_candidate_quench);
  EXPECT_EQ(screened.exploration.persistence_quenches, exact.exploration.persistence_quenches);
  ASSERT_EQ(screened.inherent_structures.energy.size(), exact.inherent_structures.energy.size());
  for (std::size_t k = 0; k < exact.inherent_structures.energy.size(); ++k)
    EXPECT_NEAR(screened.inherent_structures.energy[k], exact.inherent_structures.energy[k], 1e-9) << "IS " << k;
  // The library says which protocol ran.
  EXPECT_NE(screened.config_explore.find("\"screen_tolerance\""), std::string::npos) << screened.config_explore;
  EXPECT_EQ(exact.config_explore.find("screen_tolerance"), std::string::npos) << exact.config_explore;
  std::printf("[ info ] %lld of %lld quenches screened, %lld vs %lld force evaluations\n",
              (long long)screened_stats.screened, (long long)screened_stats.quenches,
              (long long)screened_stats.force_evaluations, (long long)exact_stats.force_evaluations);
}

TEST(Explore, TwoStageSequenceDoesNotDependOnTheBatchOrThreads) {
  const GlassSet& g = fixture();
  const ExploreOptions o = two_stage_options(1e-3);
  const Library& all = two_stage_run();
  const Library one = explore_with(tlsx::testing::single_glass(g, 1), o, 1);
  const auto& off = all.exploration.sequence_offset;
  const std::vector<std::int32_t> seq1(all.exploration.sequence.begin() + off[1], all.exploration.sequence.begin() + off[2]);
  EXPECT_EQ(seq1, one.exploration.sequence);
  std::vector<double> e1;
  for (std::size_t k = 0; k < all.inherent_structures.size(); ++k)
    if (all.inherent_structures.glass[k] == 1) e1.push_back(all.inherent_structures.energy[k]);
  EXPECT_EQ(e1, one.inherent_structures.energy);  // bitwise
  expect_same_library(explore_with(g, o, 1), all);
}

TEST(Explore, TwoStageResumedRunEqualsUninterruptedRun) {
  const GlassSet& g = fixture();
  const ExploreOptions o = two_stage_options(1e-3);
  const std::string ckpt = tlsx::testing::temp_path("resume2.ckpt");
  std::remove(ckpt.c_str());
  CpuBackend cpu(2);
  {
    Exploration first(g, o);
    for (int k = 0; k < 7; ++k) first.cycle(cpu);
    first.save_checkpoint(ckpt);
  }
  Exploration second = Exploration::resume(ckpt, g, o);
  while (!second.finished()) second.cycle(cpu);
  expect_same_library(second.library(g), two_stage_run());
  ExploreOptions one_stage = o;
  one_stage.screen_tolerance = 0.0;  // another protocol: refused
  EXPECT_THROW(Exploration::resume(ckpt, g, one_stage), Error);
  std::remove(ckpt.c_str());
}

TEST(Explore, RejectsBadOptions) {
  const GlassSet& g = fixture();
  ExploreOptions o = tiny_options();
  o.tau_cg = 0;
  EXPECT_THROW(Exploration(g, o), Error);
  o = tiny_options();
  o.temperature = -1;
  EXPECT_THROW(Exploration(g, o), Error);
  o = tiny_options();
  o.n_cg = 0;
  EXPECT_THROW(Exploration(g, o), Error);
  o = tiny_options();
  o.screen_tolerance = -1e-3;
  EXPECT_THROW(Exploration(g, o), Error);
}

}  // namespace
