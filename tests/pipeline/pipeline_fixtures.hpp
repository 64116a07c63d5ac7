#pragma once
// Small glass sets for the pipeline tests: jittered KA2 lattices (tests/common) relaxed to their
// inherent structure, so that exploration MD starts from a mechanically sane configuration.
#include <unistd.h>

#include <cmath>
#include <string>
#include <vector>

#include "../common/test_systems.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/engine/forces.hpp"
#include "tlsx/pipeline/glass_set.hpp"

namespace tlsx::testing {

inline GlassSet small_glass_set(int n, int count, unsigned seed, std::int64_t first_id = 0) {
  GlassSet g;
  g.model = ka2_model();
  g.n = n;
  g.box = Box::cubic(g.model.box_length(n));
  g.fictive_temperature = 0.617;
  g.seed = seed;
  g.config = "test fixture";
  ReplicaBatch batch = lattice_batch(g.model, n, count, seed, 0.3);
  CpuBackend cpu(2);
  MinimizeParams quench;
  quench.force_tolerance = 1e-6;
  cpu.minimize(batch, g.model.pair_table(), quench);
  const std::vector<ForceResult> f = cpu.forces(batch, g.model.pair_table());
  for (int r = 0; r < count; ++r) {
    g.ids.push_back(first_id + r);
    g.positions.insert(g.positions.end(), batch.pos(r), batch.pos(r) + 3 * n);
    g.velocities.insert(g.velocities.end(), 3 * n, 0.0);
    g.species.insert(g.species.end(), batch.species(r), batch.species(r) + n);
    g.energy.push_back(f[r].energy / n);
    g.swap_acceptance.push_back(0.0);
  }
  return g;
}

// A GlassSet holding only glass k of `g` (for batch-independence tests).
inline GlassSet single_glass(const GlassSet& g, int k) {
  GlassSet s = g;
  const std::size_t n = g.n, n3 = 3 * n;
  s.ids = {g.ids[k]};
  s.positions.assign(g.positions.begin() + k * n3, g.positions.begin() + (k + 1) * n3);
  s.velocities.assign(g.velocities.begin() + k * n3, g.velocities.begin() + (k + 1) * n3);
  s.species.assign(g.species.begin() + k * n, g.species.begin() + (k + 1) * n);
  s.energy = {g.energy[k]};
  s.swap_acceptance = {g.swap_acceptance[k]};
  return s;
}

inline std::string temp_path(const std::string& name) {
  return std::string(::testing::TempDir()) + "tlsx_pipeline_" + std::to_string(::getpid()) + "_" + name;
}

}  // namespace tlsx::testing
