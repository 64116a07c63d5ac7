#pragma once
// The glass's potential energy surface as a PathSurface: the images of a band are the replicas of
// a ReplicaBatch and their forces come from a Backend (CPU: images in parallel over OpenMP; CUDA:
// one block per image). Configurations are 3N vectors in ReplicaView's SoA layout, unwrapped;
// displacements use the minimum image per particle (orthorhombic box).
#include <vector>

#include "tlsx/backend/backend.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/neb/path_surface.hpp"

namespace tlsx {

class AtomisticSurface final : public PathSurface {
 public:
  // species: n 0-based species indices shared by every image. skin: neighbour-list skin.
  AtomisticSurface(Backend& backend, const PairTable& table, const Box& box, std::vector<int> species,
                   double skin = 0.3);

  int particles() const override { return static_cast<int>(species_.size()); }
  int spatial_dimension() const override { return 3; }
  bool translation_invariant() const override { return true; }  // periodic box, pair potential
  void evaluate(const double* x, int count, double* energy, double* force) override;
  void displacement(const double* a, const double* b, double* out) const override;
  // Backend::minimize on a one-replica batch with `minimize_params` (its force tolerance replaced
  // by the argument).
  RelaxOutcome minimize(std::vector<double>& x, double force_tolerance) override;

  const Box& box() const { return box_; }
  const std::vector<int>& species() const { return species_; }
  MinimizeParams minimize_params;

 private:
  ReplicaBatch& batch_for(int count);

  Backend& backend_;
  PairTable table_;
  Box box_;
  std::vector<int> species_;
  double skin_;
  ReplicaBatch batch_;
};

}  // namespace tlsx
