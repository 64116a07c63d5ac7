#pragma once
// Independent references for the analytic surfaces: stationary points by Newton's method on the
// gradient (Hessian by central differences of the analytic gradient), and 2x2 eigenvalues.
#include <cmath>

#include "tlsx/neb/analytic_surfaces.hpp"

namespace tlsx::testing {

struct Stationary {
  double x = 0.0, y = 0.0, v = 0.0;
  double lambda_min = 0.0, lambda_max = 0.0;  // Hessian eigenvalues
  bool converged = false;
};

inline void hessian(const AnalyticSurface& s, double x, double y, double h[3]) {
  const double e = 1e-5;
  double gxp, gyp, gxm, gym;
  s.value(x + e, y, gxp, gyp);
  s.value(x - e, y, gxm, gym);
  h[0] = (gxp - gxm) / (2 * e);
  const double hxy1 = (gyp - gym) / (2 * e);
  s.value(x, y + e, gxp, gyp);
  s.value(x, y - e, gxm, gym);
  h[2] = (gyp - gym) / (2 * e);
  h[1] = 0.5 * (hxy1 + (gxp - gxm) / (2 * e));
}

inline void eigenvalues(const double h[3], double& lo, double& hi) {
  const double mean = 0.5 * (h[0] + h[2]);
  const double r = std::sqrt(0.25 * (h[0] - h[2]) * (h[0] - h[2]) + h[1] * h[1]);
  lo = mean - r;
  hi = mean + r;
}

// Newton's method on grad V = 0 from (x, y): converges to the nearby stationary point, whatever
// its index.
inline Stationary newton_stationary_point(const AnalyticSurface& s, double x, double y) {
  Stationary out;
  for (int it = 0; it < 100; ++it) {
    double gx, gy, h[3];
    s.value(x, y, gx, gy);
    if (std::hypot(gx, gy) < 1e-12) {
      out.converged = true;
      break;
    }
    hessian(s, x, y, h);
    const double det = h[0] * h[2] - h[1] * h[1];
    x -= (h[2] * gx - h[1] * gy) / det;
    y -= (h[0] * gy - h[1] * gx) / det;
  }
  double gx, gy, h[3];
  out.x = x;
  out.y = y;
  out.v = s.value(x, y, gx, gy);
  hessian(s, x, y, h);
  eigenvalues(h, out.lambda_min, out.lambda_max);
  return out;
}

}  // namespace tlsx::testing
