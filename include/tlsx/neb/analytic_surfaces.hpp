#pragma once
// Two-dimensional model surfaces with known stationary points, for testing the band algorithms
// and the double-well analysis against exact answers. A configuration is (x, y): one "particle" in
// two dimensions, not periodic.
#include "tlsx/neb/path_surface.hpp"

namespace tlsx {

class AnalyticSurface : public PathSurface {
 public:
  int particles() const override { return 1; }
  int spatial_dimension() const override { return 2; }
  void evaluate(const double* x, int count, double* energy, double* force) override;
  // V(x, y) and its gradient (gx, gy).
  virtual double value(double x, double y, double& gx, double& gy) const = 0;
};

// Mueller & Brown, Theor. Chim. Acta 53, 75 (1979): a sum of four Gaussians with three minima
// (the deepest at about (-0.558, 1.442), an intermediate one at (-0.050, 0.467), and one at
// (0.623, 0.028)) and two saddles between consecutive minima.
class MuellerBrownSurface final : public AnalyticSurface {
 public:
  double value(double x, double y, double& gx, double& gy) const override;
};

// An asymmetric double well along a curved valley:
//   V = W(x) + k (y - g x^2)^2,   W'(x) = c x (x - 1)(x + a),
//   W(x) = c (x^4/4 + (a - 1) x^3/3 - a x^2/2).
// Minima at (1, g) and (-a, g a^2), the saddle at (0, 0) with V = 0; along the valley the path
// bends (g != 0). Exact: barrier from the lower minimum, asymmetry, curvature at the saddle
// (V_xx = -c a, the unstable direction is x).
class CurvedDoubleWellSurface final : public AnalyticSurface {
 public:
  CurvedDoubleWellSurface(double c, double a, double k, double g) : c_(c), a_(a), k_(k), g_(g) {}
  double value(double x, double y, double& gx, double& gy) const override;
  double well(double x) const;  // W(x)
  double c() const { return c_; }
  double a() const { return a_; }
  double k() const { return k_; }
  double g() const { return g_; }

 private:
  double c_, a_, k_, g_;
};

// A triple well along the parabolic valley y = x^2:
//   V = h x^2 (x^2 - 1)^2 + k (y - x^2)^2.
// Minima at (-1, 1), (0, 0), (1, 1), all at V = 0; saddles at x = +-1/sqrt(3), y = 1/3 with
// V = 4h/27. The path between the outer minima has the planted intermediate minimum (0, 0).
class TripleWellValleySurface final : public AnalyticSurface {
 public:
  TripleWellValleySurface(double h, double k) : h_(h), k_(k) {}
  double value(double x, double y, double& gx, double& gy) const override;

 private:
  double h_, k_;
};

}  // namespace tlsx
