#include "tlsx/neb/atomistic_surface.hpp"

#include <algorithm>
#include <cmath>

#include "tlsx/core/error.hpp"

namespace tlsx {

namespace {

std::vector<int> checked_species(std::vector<int> species, const PairTable& table) {
  if (species.empty()) throw Error("AtomisticSurface: no particles");
  for (int s : species)
    if (s < 0 || s >= table.n_species) throw Error("AtomisticSurface: species index out of range");
  return species;
}

}  // namespace

AtomisticSurface::AtomisticSurface(Backend& backend, const PairTable& table, const Box& box,
                                   std::vector<int> species, double skin)
    : own_batcher_(std::make_unique<SurfaceBatcher>(backend, table, box, skin)),
      batcher_(own_batcher_.get()),
      species_(checked_species(std::move(species), table)) {}

AtomisticSurface::AtomisticSurface(SurfaceBatcher& batcher, std::vector<int> species)
    : batcher_(&batcher), species_(checked_species(std::move(species), batcher.table())) {}

void AtomisticSurface::evaluate(const double* x, int count, double* energy, double* force) {
  batcher_->evaluate(species_, x, count, energy, force);
}

void minimum_image_displacement(const Box& box, int n, const double* a, const double* b, double* out) {
  for (int d = 0; d < 3; ++d)
    for (int i = 0; i < n; ++i) out[d * n + i] = box.minimum_image(b[d * n + i] - a[d * n + i], d);
}

void AtomisticSurface::displacement(const double* a, const double* b, double* out) const {
  minimum_image_displacement(box(), particles(), a, b, out);
}

RelaxOutcome AtomisticSurface::minimize(std::vector<double>& x, double force_tolerance) {
  if (x.size() != static_cast<std::size_t>(dimension())) throw Error("AtomisticSurface::minimize: wrong dimension");
  MinimizeParams p = minimize_params;
  p.force_tolerance = force_tolerance;
  const MinimizeResult mr = batcher_->minimize(species_, x.data(), p);
  RelaxOutcome out;
  out.converged = mr.converged();
  out.energy = mr.energy;
  out.max_force = mr.max_force;
  out.iterations = mr.iterations;
  out.force_evaluations = mr.force_evaluations;
  if (!out.converged)
    out.reason = "minimiser status " + std::to_string(mr.status) + " (max force " + std::to_string(mr.max_force) +
                 " after " + std::to_string(mr.iterations) + " iterations)";
  return out;
}

}  // namespace tlsx
