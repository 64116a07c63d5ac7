#pragma once
// Piecewise cubic interpolation of a minimum-energy-path profile V(s) (paper Sec. III C: "interpolation
// of the MEP was carried out with a cubic spline"; docs/architecture.md §1 "Quantum splitting").
//   - a cubic Hermite spline when the tangential derivatives dV/ds of the images are known (NEB gives
//     them): exact for cubics, error (1/384) h^4 max|V''''|, C1 at the knots;
//   - a not-a-knot cubic spline otherwise: C2 at the knots, V''' continuous at the second and
//     second-to-last knots (no artificial V'' = 0 at the ends, which a natural spline would impose on
//     what are minima of the profile).
// Segment k covers [x_k, x_{k+1}] and stores V(x_k + u) = c0 + c1 u + c2 u^2 + c3 u^3.
// Everything here is TLSX_HD over plain arrays with caller-provided storage, so the batched GPU
// solver can run the same code as the CPU.
#include <cmath>

#include "tlsx/core/hd.hpp"

namespace tlsx::quantum {

struct Cubic {
  double c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0;

  TLSX_HD double value(double u) const { return c0 + u * (c1 + u * (c2 + u * c3)); }
  TLSX_HD double slope(double u) const { return c1 + u * (2.0 * c2 + 3.0 * c3 * u); }
  TLSX_HD double curvature(double u) const { return 2.0 * c2 + 6.0 * c3 * u; }

  // The same polynomial expanded about u = delta.
  TLSX_HD Cubic recentred(double delta) const {
    Cubic r;
    r.c0 = value(delta);
    r.c1 = slope(delta);
    r.c2 = c2 + 3.0 * c3 * delta;
    r.c3 = c3;
    return r;
  }
  // The same curve in the reversed variable u' = length - u (the segment seen from its other end).
  TLSX_HD Cubic reversed(double length) const {
    Cubic r;
    r.c0 = value(length);
    r.c1 = -slope(length);
    r.c2 = c2 + 3.0 * c3 * length;
    r.c3 = -c3;
    return r;
  }
  TLSX_HD Cubic shifted(double dv) const {
    Cubic r = *this;
    r.c0 += dv;
    return r;
  }
};

// The Hermite cubic on a segment of length h through (0, y0) and (h, y1) with slopes m0, m1.
TLSX_HD inline Cubic hermite_cubic(double h, double y0, double y1, double m0, double m1) {
  const double delta = (y1 - y0) / h;
  Cubic c;
  c.c0 = y0;
  c.c1 = m0;
  c.c2 = (3.0 * delta - 2.0 * m0 - m1) / h;
  c.c3 = (m0 + m1 - 2.0 * delta) / (h * h);
  return c;
}

// Knot slopes of the not-a-knot cubic spline through (x_k, y_k), k = 0..m-1, m >= 4, x increasing.
// The C2 conditions at the interior knots,
//   h_k m_{k-1} + 2 (h_{k-1} + h_k) m_k + h_{k-1} m_{k+1} = 3 (h_k d_{k-1} + h_{k-1} d_k),
// (h_k = x_{k+1} - x_k, d_k = (y_{k+1} - y_k) / h_k), closed by V''' continuous at x_1, which
// eliminated against the k = 1 row reads
//   h_1 m_0 + (h_0 + h_1) m_1 = [h_1 (3 h_0 + 2 h_1) d_0 + h_0^2 d_1] / (h_0 + h_1),
// and its mirror image at x_{m-2}. The system is tridiagonal; solved by elimination without pivoting
// (the interior rows are diagonally dominant). `scratch` holds 2 m doubles.
// Returns false when a pivot vanishes (only for degenerate knots).
TLSX_HD inline bool not_a_knot_slopes(int m, const double* x, const double* y, double* slope,
                                      double* scratch) {
  double* upper = scratch;      // modified super-diagonal
  double* rhs = scratch + m;    // modified right-hand side
  const double h0 = x[1] - x[0], h1 = x[2] - x[1];
  const double d0 = (y[1] - y[0]) / h0, d1 = (y[2] - y[1]) / h1;
  // Row 0: b0 m0 + c0 m1 = r0.
  double b = h1, c = h0 + h1;
  double r = (h1 * (3.0 * h0 + 2.0 * h1) * d0 + h0 * h0 * d1) / (h0 + h1);
  if (b == 0.0) return false;
  upper[0] = c / b;
  rhs[0] = r / b;
  for (int k = 1; k < m; ++k) {
    double a;  // sub-diagonal
    if (k < m - 1) {
      const double hl = x[k] - x[k - 1], hr = x[k + 1] - x[k];
      const double dl = (y[k] - y[k - 1]) / hl, dr = (y[k + 1] - y[k]) / hr;
      a = hr;
      b = 2.0 * (hl + hr);
      c = hl;
      r = 3.0 * (hr * dl + hl * dr);
    } else {  // last row, mirror of row 0
      const double hl = x[m - 2] - x[m - 3], hr = x[m - 1] - x[m - 2];
      const double dl = (y[m - 2] - y[m - 3]) / hl, dr = (y[m - 1] - y[m - 2]) / hr;
      a = hl + hr;
      b = hl;
      c = 0.0;
      r = (hr * hr * dl + hl * (2.0 * hl + 3.0 * hr) * dr) / (hl + hr);
    }
    const double pivot = b - a * upper[k - 1];
    if (pivot == 0.0) return false;
    upper[k] = c / pivot;
    rhs[k] = (r - a * rhs[k - 1]) / pivot;
  }
  slope[m - 1] = rhs[m - 1];
  for (int k = m - 2; k >= 0; --k) slope[k] = rhs[k] - upper[k] * slope[k + 1];
  return true;
}

// The segments of the Hermite spline with knot slopes `slope` (m knots -> m - 1 segments).
TLSX_HD inline void hermite_segments(int m, const double* x, const double* y, const double* slope,
                                     Cubic* seg) {
  for (int k = 0; k + 1 < m; ++k)
    seg[k] = hermite_cubic(x[k + 1] - x[k], y[k], y[k + 1], slope[k], slope[k + 1]);
}

// Critical points (V' = 0) of a cubic with u in [u0, u1), sorted; returns how many (0..2).
TLSX_HD inline int critical_points(const Cubic& c, double u0, double u1, double* root) {
  // c1 + 2 c2 u + 3 c3 u^2 = 0, solved without cancellation.
  const double A = 3.0 * c.c3, B = 2.0 * c.c2, C = c.c1;
  double r[2];
  int n = 0;
  if (A == 0.0) {
    if (B != 0.0) r[n++] = -C / B;
  } else {
    const double disc = B * B - 4.0 * A * C;
    if (disc >= 0.0) {
      const double q = -0.5 * (B + (B >= 0.0 ? 1.0 : -1.0) * sqrt(disc));
      if (q != 0.0) {
        r[n++] = q / A;
        r[n++] = C / q;
      } else {
        r[n++] = 0.0;  // B = C = 0: double root at u = 0
      }
    }
  }
  if (n == 2 && r[1] < r[0]) {
    const double t = r[0];
    r[0] = r[1];
    r[1] = t;
  }
  int k = 0;
  for (int i = 0; i < n; ++i)
    if (r[i] >= u0 && r[i] < u1 && (k == 0 || r[i] != root[k - 1])) root[k++] = r[i];
  return k;
}

// The u in [ua, ub] where c.value(u) = target, given that c is monotone there and the target lies
// between the end values: safeguarded Newton (bisection whenever Newton leaves the bracket).
TLSX_HD inline double solve_monotone(const Cubic& c, double ua, double ub, double target) {
  double fa = c.value(ua) - target;
  if (fa == 0.0) return ua;
  double lo = ua, hi = ub;  // invariant: f(lo) has the sign of fa, f(hi) the other
  double u = 0.5 * (lo + hi);
  for (int it = 0; it < 200; ++it) {
    const double f = c.value(u) - target;
    if (f == 0.0) return u;
    if ((f > 0.0) == (fa > 0.0)) {
      lo = u;
    } else {
      hi = u;
    }
    const double df = c.slope(u);
    double next = (df != 0.0) ? u - f / df : 0.5 * (lo + hi);
    if (!(next > fmin(lo, hi) && next < fmax(lo, hi))) next = 0.5 * (lo + hi);
    if (fabs(next - u) <= 1e-16 * (fabs(u) + fabs(ub - ua))) return next;
    if (fabs(hi - lo) <= 1e-16 * (fabs(u) + fabs(ub - ua))) return 0.5 * (lo + hi);
    u = next;
  }
  return u;
}

// A piecewise cubic over n segments: knots x[0..n], segment k on [x[k], x[k+1]].
struct PiecewiseCubic {
  int n = 0;
  const double* x = nullptr;
  const Cubic* seg = nullptr;

  // The segment holding s (clamped to the first/last), searched from `hint` (kept for the next call:
  // a sweep over increasing s costs O(1) per point).
  TLSX_HD int locate(double s, int hint) const {
    int k = hint < 0 ? 0 : (hint >= n ? n - 1 : hint);
    while (k > 0 && s < x[k]) --k;
    while (k < n - 1 && s >= x[k + 1]) ++k;
    return k;
  }
  TLSX_HD double value(double s, int& hint) const {
    hint = locate(s, hint);
    return seg[hint].value(s - x[hint]);
  }
  TLSX_HD double value(double s) const {
    int hint = 0;
    return value(s, hint);
  }
  TLSX_HD double slope(double s) const {
    const int k = locate(s, 0);
    return seg[k].slope(s - x[k]);
  }
  TLSX_HD double curvature(double s) const {
    const int k = locate(s, 0);
    return seg[k].curvature(s - x[k]);
  }
};

}  // namespace tlsx::quantum
