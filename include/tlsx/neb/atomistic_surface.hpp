#pragma once
// The glass's potential energy surface as a PathSurface: the images of a band are replicas of a
// ReplicaBatch and their forces come from a Backend (CPU: images in parallel over OpenMP; CUDA:
// one block per image). Configurations are 3N vectors in ReplicaView's SoA layout, unwrapped;
// displacements use the minimum image per particle (orthorhombic box).
//
// Every evaluation and minimisation goes through a SurfaceBatcher (surface_batcher.hpp): a surface
// built on a shared batcher has its requests served together with those of the other searches of
// SurfaceBatcher::run (batched NEB); a surface built on a backend owns a private batcher and is
// served at once.
#include <memory>
#include <vector>

#include "tlsx/backend/backend.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/neb/path_surface.hpp"
#include "tlsx/neb/surface_batcher.hpp"

namespace tlsx {

class AtomisticSurface final : public PathSurface {
 public:
  // A surface of its own. species: n 0-based species indices shared by every image. skin:
  // neighbour-list skin.
  AtomisticSurface(Backend& backend, const PairTable& table, const Box& box, std::vector<int> species,
                   double skin = 0.3);
  // A surface whose requests are batched with the other searches of `batcher` (its model, box and
  // skin).
  AtomisticSurface(SurfaceBatcher& batcher, std::vector<int> species);

  int particles() const override { return static_cast<int>(species_.size()); }
  int spatial_dimension() const override { return 3; }
  bool translation_invariant() const override { return true; }  // periodic box, pair potential
  void evaluate(const double* x, int count, double* energy, double* force) override;
  void displacement(const double* a, const double* b, double* out) const override;
  // Backend::minimize with `minimize_params` (its force tolerance replaced by the argument).
  RelaxOutcome minimize(std::vector<double>& x, double force_tolerance) override;

  const Box& box() const { return batcher_->box(); }
  const std::vector<int>& species() const { return species_; }
  MinimizeParams minimize_params;

 private:
  std::unique_ptr<SurfaceBatcher> own_batcher_;  // set when built on a backend
  SurfaceBatcher* batcher_;
  std::vector<int> species_;
};

// out = b - a for n particles (spatial blocks of n), per particle the nearest periodic image in `box`:
// AtomisticSurface::displacement, for code that holds configurations but no surface.
void minimum_image_displacement(const Box& box, int n, const double* a, const double* b, double* out);

}  // namespace tlsx
