#pragma once
// Two distinct inherent structures of one small KA2 glass connected by a local rearrangement, for
// the path tests: quench a jittered lattice, push one particle by 0.45 sigma, quench again; the
// first push (over a fixed list of particles and directions) that lands in a different minimum
// wins. Deterministic for a given n and seed.
#include <algorithm>
#include <cmath>
#include <vector>

#include "test_systems.hpp"
#include "tlsx/backend/backend.hpp"

namespace tlsx::testing {

struct InherentStructurePair {
  std::vector<int> species;
  std::vector<double> a, b;  // SoA configurations, 3n each; b empty when no push found another minimum
  double energy_a = 0.0, energy_b = 0.0;
};

inline InherentStructurePair inherent_structure_pair(Backend& backend, const Model& model, int n, unsigned seed) {
  ReplicaBatch batch = lattice_batch(model, n, 1, seed);
  InherentStructurePair pair;
  pair.species.assign(batch.species(0), batch.species(0) + n);
  MinimizeParams mp;
  mp.force_tolerance = 1e-10;
  const MinimizeResult first = backend.minimize(batch, model.pair_table(), mp)[0];
  if (!first.converged()) return pair;
  pair.a.assign(batch.pos(0), batch.pos(0) + 3 * n);
  pair.energy_a = first.energy;
  for (int i = 0; i < n && pair.b.empty(); i += 7) {
    for (int d = 0; d < 3 && pair.b.empty(); ++d) {
      std::copy(pair.a.begin(), pair.a.end(), batch.pos(0));
      batch.pos(0)[d * n + i] += 0.45;
      const MinimizeResult second = backend.minimize(batch, model.pair_table(), mp)[0];
      if (!second.converged() || std::fabs(second.energy - first.energy) < 1e-6) continue;
      pair.b.assign(batch.pos(0), batch.pos(0) + 3 * n);
      pair.energy_b = second.energy;
    }
  }
  return pair;
}

}  // namespace tlsx::testing
