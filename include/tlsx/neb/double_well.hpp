#pragma once
// The classical quantities of one elementary double well (paper Sec. III C and Fig. 5), read off a
// converged minimum energy path without intermediate minimum. Plain data: the pipeline stores it in
// the DW library and hands the profile to the quantum splitting (include/tlsx/quantum/).
//
// Convention (paper): the lower minimum is on the left. "1" is the lower minimum, "2" the higher.
#include <vector>

#include "tlsx/neb/band.hpp"
#include "tlsx/neb/path_surface.hpp"

namespace tlsx {

struct DoubleWell {
  // Orientation: true when the path's first end point (A) is the lower minimum; the profile below
  // always runs from the lower to the higher minimum.
  bool first_is_lower = true;
  double energy_1 = 0.0;        // V at the lower minimum (absolute, eps)
  double energy_2 = 0.0;        // V at the higher minimum
  double energy_ts = 0.0;       // V at the transition state (maximum of the spline)
  double barrier = 0.0;         // V_a = V_TS - V_1, the forward barrier from the lower minimum
  double asymmetry = 0.0;       // Delta V = V_2 - V_1 >= 0
  double barrier_height = 0.0;  // V_b = V_a - Delta V / 2
  double distance = 0.0;        // |R_1 - R_2|, full 3N Euclidean norm (minimum image)
  double d = 0.0;               // Eq. 7: sqrt((1/N) sum_i |r_i^1 - r_i^2|^2)
  double participation_ratio = 0.0;  // Eq. 16: [sum_i d_i^2]^2 / sum_i d_i^4
  double max_displacement = 0.0;     // max_i d_i
  double arc_length = 0.0;      // S, length of the path (sum of the image-to-image distances)
  double s_ts = 0.0;            // arc length of the transition state from the lower minimum
  // Curvatures along the path (unit mass): omega = sqrt(|V''(s)|) at the lower minimum (omega_1),
  // the higher minimum (omega_2) and the transition state (omega_TS), from the spline.
  double omega_1 = 0.0, omega_2 = 0.0, omega_ts = 0.0;
  // The profile, from the lower minimum: s_k in [0, S], V_k - V_1, dV/ds_k.
  std::vector<double> s, v, slope;
  // How the path was obtained.
  int images = 0;
  int climbing_image = -1;      // in the stored orientation; -1 without climbing phase
  double max_band_force = 0.0;
  long iterations = 0;
  long force_evaluations = 0;
};

// Per-particle displacements between two configurations: Eq. 7's d, Eq. 16's PR, the 3N distance.
struct PairDisplacement {
  double distance = 0.0;
  double d = 0.0;
  double participation_ratio = 0.0;
  double max_displacement = 0.0;
};
PairDisplacement pair_displacement(const PathSurface& surface, const double* a, const double* b);

// The double well of a converged band (intermediate minima are the caller's business: see
// connect.hpp). Throws Error when the band has not converged.
DoubleWell make_double_well(const PathSurface& surface, const BandResult& band);

}  // namespace tlsx
