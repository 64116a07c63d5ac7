#pragma once
// The quantum splitting of one double well at one mass (paper Sec. III C, Eqs. 9-15; docs/architecture.md §1
// "Quantum splitting"), as a TLSX_HD function over caller-provided workspace, so that the CPU batch
// (OpenMP over profiles) and a future GPU batch run the same code.
//
// Units: hbar = 1, lengths sigma, energies eps; m~ = m eps sigma^2 / hbar^2 (Eq. 11: 5250 "NiP",
// 1200 "Ar"). The Schrodinger equation along the arc length s,
//   -1/(2 m~) psi'' + V(s) psi = eps psi,
// is Eq. 10 with s = d xi. Energies are measured from the lower minimum (V = 0 there, double_well.hpp).
//   E       = eps_2 - eps_1, grid-converged (grid_levels.hpp)
//   T_Q     = 2 pi / m~ (Eq. 9 in these units); a TLS has E < T_Q
//   Delta   = dV + (omega_2 - omega_1) / 2, omega = sqrt(V''/m~) at each minimum, 1 the lower (Eq. 13)
//   Delta_0 = epsbar exp(-S(epsbar)), epsbar = (eps_1 + eps_2)/2 (Eq. 15)
//   Gamma   = (1/m~) T(eps_2)^-1 exp(-2 S(eps_2)) (Eq. 14), S and T as in wkb.hpp; in eps/hbar
//   V_a     = V_top (forward barrier from the lower minimum), dV >= 0, V_b = V_a - dV/2 (Fig. 5)
#include <cfloat>
#include <cmath>

#include "tlsx/core/hd.hpp"
#include "tlsx/quantum/double_well.hpp"
#include "tlsx/quantum/grid_levels.hpp"
#include "tlsx/quantum/numerov_sturm.hpp"
#include "tlsx/quantum/wkb.hpp"

namespace tlsx::quantum {

struct SplittingOptions {
  GridOptions grid;            // E to tol_E = 1e-4 relative, levels to 1e-4 of eps_5
  double decay_action = 20.0;  // the domain ends where the fifth level's wavefunction has decayed
                               // by exp(-decay_action) in amplitude beyond its outer turning point
  double h_factor = 0.3;       // first grid: h = h_factor / sqrt(2 m~ max(V_a, eps_5 estimate))
};

enum class SplittingStatus : int {
  ok = 0,             // E resolved to tol_E
  unresolved,         // E computed but not resolved to tol_E (below the rounding floor, or grid limit)
  profile_error,      // the profile is not a double well (see the ProfileStatus)
  no_levels,          // the level search failed
};

// The TLS criterion of the paper (Sec. III C, Eq. 9): a double well with a computed splitting
// E < T_Q = 2 pi / m~. The one definition used by the splitting stage (is_tls) and by tlsx analyze
// (N_TLS, n_0). E's error bar (splitting_error, ~1e-4 E when resolved) is stored beside it and not
// part of the criterion; rows below the rounding floor (E ~ 1e-13 and less) are TLS either way.
TLSX_HD inline bool counts_as_tls(double E, double T_Q) {
  return fabs(E) <= DBL_MAX && E < T_Q;  // a finite E (NaN compares false)
}

struct SplittingResult {
  SplittingStatus status = SplittingStatus::profile_error;
  ProfileStatus profile = ProfileStatus::ok;
  GridStatus grid = GridStatus::converged;
  double mass = 0.0;              // m~
  double T_Q = 0.0;               // 2 pi / m~
  double levels[kLevels] = {0, 0, 0, 0, 0};  // eps_1..eps_5, from the lower minimum
  double E = 0.0;                 // eps_2 - eps_1
  double E_error = 0.0;           // estimated absolute error: grid change and rounding floor
  bool resolved = false;          // E_error <= tol_E E
  double E_wkb = 0.0;             // sqrt(Delta^2 + Delta0^2), the two-level estimate of E
  double Delta = 0.0;             // Eq. 13
  double Delta0 = 0.0;            // Eq. 15
  double Gamma = 0.0;             // Eq. 14, eps/hbar
  double V_a = 0.0, dV = 0.0, V_b = 0.0;
  double omega_1 = 0.0, omega_2 = 0.0, omega_top = 0.0;  // sqrt(|V''|/m~) at the minima and the top
  double d = 0.0;                 // arc length between the minima
  double s_top = 0.0;             // barrier top, from the lower minimum
  double V_min = 0.0;             // the lower minimum's energy on the profile's own energy scale
  double s_origin = 0.0;          // the lower minimum on the profile's own arc length
  bool reversed = false;          // the profile's second minimum is the lower one
  bool is_tls = false;            // counts_as_tls(E, T_Q): E < T_Q
  int grid_points = 0;            // interior points of the finest grid
  double grid_spacing = 0.0;
  int grids = 0;                  // grids solved (each twice as fine as the last)
  double s_lo = 0.0, s_hi = 0.0;  // the Dirichlet walls (harmonic extension beyond the minima)
};

// T_Q = 2 pi / m~ in units of eps: the quantum temperature of Eq. 9 with hbar = k_B = 1 (m~ of
// Eq. 11); a TLS has E < T_Q.
TLSX_HD inline double quantum_temperature(double mass) { return 2.0 * 3.14159265358979323846 / mass; }

// The result for a profile that is not a double well (`why`): status profile_error, mass and T_Q set.
TLSX_HD inline SplittingResult profile_error_result(ProfileStatus why, double mass) {
  SplittingResult r;
  r.status = SplittingStatus::profile_error;
  r.profile = why;
  r.mass = mass;
  r.T_Q = quantum_temperature(mass);
  return r;
}

// Splitting of the prepared double well `dw` at mass m~. `work` holds `capacity` doubles: the largest
// grid allowed (GridOptions::max_points is also honoured).
TLSX_HD inline SplittingResult splitting_of(const DoubleWell& dw, double mass,
                                            const SplittingOptions& opt, double* work,
                                            int capacity) {
  SplittingResult out;
  out.profile = ProfileStatus::ok;
  out.mass = mass;
  out.T_Q = quantum_temperature(mass);
  out.V_a = dw.V_top;
  out.dV = dw.dV;
  out.V_b = dw.V_top - 0.5 * dw.dV;
  out.omega_1 = sqrt(dw.k_left / mass);
  out.omega_2 = sqrt(dw.k_right / mass);
  out.omega_top = sqrt(fabs(dw.k_top) / mass);
  out.d = dw.d;
  out.s_top = dw.s_top;
  out.V_min = dw.V_min;
  out.s_origin = dw.s_origin;
  out.reversed = dw.reversed;
  out.Delta = dw.dV + 0.5 * (out.omega_2 - out.omega_1);

  // The fifth level, estimated from the two harmonic wells (the wells soften towards the barrier,
  // so this is usually above it); checked against the computed level below.
  double harmonic[2 * kLevels];
  for (int j = 0; j < kLevels; ++j) {
    harmonic[j] = (j + 0.5) * out.omega_1;
    harmonic[kLevels + j] = dw.dV + (j + 0.5) * out.omega_2;
  }
  for (int i = 1; i < 2 * kLevels; ++i)  // insertion sort of 10 numbers
    for (int j = i; j > 0 && harmonic[j] < harmonic[j - 1]; --j) {
      const double t = harmonic[j];
      harmonic[j] = harmonic[j - 1];
      harmonic[j - 1] = t;
    }
  double eps_top = 1.25 * harmonic[kLevels - 1];

  GridLevels g;
  for (int attempt = 0; attempt < 4; ++attempt) {
    // Walls where the highest level needed has decayed by exp(-decay_action) in each tail.
    const double x_left = harmonic_tail_length(mass, dw.k_left, eps_top, opt.decay_action);
    const double x_right = harmonic_tail_length(mass, dw.k_right, eps_top - dw.dV, opt.decay_action);
    out.s_lo = -x_left;
    out.s_hi = dw.d + x_right;
    const double h0 = opt.h_factor / sqrt(2.0 * mass * fmax(dw.V_top, eps_top));
    g = converged_levels(dw, out.s_lo, out.s_hi, mass, h0, eps_top, opt.grid, work, capacity);
    if (g.status == GridStatus::no_bracket) {
      out.status = SplittingStatus::no_levels;
      out.grid = g.status;
      return out;
    }
    if (g.level[kLevels - 1] <= eps_top) break;
    eps_top = 1.25 * g.level[kLevels - 1];  // the domain was too short for the fifth level: widen
  }
  out.grid = g.status;
  for (int k = 0; k < kLevels; ++k) out.levels[k] = g.level[k];
  out.E = g.E;
  out.E_error = fmax(g.E_change, g.E_noise);
  out.grid_points = g.points;
  out.grid_spacing = g.h;
  out.grids = g.grids;
  out.resolved = g.status == GridStatus::converged && out.E_error <= opt.grid.tol_E * fabs(out.E);
  out.status = out.resolved ? SplittingStatus::ok : SplittingStatus::unresolved;
  out.is_tls = counts_as_tls(out.E, out.T_Q);

  // WKB (Eqs. 14-15) on the continuous potential.
  const double eps1 = out.levels[0], eps2 = out.levels[1];
  const double epsbar = 0.5 * (eps1 + eps2);
  double a, b;
  turning_points(dw, epsbar, a, b);
  out.Delta0 = epsbar * exp(-barrier_action(dw, mass, epsbar, a, b));
  turning_points(dw, eps2, a, b);
  const double transit = well_transit(dw, mass, eps2, a);
  out.Gamma = exp(-2.0 * barrier_action(dw, mass, eps2, a, b)) / (mass * transit);
  out.E_wkb = sqrt(out.Delta * out.Delta + out.Delta0 * out.Delta0);
  return out;
}

}  // namespace tlsx::quantum
