// The profile splines: exact for cubics, smooth where they should be, fourth-order accurate.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tlsx/quantum/cubic_spline.hpp"

namespace {

using tlsx::quantum::Cubic;
using tlsx::quantum::PiecewiseCubic;

struct Spline {
  std::vector<double> x;
  std::vector<Cubic> seg;
  PiecewiseCubic view() const { return PiecewiseCubic{static_cast<int>(seg.size()), x.data(), seg.data()}; }
};

Spline not_a_knot(const std::vector<double>& x, const std::vector<double>& y) {
  const int m = static_cast<int>(x.size());
  std::vector<double> slope(m), scratch(2 * m);
  EXPECT_TRUE(tlsx::quantum::not_a_knot_slopes(m, x.data(), y.data(), slope.data(), scratch.data()));
  Spline s{x, std::vector<Cubic>(m - 1)};
  tlsx::quantum::hermite_segments(m, x.data(), y.data(), slope.data(), s.seg.data());
  return s;
}

std::vector<double> random_knots(int m, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> step(0.05, 0.3);
  std::vector<double> x(m);
  x[0] = -0.7;
  for (int k = 1; k < m; ++k) x[k] = x[k - 1] + step(gen);
  return x;
}

double cubic_poly(double s) { return 0.3 - 1.2 * s + 0.8 * s * s + 2.1 * s * s * s; }
double cubic_poly_slope(double s) { return -1.2 + 1.6 * s + 6.3 * s * s; }

TEST(CubicSpline, NotAKnotReproducesCubicPolynomials) {
  for (int m : {4, 5, 9, 30}) {
    const std::vector<double> x = random_knots(m, 7 + m);
    std::vector<double> y(m);
    for (int k = 0; k < m; ++k) y[k] = cubic_poly(x[k]);
    const Spline s = not_a_knot(x, y);
    for (double t = x.front(); t <= x.back(); t += 0.013)
      EXPECT_NEAR(s.view().value(t), cubic_poly(t), 1e-12) << "m=" << m << " s=" << t;
  }
}

TEST(CubicSpline, HermiteReproducesCubicPolynomials) {
  const std::vector<double> x = random_knots(12, 3);
  std::vector<double> y, dy;
  for (double t : x) {
    y.push_back(cubic_poly(t));
    dy.push_back(cubic_poly_slope(t));
  }
  Spline s{x, std::vector<Cubic>(x.size() - 1)};
  tlsx::quantum::hermite_segments(static_cast<int>(x.size()), x.data(), y.data(), dy.data(), s.seg.data());
  for (double t = x.front(); t <= x.back(); t += 0.011) {
    EXPECT_NEAR(s.view().value(t), cubic_poly(t), 1e-12);
    EXPECT_NEAR(s.view().slope(t), cubic_poly_slope(t), 1e-11);
  }
}

TEST(CubicSpline, NotAKnotIsTwiceDifferentiableWithContinuousThirdDerivativeAtSecondKnots) {
  const std::vector<double> x = random_knots(10, 11);
  std::vector<double> y;
  for (double t : x) y.push_back(std::sin(3.0 * t) + t * t);
  const Spline s = not_a_knot(x, y);
  for (std::size_t k = 1; k + 1 < x.size(); ++k) {
    const double h = x[k] - x[k - 1];
    const Cubic& left = s.seg[k - 1];
    const Cubic& right = s.seg[k];
    EXPECT_NEAR(left.value(h), right.value(0.0), 1e-13);
    EXPECT_NEAR(left.slope(h), right.slope(0.0), 1e-12);
    EXPECT_NEAR(left.curvature(h), right.curvature(0.0), 1e-10);
    if (k == 1 || k + 2 == x.size()) {
      EXPECT_NEAR(left.c3, right.c3, 1e-9) << "not-a-knot at knot " << k;
    }
  }
}

TEST(CubicSpline, InterpolationErrorFallsAtFourthOrder) {
  double previous = 0.0;
  for (int m : {17, 33, 65}) {
    std::vector<double> x(m), y(m);
    for (int k = 0; k < m; ++k) {
      x[k] = -1.0 + 2.0 * k / (m - 1);
      y[k] = std::exp(-x[k]) * std::cos(2.0 * x[k]);
    }
    const Spline s = not_a_knot(x, y);
    double err = 0.0;
    for (double t = -1.0; t <= 1.0; t += 1e-3)
      err = std::max(err, std::fabs(s.view().value(t) - std::exp(-t) * std::cos(2.0 * t)));
    if (previous > 0.0) {
      EXPECT_GT(previous / err, 12.0) << "m=" << m;  // 16 for O(h^4)
      EXPECT_LT(previous / err, 20.0) << "m=" << m;
    }
    previous = err;
  }
}

TEST(CubicSpline, CriticalPointsAndMonotoneRootsAreExact) {
  // V = (u - 0.2)(u - 1.1)(u + 0.4) has V' = 3u^2 - 1.8u - 0.3 with roots (0.9 +- sqrt(1.71)) / 3.
  const Cubic c{0.088, -0.3, -0.9, 1.0};
  double root[2];
  const int n = tlsx::quantum::critical_points(c, -1.0, 2.0, root);
  ASSERT_EQ(n, 2);
  EXPECT_NEAR(root[0], (0.9 - std::sqrt(1.71)) / 3.0, 1e-14);
  EXPECT_NEAR(root[1], (0.9 + std::sqrt(1.71)) / 3.0, 1e-14);
  EXPECT_EQ(tlsx::quantum::critical_points(c, -1.0, root[0] - 1e-9, root), 0);
  // The zero at u = 0.2 lies on the monotone piece between the critical points.
  const double z = tlsx::quantum::solve_monotone(c, (0.9 - std::sqrt(1.71)) / 3.0, (0.9 + std::sqrt(1.71)) / 3.0, 0.0);
  EXPECT_NEAR(z, 0.2, 1e-14);
}

TEST(CubicSpline, RecentredAndReversedDescribeTheSameCurve) {
  const Cubic c{0.3, -1.1, 0.7, 2.5};
  const Cubic r = c.recentred(0.4);
  const Cubic v = c.reversed(0.9);
  for (double u = -0.5; u <= 1.5; u += 0.1) {
    EXPECT_NEAR(r.value(u - 0.4), c.value(u), 1e-13);
    EXPECT_NEAR(v.value(0.9 - u), c.value(u), 1e-13);
    EXPECT_NEAR(v.slope(0.9 - u), -c.slope(u), 1e-12);
  }
}

}  // namespace
