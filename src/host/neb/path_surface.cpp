#include "tlsx/neb/path_surface.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace tlsx {

void PathSurface::displacement(const double* a, const double* b, double* out) const {
  const int m = dimension();
  for (int k = 0; k < m; ++k) out[k] = b[k] - a[k];
}

double PathSurface::max_particle_displacement(const double* a, const double* b) const {
  std::vector<double> d(dimension());
  displacement(a, b, d.data());
  return largest_particle_displacement(std::move(d), particles(), spatial_dimension(), translation_invariant());
}

double largest_particle_displacement(std::vector<double> d, int n, int dims, bool remove_translation) {
  if (remove_translation) {
    for (int c = 0; c < dims; ++c) {
      double mean = 0.0;
      for (int i = 0; i < n; ++i) mean += d[c * n + i];
      mean /= n;
      for (int i = 0; i < n; ++i) d[c * n + i] -= mean;
    }
  }
  double largest = 0.0;
  for (int i = 0; i < n; ++i) {
    double r2 = 0.0;
    for (int c = 0; c < dims; ++c) r2 += d[c * n + i] * d[c * n + i];
    largest = std::max(largest, r2);
  }
  return std::sqrt(largest);
}

double PathSurface::energy(const double* x) {
  std::vector<double> f(dimension());
  double e = 0.0;
  evaluate(x, 1, &e, f.data());
  return e;
}

RelaxOutcome PathSurface::minimize(std::vector<double>& x, double force_tolerance) {
  double e = 0.0;
  const auto force = [&](const std::vector<double>& y, std::vector<double>& f) {
    evaluate(y.data(), 1, &e, f.data());
    double largest = std::isfinite(e) ? 0.0 : NAN;
    for (double g : f) largest = std::isfinite(g) ? std::max(largest, std::fabs(g)) : NAN;
    return largest;
  };
  const FireOutcome fo = fire_descend(x, force, [](std::vector<double>&) {}, relax_fire, force_tolerance,
                                      relax_max_iterations);
  RelaxOutcome out;
  out.converged = fo.converged;
  out.energy = e;
  out.max_force = fo.measure;
  out.iterations = fo.iterations;
  out.force_evaluations = fo.force_evaluations;
  if (!fo.converged)
    out.reason = std::isfinite(fo.measure) ? "iteration limit " + std::to_string(relax_max_iterations) +
                                                 " reached with max force " + std::to_string(fo.measure)
                                           : "non-finite energy or force";
  return out;
}

}  // namespace tlsx
