#pragma once
// Independent references for the quantum tests: analytic double wells and a sinc discrete-variable
// representation (Colbert & Miller, J. Chem. Phys. 96, 1982 (1992)) diagonalised densely with Eigen.
// The DVR is a different discretisation from the solver's Numerov grid (spectral rather than O(h^4)),
// so agreement between the two shows that both are converged.
#include <Eigen/Dense>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "tlsx/quantum/numerov_sturm.hpp"
#include "tlsx/quantum/splitting.hpp"

namespace tlsx_test {

// V(s) = a (s^2 - b^2)^2 + c s, a double well with minima near +-b (the lower one at -b for c > 0).
struct Quartic {
  double a, b, c;
  double value(double s) const { return a * (s * s - b * b) * (s * s - b * b) + c * s; }
  double slope(double s) const { return 4.0 * a * s * (s * s - b * b) + c; }
  double curvature(double s) const { return 4.0 * a * (3.0 * s * s - b * b); }
  // The minimum near s0 (Newton on V').
  double minimum_near(double s0) const {
    double s = s0;
    for (int i = 0; i < 100; ++i) s -= slope(s) / curvature(s);
    return s;
  }
  void sample(double s0, double h, int n, double* out) const {
    for (int i = 0; i < n; ++i) out[i] = value(s0 + i * h);
  }
};

// The quartic between its minima, continued harmonically beyond them with the quartic's own curvature
// there: exactly the potential the profile solver builds from a sampled quartic (up to spline error).
struct ExtendedQuartic {
  Quartic q;
  double s_left, s_right, v_left, v_right, k_left, k_right;
  explicit ExtendedQuartic(const Quartic& quartic) : q(quartic) {
    s_left = q.minimum_near(-q.b);
    s_right = q.minimum_near(q.b);
    v_left = q.value(s_left);
    v_right = q.value(s_right);
    k_left = q.curvature(s_left);
    k_right = q.curvature(s_right);
  }
  double value(double s) const {
    if (s < s_left) return v_left + 0.5 * k_left * (s - s_left) * (s - s_left);
    if (s > s_right) return v_right + 0.5 * k_right * (s - s_right) * (s - s_right);
    return q.value(s);
  }
  void sample(double s0, double h, int n, double* out) const {
    for (int i = 0; i < n; ++i) out[i] = value(s0 + i * h);
  }
};

// The five lowest levels of -1/(2m) psi'' + V psi on a sinc-DVR grid of n points spanning [lo, hi].
inline std::vector<double> sinc_dvr_levels(const std::function<double(double)>& V, double lo, double hi, int n,
                                           double mass) {
  const double dx = (hi - lo) / (n - 1);
  const double t0 = 1.0 / (2.0 * mass * dx * dx);
  const double pi2 = M_PI * M_PI;
  Eigen::MatrixXd H(n, n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const int d = i - j;
      H(i, j) = d == 0 ? t0 * pi2 / 3.0 + V(lo + i * dx) : t0 * 2.0 * ((d % 2 == 0) ? 1.0 : -1.0) / double(d * d);
    }
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(H, Eigen::EigenvaluesOnly);
  std::vector<double> out(tlsx::quantum::kLevels);
  for (int k = 0; k < tlsx::quantum::kLevels; ++k) out[k] = es.eigenvalues()(k);
  return out;
}

// DVR levels checked for their own convergence: n and 1.25 n points must give E to rel_tol and each
// level to level_tol eps_5. A potential whose third derivative jumps (the harmonic extension at the
// minima) converges only algebraically: its levels shift together by more than E changes, and the
// caller passes a looser level_tol.
inline std::vector<double> converged_dvr_levels(const std::function<double(double)>& V, double lo, double hi,
                                                int n, double mass, double rel_tol = 1e-6,
                                                double level_tol = 1e-9) {
  const std::vector<double> coarse = sinc_dvr_levels(V, lo, hi, n, mass);
  const std::vector<double> fine = sinc_dvr_levels(V, lo, hi, n + n / 4, mass);
  const double Ec = coarse[1] - coarse[0], Ef = fine[1] - fine[0];
  EXPECT_LE(std::fabs(Ec - Ef), rel_tol * Ef) << "the DVR reference itself is not converged (n = " << n << ")";
  for (int k = 0; k < tlsx::quantum::kLevels; ++k)
    EXPECT_LE(std::fabs(coarse[k] - fine[k]), level_tol * fine[4]) << "DVR level " << k << " not converged";
  return fine;
}

// A profile of M images sampled from a potential at equal steps from s_from to s_to (the arc length
// is s - s_from), with dV/ds when `derivative` is given.
template <class F, class D>
tlsx::quantum::Profile sampled_profile(F value, D derivative, double s_from, double s_to, int M,
                                       bool with_derivative) {
  tlsx::quantum::Profile p;
  p.name = "sampled";
  for (int i = 0; i < M; ++i) {
    const double s = s_from + (s_to - s_from) * i / (M - 1);
    p.s.push_back(s - s_from);
    p.V.push_back(value(s));
    if (with_derivative) p.dVds.push_back(derivative(s));
  }
  return p;
}

inline tlsx::quantum::Profile quartic_profile(const Quartic& q, int M, bool with_derivative) {
  const double lo = q.minimum_near(-q.b), hi = q.minimum_near(q.b);
  return sampled_profile([&](double s) { return q.value(s); }, [&](double s) { return q.slope(s); }, lo, hi, M,
                         with_derivative);
}

// Domain for the references: beyond each minimum far enough (8 ground-state widths) for the fifth
// level to have decayed by ~e^-25.
inline void reference_domain(const Quartic& q, double mass, double& lo, double& hi) {
  const double sl = q.minimum_near(-q.b), sr = q.minimum_near(q.b);
  lo = sl - 8.0 / std::pow(mass * q.curvature(sl), 0.25);
  hi = sr + 8.0 / std::pow(mass * q.curvature(sr), 0.25);
}

}  // namespace tlsx_test
