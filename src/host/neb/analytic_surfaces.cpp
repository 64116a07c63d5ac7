#include "tlsx/neb/analytic_surfaces.hpp"

#include <cmath>

namespace tlsx {

void AnalyticSurface::evaluate(const double* x, int count, double* energy, double* force) {
  for (int r = 0; r < count; ++r) {
    double gx = 0.0, gy = 0.0;
    energy[r] = value(x[2 * r], x[2 * r + 1], gx, gy);
    force[2 * r] = -gx;
    force[2 * r + 1] = -gy;
  }
}

double MuellerBrownSurface::value(double x, double y, double& gx, double& gy) const {
  // The standard parameters of Mueller & Brown (1979).
  static const double A[4] = {-200.0, -100.0, -170.0, 15.0};
  static const double a[4] = {-1.0, -1.0, -6.5, 0.7};
  static const double b[4] = {0.0, 0.0, 11.0, 0.6};
  static const double c[4] = {-10.0, -10.0, -6.5, 0.7};
  static const double x0[4] = {1.0, 0.0, -0.5, -1.0};
  static const double y0[4] = {0.0, 0.5, 1.5, 1.0};
  double v = 0.0;
  gx = gy = 0.0;
  for (int k = 0; k < 4; ++k) {
    const double dx = x - x0[k], dy = y - y0[k];
    const double e = A[k] * std::exp(a[k] * dx * dx + b[k] * dx * dy + c[k] * dy * dy);
    v += e;
    gx += e * (2.0 * a[k] * dx + b[k] * dy);
    gy += e * (b[k] * dx + 2.0 * c[k] * dy);
  }
  return v;
}

double CurvedDoubleWellSurface::well(double x) const {
  return c_ * (0.25 * x * x * x * x + (a_ - 1.0) * x * x * x / 3.0 - 0.5 * a_ * x * x);
}

double CurvedDoubleWellSurface::value(double x, double y, double& gx, double& gy) const {
  const double u = y - g_ * x * x;  // distance from the valley floor
  gx = c_ * x * (x - 1.0) * (x + a_) - 4.0 * k_ * g_ * x * u;
  gy = 2.0 * k_ * u;
  return well(x) + k_ * u * u;
}

double TripleWellValleySurface::value(double x, double y, double& gx, double& gy) const {
  const double u = y - x * x, w = x * x - 1.0;
  // d/dx [x^2 (x^2 - 1)^2] = 2 x w^2 + 4 x^3 w
  gx = h_ * (2.0 * x * w * w + 4.0 * x * x * x * w) - 4.0 * k_ * x * u;
  gy = 2.0 * k_ * u;
  return h_ * x * x * w * w + k_ * u * u;
}

}  // namespace tlsx
