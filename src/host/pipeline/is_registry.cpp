#include "tlsx/pipeline/is_registry.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "tlsx/core/error.hpp"

namespace tlsx {

IsRegistry::IsRegistry(int n, const Box& box, const IsMatchTolerance& tolerance)
    : n_(n), box_(box), tolerance_(tolerance) {
  if (n <= 0) throw Error("inherent-structure registry: particle number must be positive");
  if (!(tolerance.energy_per_particle > 0.0) || !(tolerance.distance > 0.0))
    throw Error("inherent-structure registry: energy and distance tolerances must be positive");
}

std::int64_t IsRegistry::bucket_of(double energy) const {
  // Clamped so that the conversion is defined for any finite energy (buckets beyond +-2^62 merge).
  const double b = std::floor(energy / energy_window());
  return static_cast<std::int64_t>(std::max(-4.6e18, std::min(4.6e18, b)));
}

double IsRegistry::max_displacement(const double* a, const double* b, int n, const Box& box) {
  double shift[3] = {0.0, 0.0, 0.0};
  for (int d = 0; d < 3; ++d) {
    double s = 0.0;
    for (int i = 0; i < n; ++i) s += box.minimum_image(a[d * n + i] - b[d * n + i], d);
    shift[d] = s / n;
  }
  double worst2 = 0.0;
  for (int i = 0; i < n; ++i) {
    double r2 = 0.0;
    for (int d = 0; d < 3; ++d) {
      const double u = box.minimum_image(a[d * n + i] - b[d * n + i], d) - shift[d];
      r2 += u * u;
    }
    if (r2 > worst2) worst2 = r2;
  }
  return std::sqrt(worst2);
}

bool IsRegistry::same(const InherentStructure& s, const double* pos, double energy, double fraction) const {
  if (std::fabs(s.energy - energy) > fraction * energy_window()) return false;
  return max_displacement(s.pos.data(), pos, n_, box_) <= fraction * tolerance_.distance;
}

int IsRegistry::find(const double* pos, double energy) const {
  // An energy within the window of a stored one lies in the same bucket or a neighbouring one.
  const std::int64_t k = bucket_of(energy);
  int best = -1;
  double best_gap = 0.0;
  for (std::int64_t b = k - 1; b <= k + 1; ++b) {
    const auto it = buckets_.find(b);
    if (it == buckets_.end()) continue;
    for (const int id : it->second) {
      const InherentStructure& s = structures_[static_cast<std::size_t>(id)];
      const double gap = std::fabs(s.energy - energy);
      if ((best < 0 || gap < best_gap) && same(s, pos, energy)) {
        best = id;
        best_gap = gap;
      }
    }
  }
  return best;
}

int IsRegistry::screen(const double* pos, double energy) const {
  // Every known IS within the full tolerances lies in the three buckets around the energy (find()).
  const std::int64_t k = bucket_of(energy);
  int clear = -1, near = 0;
  for (std::int64_t b = k - 1; b <= k + 1; ++b) {
    const auto it = buckets_.find(b);
    if (it == buckets_.end()) continue;
    for (const int id : it->second) {
      const InherentStructure& s = structures_[static_cast<std::size_t>(id)];
      if (!same(s, pos, energy)) continue;
      ++near;
      if (same(s, pos, energy, kScreenFraction)) clear = id;
    }
  }
  return near == 1 ? clear : -1;
}

IsRegistry::Match IsRegistry::revisit(int id) {
  if (id < 0 || id >= size()) throw Error("inherent-structure registry: revisit of unknown IS " + std::to_string(id));
  structures_[static_cast<std::size_t>(id)].visits += 1;
  return {id, false};
}

IsRegistry::Match IsRegistry::add(const double* pos, double energy, double time, std::int64_t quench) {
  if (!std::isfinite(energy)) throw Error("inherent-structure registry: quench energy is not finite");
  const int found = find(pos, energy);
  if (found >= 0) {
    structures_[static_cast<std::size_t>(found)].visits += 1;
    return {found, false};
  }
  InherentStructure s;
  s.id = size();
  s.energy = energy;
  s.first_seen = time;
  s.first_quench = quench;
  s.visits = 1;
  s.pos.assign(pos, pos + 3 * static_cast<std::size_t>(n_));
  buckets_[bucket_of(energy)].push_back(s.id);
  structures_.push_back(std::move(s));
  return {structures_.back().id, true};
}

IsRegistry IsRegistry::restore(int n, const Box& box, const IsMatchTolerance& tolerance,
                               std::vector<InherentStructure> structures) {
  IsRegistry r(n, box, tolerance);
  for (std::size_t k = 0; k < structures.size(); ++k) {
    InherentStructure& s = structures[k];
    if (s.id != static_cast<int>(k))
      throw Error("inherent-structure registry: stored ids are not 0.." + std::to_string(structures.size() - 1));
    if (s.pos.size() != 3 * static_cast<std::size_t>(n))
      throw Error("inherent-structure registry: IS " + std::to_string(k) + " has no coordinates");
    if (!std::isfinite(s.energy))
      throw Error("inherent-structure registry: IS " + std::to_string(k) + " has a non-finite energy");
    r.buckets_[r.bucket_of(s.energy)].push_back(s.id);
  }
  r.structures_ = std::move(structures);
  return r;
}

}  // namespace tlsx
