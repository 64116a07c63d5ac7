#pragma once
// Small KA2-like systems for unit tests: a jittered simple-cubic lattice at the model's density
// with species assigned by a seeded shuffle. Deterministic for a given seed.
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx::testing {

inline constexpr double kTestSkin = 0.3;

// Fills replica r of `batch` (n must be a cube: 216, 343, 512, ...). jitter in units of the spacing.
inline void fill_lattice(ReplicaBatch& batch, int r, const Model& model, unsigned seed, double jitter = 0.15) {
  const int n = batch.n();
  const int m = static_cast<int>(std::lround(std::cbrt(n)));
  const double a = batch.box().length[0] / m;
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  double* p = batch.pos(r);
  int i = 0;
  for (int ix = 0; ix < m; ++ix)
    for (int iy = 0; iy < m; ++iy)
      for (int iz = 0; iz < m; ++iz, ++i) {
        p[i] = (ix + 0.5 + jitter * u(gen)) * a;
        p[n + i] = (iy + 0.5 + jitter * u(gen)) * a;
        p[2 * n + i] = (iz + 0.5 + jitter * u(gen)) * a;
      }
  std::vector<int> species;
  const std::vector<int> counts = model.composition(n);
  for (int s = 0; s < static_cast<int>(counts.size()); ++s) species.insert(species.end(), counts[s], s);
  std::shuffle(species.begin(), species.end(), gen);
  std::copy(species.begin(), species.end(), batch.species(r));
  std::fill_n(batch.vel(r), 3 * n, 0.0);
}

// A batch of `count` lattice replicas of n particles of the model at its density.
inline ReplicaBatch lattice_batch(const Model& model, int n, int count, unsigned seed, double jitter = 0.15) {
  const double l = model.box_length(n);
  ReplicaBatch batch(n, count, Box::cubic(l), model.pair_table().max_cutoff + kTestSkin, kTestSkin);
  for (int r = 0; r < count; ++r) fill_lattice(batch, r, model, seed + 7919u * r, jitter);
  return batch;
}

// Independent float64 reference: all pairs, minimum image, straight from the pair table's
// parameters (no neighbour list). Energy, virial and forces (SoA).
struct DirectSum {
  double energy = 0.0, virial = 0.0;
  std::vector<double> force;
};

inline DirectSum direct_sum(const Model& model, const Box& box, const double* pos, const int* species, int n) {
  DirectSum out;
  out.force.assign(3 * n, 0.0);
  const int ns = model.n_species();
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      double d[3], r2 = 0.0;
      for (int k = 0; k < 3; ++k) {
        d[k] = pos[k * n + i] - pos[k * n + j];
        d[k] -= box.length[k] * std::round(d[k] / box.length[k]);
        r2 += d[k] * d[k];
      }
      const double eps = model.epsilon[species[i] * ns + species[j]];
      const double sig = model.sigma[species[i] * ns + species[j]];
      const double xc = model.cutoff_ratio, r = std::sqrt(r2);
      if (r >= xc * sig) continue;
      const double c0 = 10 / std::pow(xc, 6) - 28 / std::pow(xc, 12);
      const double c2 = 48 / std::pow(xc, 14) - 15 / std::pow(xc, 8);
      const double c4 = 6 / std::pow(xc, 10) - 21 / std::pow(xc, 16);
      const double sr = sig / r, x = r / sig;
      out.energy += 4 * eps * (std::pow(sr, 12) - std::pow(sr, 6) + c0 + c2 * x * x + c4 * std::pow(x, 4));
      const double dvdr = 4 * eps * (-12 * std::pow(sr, 12) / r + 6 * std::pow(sr, 6) / r + 2 * c2 * r / (sig * sig) +
                                     4 * c4 * r * r * r / std::pow(sig, 4));
      out.virial += -dvdr * r;
      for (int k = 0; k < 3; ++k) {
        out.force[k * n + i] += -dvdr * d[k] / r;
        out.force[k * n + j] -= -dvdr * d[k] / r;
      }
    }
  return out;
}

// Largest |a_k - b_k| over m values.
inline double max_abs_difference(const double* a, const double* b, std::size_t m) {
  double s = 0.0;
  for (std::size_t k = 0; k < m; ++k) s = std::max(s, std::fabs(a[k] - b[k]));
  return s;
}

// Maxwell-Boltzmann velocities at temperature T with zero total momentum (unit masses), from the
// test's own generator: the same numbers go to every backend under comparison.
inline void thermal_velocities(ReplicaBatch& batch, int r, double temperature, unsigned seed) {
  const int n = batch.n();
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> g(0.0, std::sqrt(temperature));
  double* v = batch.vel(r);
  for (int d = 0; d < 3; ++d) {
    double mean = 0.0;
    for (int i = 0; i < n; ++i) mean += (v[d * n + i] = g(gen));
    mean /= n;
    for (int i = 0; i < n; ++i) v[d * n + i] -= mean;
  }
}

}  // namespace tlsx::testing
