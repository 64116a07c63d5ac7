#pragma once
// WKB integrals over a double well (paper Eqs. 14-15), hbar = 1, p(s) = sqrt(2 m (eps - V(s))):
//   action  S(eps) = int_a^b |p| ds   between the turning points a < b around the barrier,
//   transit T(eps) = int_0^a ds / p   from the lower minimum (s = 0) to the turning point a.
// Turning points at energy eps: a is where V first reaches eps walking from the lower minimum
// towards the barrier, b where it first reaches eps walking from the higher minimum (b = d when
// eps lies below the higher minimum, dV > eps: the barrier then extends to that minimum). When eps
// lies above the barrier top, a = b = s_top and S = 0.
//
// Both integrands have square-root behaviour at turning points (|p| ~ sqrt(s - a), 1/p ~ 1/sqrt(a - s)).
// The map s = c - r cos(theta), theta in [0, pi], ds = r sin(theta) dtheta, removes it (sin(theta)
// vanishes like sqrt(s - a) there), and the theta range is cut at the images of the spline knots, so
// each piece is integrated by 8-point Gauss-Legendre over an analytic integrand.
#include <cmath>

#include "tlsx/core/hd.hpp"
#include "tlsx/quantum/cubic_spline.hpp"
#include "tlsx/quantum/double_well.hpp"

namespace tlsx::quantum {

namespace detail {

// 8-point Gauss-Legendre on [-1, 1]: node +-x[j], weight w[j].
TLSX_HD inline void gauss_legendre8(int j, double& x, double& w) {
  const double xs[4] = {0.18343464249564980494, 0.52553240991632898582, 0.79666647741362673959,
                        0.96028985649753623168};
  const double ws[4] = {0.36268378337836198297, 0.31370664587788728734, 0.22238103445337447054,
                        0.10122853629037625915};
  x = xs[j];
  w = ws[j];
}

// int_lo^hi f(V(s)) ds over the inner spline with the cosine map; `f(v, jacobian)` returns the
// integrand times the jacobian ds/dtheta.
template <class F>
TLSX_HD double mapped_integral(const DoubleWell& dw, double lo, double hi, F f) {
  if (!(hi > lo)) return 0.0;
  const double c = 0.5 * (lo + hi), r = 0.5 * (hi - lo);
  const PiecewiseCubic& p = dw.inner;
  int k = p.locate(lo, 0);
  double theta_a = 0.0, total = 0.0;
  while (true) {
    const bool last = (k >= p.n - 1) || !(p.x[k + 1] < hi);
    double theta_b = 3.14159265358979323846;
    if (!last) {
      double z = (c - p.x[k + 1]) / r;
      z = z > 1.0 ? 1.0 : (z < -1.0 ? -1.0 : z);
      theta_b = acos(z);
    }
    const double mid = 0.5 * (theta_a + theta_b), half = 0.5 * (theta_b - theta_a);
    for (int j = 0; j < 4; ++j) {
      double xg, wg;
      gauss_legendre8(j, xg, wg);
      for (int sign = -1; sign <= 1; sign += 2) {
        const double theta = mid + sign * half * xg;
        const double s = c - r * cos(theta);
        const double v = p.seg[k].value(s - p.x[k]);
        total += half * wg * f(v, r * sin(theta));
      }
    }
    if (last) break;
    theta_a = theta_b;
    ++k;
  }
  return total;
}

// Where V first reaches eps walking from s = 0 (forward) or from s = d (backward) over the inner
// spline; the walk ends at the barrier top.
TLSX_HD inline double first_crossing(const DoubleWell& dw, double eps, bool forward) {
  const PiecewiseCubic& p = dw.inner;
  for (int step = 0; step < p.n; ++step) {
    const int k = forward ? step : p.n - 1 - step;
    const double h = p.x[k + 1] - p.x[k];
    double br[4];
    br[0] = 0.0;
    const int nc = critical_points(p.seg[k], 0.0, h, br + 1);
    int nb = nc + 1;
    if (br[nb - 1] < h) br[nb++] = h;
    // Monotone pieces [br[i], br[i+1]], visited in walking order.
    for (int q = 0; q + 1 < nb; ++q) {
      const int i = forward ? q : nb - 2 - q;
      const double u_from = forward ? br[i] : br[i + 1], u_to = forward ? br[i + 1] : br[i];
      if (p.seg[k].value(u_to) >= eps) {
        if (p.seg[k].value(u_from) >= eps) return p.x[k] + u_from;
        return p.x[k] + solve_monotone(p.seg[k], br[i], br[i + 1], eps);
      }
    }
  }
  return dw.s_top;
}

}  // namespace detail

// The turning points a <= b around the barrier at energy eps (see the file comment).
TLSX_HD inline void turning_points(const DoubleWell& dw, double eps, double& a, double& b) {
  if (eps >= dw.V_top) {
    a = b = dw.s_top;
    return;
  }
  a = detail::first_crossing(dw, eps, true);
  b = dw.dV >= eps ? dw.d : detail::first_crossing(dw, eps, false);
  if (b < a) b = a;
}

// S = int_a^b sqrt(2 m |V - eps|) ds (the barrier action of Eqs. 14-15).
TLSX_HD inline double barrier_action(const DoubleWell& dw, double mass, double eps, double a,
                                     double b) {
  return detail::mapped_integral(dw, a, b, [=](double v, double jac) {
    return sqrt(2.0 * mass * fabs(v - eps)) * jac;
  });
}

// T = int_0^a ds / sqrt(2 m (eps - V)) (the well transit of Eq. 14; m T is the classical time from
// the lower minimum to the turning point, a quarter period in a harmonic well).
TLSX_HD inline double well_transit(const DoubleWell& dw, double mass, double eps, double a) {
  return detail::mapped_integral(dw, 0.0, a, [=](double v, double jac) {
    return jac / sqrt(2.0 * mass * fabs(eps - v));
  });
}

// Action int sqrt(2 m (k x^2 / 2 - e)) dx over the classically forbidden part of a harmonic tail
// x in [0, X] (e the energy above that minimum): from the turning point sqrt(2 e / k) when e > 0.
TLSX_HD inline double harmonic_tail_action(double mass, double k, double e, double X) {
  const double pref = 0.5 * sqrt(mass * k);
  if (e > 0.0) {
    const double xt = sqrt(2.0 * e / k);
    if (X <= xt) return 0.0;
    return pref * (X * sqrt(X * X - xt * xt) - xt * xt * acosh(X / xt));
  }
  const double q2 = -2.0 * e / k;
  if (q2 == 0.0) return pref * X * X;
  return pref * (X * sqrt(X * X + q2) + q2 * asinh(X / sqrt(q2)));
}

// How far beyond a minimum of curvature k the harmonic tail must reach for a level e above that
// minimum to decay by exp(-action) in amplitude.
TLSX_HD inline double harmonic_tail_length(double mass, double k, double e, double action) {
  double lo = e > 0.0 ? sqrt(2.0 * e / k) : 0.0;
  double hi = lo + 1.0 / sqrt(sqrt(mass * k));
  while (harmonic_tail_action(mass, k, e, hi) < action) hi = lo + 2.0 * (hi - lo);
  for (int it = 0; it < 100 && hi - lo > 1e-12 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (harmonic_tail_action(mass, k, e, mid) < action) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return hi;
}

}  // namespace tlsx::quantum
