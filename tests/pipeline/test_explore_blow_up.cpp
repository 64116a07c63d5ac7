// A glass whose MD blows up during the exploration (two particles almost on top of each other) is
// marked in the library and stops there, while the other glasses of the batch explore exactly as
// they would without it; a glass the preparation marked blown up is carried along unexplored; and a
// checkpoint taken after the blow-up resumes to the same library.
#include <gtest/gtest.h>

#include <cstdio>

#include "pipeline_fixtures.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/pipeline/explore.hpp"

namespace {

using namespace tlsx;
using tlsx::testing::small_glass_set;

ExploreOptions options() {
  ExploreOptions o;
  o.temperature = 0.45;
  o.dt = 0.0025;
  o.tau_cg = 50;
  o.n_cg = 4;
  o.seed = 5;
  o.store_all_is = true;
  return o;
}

Library explore(const GlassSet& g, const ExploreOptions& o) {
  CpuBackend cpu(2);
  Exploration e(g, o);
  while (!e.finished()) e.cycle(cpu);
  return e.library(g);
}

// Glass 1 of three with particle 0 put 0.05 sigma from particle 1: the first MD step explodes.
GlassSet with_overlap() {
  GlassSet g = small_glass_set(216, 3, 42);
  const std::size_t n = g.n, base = 3 * n;
  for (int d = 0; d < 3; ++d) g.positions[base + d * n + 0] = g.positions[base + d * n + 1] + (d == 0 ? 0.05 : 0.0);
  return g;
}

GlassSet without_glass_1(const GlassSet& g) {
  GlassSet s = tlsx::testing::single_glass(g, 0);
  const GlassSet third = tlsx::testing::single_glass(g, 2);
  s.ids.push_back(third.ids[0]);
  s.positions.insert(s.positions.end(), third.positions.begin(), third.positions.end());
  s.velocities.insert(s.velocities.end(), third.velocities.begin(), third.velocities.end());
  s.species.insert(s.species.end(), third.species.begin(), third.species.end());
  s.energy.push_back(third.energy[0]);
  s.swap_acceptance.push_back(third.swap_acceptance[0]);
  return s;
}

TEST(ExploreBlowUp, BlownUpGlassIsMarkedAndTheOthersExploreAsWithoutIt) {
  const GlassSet g = with_overlap();
  const Library lib = explore(g, options());
  EXPECT_EQ(lib.glasses.status, (std::vector<std::int32_t>{0, static_cast<int>(GlassStatus::blown_up_explore), 0}));
  EXPECT_EQ(lib.glasses.quenches, (std::vector<std::int64_t>{4, 0, 4}));
  EXPECT_EQ(lib.glasses.n_is[1], 0);
  const Library others = explore(without_glass_1(g), options());
  EXPECT_EQ(lib.exploration.sequence, others.exploration.sequence);
  EXPECT_EQ(lib.inherent_structures.energy, others.inherent_structures.energy);  // bitwise
  EXPECT_EQ(lib.inherent_structures.coordinates, others.inherent_structures.coordinates);
}

TEST(ExploreBlowUp, GlassBlownUpInThePreparationIsCarriedUnexplored) {
  GlassSet g = small_glass_set(216, 2, 43);
  g.status = {0, 1};
  const Library lib = explore(g, options());
  EXPECT_EQ(lib.glasses.status, (std::vector<std::int32_t>{0, static_cast<int>(GlassStatus::blown_up_prepare)}));
  EXPECT_EQ(lib.glasses.quenches, (std::vector<std::int64_t>{4, 0}));
  const Library alone = explore(tlsx::testing::single_glass(g, 0), options());
  EXPECT_EQ(lib.exploration.sequence, alone.exploration.sequence);
  EXPECT_EQ(lib.inherent_structures.energy, alone.inherent_structures.energy);
}

TEST(ExploreBlowUp, CheckpointAfterTheBlowUpResumesToTheSameLibrary) {
  const GlassSet g = with_overlap();
  const Library whole = explore(g, options());
  const std::string ckpt = tlsx::testing::temp_path("blow_up.ckpt");
  {
    CpuBackend cpu(1);
    Exploration e(g, options());
    e.cycle(cpu);
    e.cycle(cpu);
    e.save_checkpoint(ckpt);
  }
  CpuBackend cpu(2);
  Exploration resumed = Exploration::resume(ckpt, g, options());
  while (!resumed.finished()) resumed.cycle(cpu);
  const Library lib = resumed.library(g);
  EXPECT_EQ(lib.glasses.status, whole.glasses.status);
  EXPECT_EQ(lib.glasses.quenches, whole.glasses.quenches);
  EXPECT_EQ(lib.exploration.sequence, whole.exploration.sequence);
  EXPECT_EQ(lib.inherent_structures.energy, whole.inherent_structures.energy);
  std::remove(ckpt.c_str());
}

}  // namespace
