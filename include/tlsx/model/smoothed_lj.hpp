#pragma once
// The smoothed Lennard-Jones pair potential of the paper, Eqs. 4-5:
//   V(r) = 4 eps [ (sigma/r)^12 - (sigma/r)^6 + C0 + C2 (r/sigma)^2 + C4 (r/sigma)^4 ]  for r < x_c sigma
//   V(r) = 0 beyond,
// with C0 = 10/x_c^6 - 28/x_c^12, C2 = 48/x_c^14 - 15/x_c^8, C4 = 6/x_c^10 - 21/x_c^16, so that V, V'
// and V'' vanish at the cutoff. The evaluator takes r^2 and returns V and F/r = -V'(r)/r, so a force
// is (F/r) * (r_i - r_j) with no square root.
#include "tlsx/core/hd.hpp"

namespace tlsx {

struct SmoothingCoefficients {
  double c0, c2, c4;
};

TLSX_HD inline SmoothingCoefficients smoothing_coefficients(double xc) {
  const double x2 = xc * xc, x4 = x2 * x2, x6 = x4 * x2, x8 = x4 * x4;
  const double x10 = x8 * x2, x12 = x6 * x6, x14 = x12 * x2, x16 = x8 * x8;
  return {10.0 / x6 - 28.0 / x12, 48.0 / x14 - 15.0 / x8, 6.0 / x10 - 21.0 / x16};
}

// Parameters of one species pair, precomputed so that evaluation is a handful of multiplications.
struct SmoothedLJPair {
  double eps4 = 0.0;        // 4 eps_ij
  double sigma2 = 1.0;      // sigma_ij^2
  double inv_sigma2 = 1.0;  // 1 / sigma_ij^2
  double rc2 = 0.0;         // (x_c sigma_ij)^2
  double c0 = 0.0, c2 = 0.0, c4 = 0.0;

  static SmoothedLJPair make(double eps, double sigma, double xc) {
    SmoothedLJPair p;
    const SmoothingCoefficients c = smoothing_coefficients(xc);
    p.eps4 = 4.0 * eps;
    p.sigma2 = sigma * sigma;
    p.inv_sigma2 = 1.0 / p.sigma2;
    p.rc2 = xc * xc * p.sigma2;
    p.c0 = c.c0;
    p.c2 = c.c2;
    p.c4 = c.c4;
    return p;
  }

  // Energy only (swap Monte Carlo needs no forces).
  TLSX_HD TLSX_INLINE double energy(double r2) const {
    if (r2 >= rc2) return 0.0;
    const double s2 = sigma2 / r2, s6 = s2 * s2 * s2;
    const double x2 = r2 * inv_sigma2;
    return eps4 * (s6 * s6 - s6 + c0 + x2 * (c2 + c4 * x2));
  }

  // energy() without branches given 1/r^2 (swap Monte Carlo evaluates two pair types per
  // distance): exactly 0 beyond the cutoff.
  TLSX_HD TLSX_INLINE double energy_masked(double r2, double inv_r2) const {
    const double s2 = sigma2 * inv_r2, s6 = s2 * s2 * s2;
    const double x2 = r2 * inv_sigma2;
    return (r2 < rc2 ? 1.0 : 0.0) * (eps4 * (s6 * s6 - s6 + c0 + x2 * (c2 + c4 * x2)));
  }

  // Energy and F/r = -(1/r) dV/dr. Returns false (and zeros) beyond the cutoff.
  TLSX_HD TLSX_INLINE bool evaluate(double r2, double& v, double& f_over_r) const {
    if (r2 >= rc2) {
      v = 0.0;
      f_over_r = 0.0;
      return false;
    }
    const double inv_r2 = 1.0 / r2;
    const double s2 = sigma2 * inv_r2, s6 = s2 * s2 * s2, s12 = s6 * s6;
    const double x2 = r2 * inv_sigma2;
    v = eps4 * (s12 - s6 + c0 + x2 * (c2 + c4 * x2));
    // -dV/dr / r = 4 eps [12 s12 / r^2 - 6 s6 / r^2 - 2 C2 / sigma^2 - 4 C4 r^2 / sigma^4]
    f_over_r = eps4 * ((12.0 * s12 - 6.0 * s6) * inv_r2 - inv_sigma2 * (2.0 * c2 + 4.0 * c4 * x2));
    return true;
  }

  // evaluate() without branches, for loops the compiler vectorises: beyond the cutoff v and
  // F/r are exact zeros (also -0.0), so sums over a list with extra entries are unchanged.
  TLSX_HD TLSX_INLINE void evaluate_masked(double r2, double& v, double& f_over_r) const {
    const double inside = r2 < rc2 ? 1.0 : 0.0;
    const double inv_r2 = 1.0 / r2;
    const double s2 = sigma2 * inv_r2, s6 = s2 * s2 * s2, s12 = s6 * s6;
    const double x2 = r2 * inv_sigma2;
    v = inside * (eps4 * (s12 - s6 + c0 + x2 * (c2 + c4 * x2)));
    f_over_r = inside * (eps4 * ((12.0 * s12 - 6.0 * s6) * inv_r2 - inv_sigma2 * (2.0 * c2 + 4.0 * c4 * x2)));
  }

  // Second radial derivative V''(r) (Hessians, curvatures along paths).
  TLSX_HD TLSX_INLINE double second_derivative(double r2) const {
    if (r2 >= rc2) return 0.0;
    const double inv_r2 = 1.0 / r2;
    const double s2 = sigma2 * inv_r2, s6 = s2 * s2 * s2, s12 = s6 * s6;
    // V'' = 4 eps [156 s12 / r^2 - 42 s6 / r^2 + 2 C2 / sigma^2 + 12 C4 r^2 / sigma^4]
    return eps4 * ((156.0 * s12 - 42.0 * s6) * inv_r2 + inv_sigma2 * (2.0 * c2 + 12.0 * c4 * r2 * inv_sigma2));
  }
};

}  // namespace tlsx
