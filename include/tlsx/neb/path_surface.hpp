#pragma once
// The energy surface a minimum-energy path lives on, seen by the band algorithms (band.hpp) as a
// black box that returns energies and forces of a batch of configurations.
//
// A configuration is a flat vector of dimension() = particles() * spatial_dimension() doubles in
// the SoA layout of ReplicaView: coordinate d of particle i at x[d * particles() + i]. Two kinds:
//   - AtomisticSurface (atomistic_surface.hpp): the glass; a batch of configurations is a
//     ReplicaBatch whose replicas are the images, its forces come from a Backend (the CUDA backend
//     serves NEB this way: one image = one replica = one block);
//   - analytic two-dimensional surfaces for tests (analytic_surfaces.hpp): one "particle" in 2D.
// Displacements between configurations go through displacement(), which applies the minimum image
// per particle on a periodic surface, so that paths, tangents and distances never see box jumps.
#include <string>
#include <vector>

#include "tlsx/neb/fire_descent.hpp"

namespace tlsx {

// Outcome of relaxing one configuration to a local minimum of the surface.
struct RelaxOutcome {
  bool converged = false;
  double energy = 0.0;
  double max_force = 0.0;       // largest force component at the end
  long iterations = 0;
  long force_evaluations = 0;
  std::string reason;           // why it did not converge (empty when it did)
};

class PathSurface {
 public:
  virtual ~PathSurface() = default;

  virtual int particles() const = 0;
  virtual int spatial_dimension() const = 0;
  int dimension() const { return particles() * spatial_dimension(); }

  // Energies and forces (-gradient) of `count` configurations stored one after another in x
  // (count * dimension() doubles); writes energy[count] and force[count * dimension()].
  virtual void evaluate(const double* x, int count, double* energy, double* force) = 0;

  // out = b - a, per particle the nearest periodic image on a periodic surface.
  virtual void displacement(const double* a, const double* b, double* out) const;

  // Relaxes x to a local minimum (largest force component below force_tolerance). The default is
  // FIRE 2.0 through evaluate() with `relax_fire`; the atomistic surface uses its backend's
  // minimiser instead.
  virtual RelaxOutcome minimize(std::vector<double>& x, double force_tolerance);

  // True when the energy does not change under a rigid translation of all particles (a periodic
  // many-particle system): two minima that differ by a translation are then the same minimum.
  virtual bool translation_invariant() const { return false; }

  // Largest distance any particle moved between a and b (minimum image), after removing the mean
  // displacement on a translation-invariant surface (so that a rigidly shifted copy of a minimum
  // is recognised as that minimum): largest_particle_displacement of displacement(a, b).
  double max_particle_displacement(const double* a, const double* b) const;
  // Energy of one configuration (one evaluate() call).
  double energy(const double* x);

  FireParams relax_fire;       // used by the default minimize()
  long relax_max_iterations = 200000;
};

// Largest distance any particle moved, given the displacement d (spatial blocks of n, minimum image
// already taken), after removing the mean displacement when remove_translation is set.
double largest_particle_displacement(std::vector<double> d, int n, int dims, bool remove_translation);

}  // namespace tlsx
