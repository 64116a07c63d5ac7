#include "tlsx/neb/atomistic_surface.hpp"

#include <algorithm>
#include <cmath>

#include "tlsx/core/error.hpp"

namespace tlsx {

AtomisticSurface::AtomisticSurface(Backend& backend, const PairTable& table, const Box& box,
                                   std::vector<int> species, double skin)
    : backend_(backend), table_(table), box_(box), species_(std::move(species)), skin_(skin) {
  if (species_.empty()) throw Error("AtomisticSurface: no particles");
  for (int s : species_)
    if (s < 0 || s >= table_.n_species) throw Error("AtomisticSurface: species index out of range");
}

ReplicaBatch& AtomisticSurface::batch_for(int count) {
  if (batch_.size() != count) {
    const int n = particles();
    batch_ = ReplicaBatch(n, count, box_, table_.max_cutoff + skin_, skin_);
    for (int r = 0; r < count; ++r) std::copy(species_.begin(), species_.end(), batch_.species(r));
  }
  return batch_;
}

void AtomisticSurface::evaluate(const double* x, int count, double* energy, double* force) {
  const std::size_t m = dimension();
  ReplicaBatch& batch = batch_for(count);
  for (int r = 0; r < count; ++r) std::copy_n(x + r * m, m, batch.pos(r));
  const std::vector<ForceResult> results = backend_.forces(batch, table_);
  for (int r = 0; r < count; ++r) {
    energy[r] = results[r].energy;
    std::copy_n(batch.force(r), m, force + r * m);
  }
}

void AtomisticSurface::displacement(const double* a, const double* b, double* out) const {
  const int n = particles();
  for (int d = 0; d < 3; ++d)
    for (int i = 0; i < n; ++i) out[d * n + i] = box_.minimum_image(b[d * n + i] - a[d * n + i], d);
}

RelaxOutcome AtomisticSurface::minimize(std::vector<double>& x, double force_tolerance) {
  ReplicaBatch one(particles(), 1, box_, table_.max_cutoff + skin_, skin_);
  std::copy(species_.begin(), species_.end(), one.species(0));
  std::copy(x.begin(), x.end(), one.pos(0));
  MinimizeParams p = minimize_params;
  p.force_tolerance = force_tolerance;
  const MinimizeResult mr = backend_.minimize(one, table_, p)[0];
  std::copy_n(one.pos(0), x.size(), x.begin());
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
