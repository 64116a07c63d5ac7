// The global L-BFGS of the band (lbfgs_descent.hpp) on surfaces with a known answer: an
// ill-conditioned quadratic (the minimum is known exactly), the init/step form against the loop,
// and the undo of an overshooting step.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tlsx/neb/lbfgs_descent.hpp"

namespace {

// V = 1/2 sum_i k_i (x_i - c_i)^2 with curvatures k_i from 1e-2 to 1e2 (condition number 1e4),
// plus a coupling of neighbouring coordinates, so that the curvature directions are not the axes.
struct Quadratic {
  static constexpr int n = 12;
  double k[n], c[n];
  Quadratic() {
    for (int i = 0; i < n; ++i) {
      k[i] = std::pow(10.0, -2.0 + 4.0 * i / (n - 1));
      c[i] = std::sin(1.3 * i);
    }
  }
  // Force -grad V and the largest component.
  double operator()(const std::vector<double>& x, std::vector<double>& f) const {
    double largest = 0.0;
    for (int i = 0; i < n; ++i) {
      f[i] = -k[i] * (x[i] - c[i]);
      if (i > 0) f[i] -= 0.005 * ((x[i] - c[i]) - (x[i - 1] - c[i - 1]));
      if (i + 1 < n) f[i] -= 0.005 * ((x[i] - c[i]) - (x[i + 1] - c[i + 1]));
      largest = std::max(largest, std::fabs(f[i]));
    }
    return largest;
  }
};

const auto no_reparametrisation = [](std::vector<double>&) {};
const auto identity = [](std::vector<double>&) {};

TEST(LbfgsDescent, ReachesTheMinimumOfAnIllConditionedQuadratic) {
  const Quadratic q;
  std::vector<double> x(Quadratic::n, 0.0);
  tlsx::LbfgsDescentParams p;
  p.max_step = 1.0;
  const tlsx::FireOutcome out = tlsx::lbfgs_descend(x, q, no_reparametrisation, identity, p, 1e-10, 1000);
  ASSERT_TRUE(out.converged) << out.iterations << " " << out.measure << " " << out.stalled;
  // |x - c| <= |F| / k_min: the force tolerance over the smallest curvature (plus the coupling).
  for (int i = 0; i < Quadratic::n; ++i) EXPECT_NEAR(x[i], q.c[i], 1e-10 / 0.01 * 2.0) << i;
  // Quasi-Newton: far fewer steps than the condition number (a fixed-step gradient descent
  // needs ~k_max / k_min log(1 / tol) ~ 1e5).
  EXPECT_LT(out.iterations, 1000);
}

TEST(LbfgsDescent, SingleStepsAreTheLoopBitForBit) {
  const Quadratic q;
  tlsx::LbfgsDescentParams p;
  p.max_step = 0.3;  // the cap is active in the first steps
  for (long k : {1L, 5L, 17L}) {
    std::vector<double> looped(Quadratic::n, 0.0);
    tlsx::lbfgs_descend(looped, q, no_reparametrisation, identity, p, 0.0, k);
    tlsx::LbfgsDescentState st;
    tlsx::lbfgs_descent_init(st, std::vector<double>(Quadratic::n, 0.0), q, p);
    for (long s = 0; s < k; ++s) tlsx::lbfgs_descent_step(st, q, no_reparametrisation, identity, p);
    for (int i = 0; i < Quadratic::n; ++i) EXPECT_EQ(st.x[i], looped[i]) << k << " " << i;
    EXPECT_EQ(st.iterations, k);
  }
}

// A step after which |F| more than doubles is undone: on a surface whose force jumps up beyond
// x = 0.5 (a wall the quasi-Newton step would overshoot into), the descent never ends beyond it
// and still converges to the minimum at 0.4.
TEST(LbfgsDescent, OvershootingStepsAreUndone) {
  const auto force = [](const std::vector<double>& x, std::vector<double>& f) {
    f[0] = x[0] < 0.5 ? -(x[0] - 0.4) : -1e3 * (x[0] - 0.4);
    return std::fabs(f[0]);
  };
  tlsx::LbfgsDescentParams p;
  p.max_step = 1.0;
  p.initial_inverse_curvature = 4.0;  // the first step goes to x = 1.6, beyond the wall
  tlsx::LbfgsDescentState st;
  tlsx::lbfgs_descent_init(st, std::vector<double>{0.0}, force, p);
  while (!(st.measure < 1e-12) && st.iterations < 200) {
    tlsx::lbfgs_descent_step(st, force, no_reparametrisation, identity, p);
    EXPECT_LT(st.x[0], 0.5) << st.iterations;
  }
  EXPECT_NEAR(st.x[0], 0.4, 1e-12);
  EXPECT_GE(st.rejected_steps, 1);
}

}  // namespace
