#pragma once
// The stage options and input glasses that the checkpoint fuzz target resumes under, and that the
// seed tool (make_fuzz_seeds.cpp) writes its checkpoints with: the checkpoints of the corpus then
// carry the configuration hash the resume expects, so mutations reach past the header check.
#include <cmath>

#include "tlsx/pipeline/explore.hpp"
#include "tlsx/pipeline/glass_set.hpp"
#include "tlsx/pipeline/prepare.hpp"

namespace tlsx::fuzz {

// One glass of 256 particles (the smallest KA2 box above twice the cutoff plus skin), short runs.
inline PrepareOptions checkpoint_prepare_options() {
  PrepareOptions o;
  o.n = 256;
  o.glasses = 1;
  o.first_glass = 2;
  o.seed = 5;
  o.melt_steps = 20;
  o.steps = 40;
  o.sample_every = 10;
  return o;
}

// One glass of 7^3 particles on a simple cubic lattice with a deterministic jitter.
inline GlassSet checkpoint_glass_set() {
  GlassSet g;
  g.model = ka2_model();
  const int m = 7;
  g.n = m * m * m;
  const double l = g.model.box_length(g.n);
  g.box = Box::cubic(l);
  g.fictive_temperature = 0.617;
  g.seed = 9;
  g.config = "fuzz fixture";
  g.ids = {4};
  g.positions.resize(3 * g.n);
  const std::vector<int> counts = g.model.composition(g.n);
  for (int s = 0; s < static_cast<int>(counts.size()); ++s) g.species.insert(g.species.end(), counts[s], s);
  for (int i = 0; i < g.n; ++i) {
    const int cell[3] = {i / (m * m), (i / m) % m, i % m};
    for (int d = 0; d < 3; ++d) g.positions[d * g.n + i] = (cell[d] + 0.5 + 0.1 * std::sin(1.7 * i + d)) * l / m;
  }
  g.velocities.assign(3 * g.n, 0.0);
  g.energy = {0.0};
  g.swap_acceptance = {0.0};
  return g;
}

inline ExploreOptions checkpoint_explore_options() {
  ExploreOptions o;
  o.tau_cg = 10;
  o.n_cg = 6;
  o.seed = 3;
  o.minimize.force_tolerance = 1e-6;
  return o;
}

}  // namespace tlsx::fuzz
