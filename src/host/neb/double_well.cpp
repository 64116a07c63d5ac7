#include "tlsx/neb/double_well.hpp"

#include <algorithm>
#include <cmath>

#include "tlsx/core/error.hpp"

namespace tlsx {

PairDisplacement pair_displacement(const PathSurface& surface, const double* a, const double* b) {
  const int n = surface.particles(), dims = surface.spatial_dimension();
  std::vector<double> d(surface.dimension());
  surface.displacement(a, b, d.data());
  double sum2 = 0.0, sum4 = 0.0, largest = 0.0;
  for (int i = 0; i < n; ++i) {
    double di2 = 0.0;  // |r_i^a - r_i^b|^2
    for (int c = 0; c < dims; ++c) di2 += d[c * n + i] * d[c * n + i];
    sum2 += di2;
    sum4 += di2 * di2;
    largest = std::max(largest, di2);
  }
  PairDisplacement out;
  out.distance = std::sqrt(sum2);
  out.d = std::sqrt(sum2 / n);                                     // Eq. 7
  out.participation_ratio = sum4 > 0.0 ? sum2 * sum2 / sum4 : 0.0;  // Eq. 16
  out.max_displacement = std::sqrt(largest);
  return out;
}

DoubleWell make_double_well(const PathSurface& surface, const BandResult& band) {
  if (!band.converged()) throw Error("double well: the path has not converged (" + band.reason + ")");
  const PathProfile profile = band_profile(band);
  const ProfileAnalysis top = analyse_profile(profile, 0.0);
  const int m = band.images;
  const double S = profile.length();

  DoubleWell dw;
  dw.first_is_lower = band.energy.front() <= band.energy.back();
  dw.energy_1 = std::min(band.energy.front(), band.energy.back());
  dw.energy_2 = std::max(band.energy.front(), band.energy.back());
  dw.energy_ts = top.v_max;
  dw.barrier = dw.energy_ts - dw.energy_1;
  dw.asymmetry = dw.energy_2 - dw.energy_1;
  dw.barrier_height = dw.barrier - 0.5 * dw.asymmetry;

  const PairDisplacement pd = pair_displacement(surface, band.image(0), band.image(m - 1));
  dw.distance = pd.distance;
  dw.d = pd.d;
  dw.participation_ratio = pd.participation_ratio;
  dw.max_displacement = pd.max_displacement;
  dw.arc_length = S;

  const double s_low = dw.first_is_lower ? 0.0 : S, s_high = dw.first_is_lower ? S : 0.0;
  dw.omega_1 = std::sqrt(std::fabs(profile.second_derivative(s_low)));
  dw.omega_2 = std::sqrt(std::fabs(profile.second_derivative(s_high)));
  dw.omega_ts = std::sqrt(std::fabs(top.curvature_max));
  dw.s_ts = dw.first_is_lower ? top.s_max : S - top.s_max;

  dw.s.resize(m);
  dw.v.resize(m);
  dw.slope.resize(m);
  for (int k = 0; k < m; ++k) {
    const int j = dw.first_is_lower ? k : m - 1 - k;  // image index in the band's orientation
    dw.s[k] = dw.first_is_lower ? profile.s()[j] : S - profile.s()[j];
    dw.v[k] = profile.v()[j] - dw.energy_1;
    dw.slope[k] = dw.first_is_lower ? profile.slope()[j] : -profile.slope()[j];
  }
  dw.images = m;
  dw.climbing_image = band.climbing_image < 0 ? -1 : (dw.first_is_lower ? band.climbing_image : m - 1 - band.climbing_image);
  dw.max_band_force = band.max_band_force;
  dw.iterations = band.iterations;
  dw.force_evaluations = band.force_evaluations;
  return dw;
}

}  // namespace tlsx
