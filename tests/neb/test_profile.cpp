// The Hermite profile and its analysis against exact polynomials and planted dips.
#include <gtest/gtest.h>

#include <cmath>

#include "tlsx/core/error.hpp"
#include "tlsx/neb/profile.hpp"

namespace {

// A profile sampled from V(s) at the given arc lengths, with exact slopes.
template <class F, class D>
tlsx::PathProfile sample(const std::vector<double>& s, F v, D dv) {
  std::vector<double> vs, ds;
  for (double x : s) {
    vs.push_back(v(x));
    ds.push_back(dv(x));
  }
  return tlsx::PathProfile(s, vs, ds);
}

std::vector<double> uneven_grid(int m, double length) {
  std::vector<double> s;
  for (int k = 0; k < m; ++k) {
    const double t = static_cast<double>(k) / (m - 1);
    s.push_back(length * (t + 0.03 * std::sin(6.0 * t)));  // strictly increasing, uneven
  }
  return s;
}

TEST(PathProfile, HermiteSplineReproducesCubicsExactly) {
  const auto v = [](double x) { return 0.3 - 1.2 * x + 0.7 * x * x - 0.25 * x * x * x; };
  const auto dv = [](double x) { return -1.2 + 1.4 * x - 0.75 * x * x; };
  const auto d2v = [](double x) { return 1.4 - 1.5 * x; };
  const tlsx::PathProfile p = sample(uneven_grid(7, 2.0), v, dv);
  for (double x : {0.0, 0.11, 0.5, 0.93, 1.37, 1.999, 2.0}) {
    EXPECT_NEAR(p.value(x), v(x), 1e-13) << x;
    EXPECT_NEAR(p.derivative(x), dv(x), 1e-12) << x;
    EXPECT_NEAR(p.second_derivative(x), d2v(x), 1e-10) << x;
  }
}

TEST(PathProfile, InterpolationErrorFallsAsFourthPowerOfSpacing) {
  const auto v = [](double x) { return std::sin(3.0 * x); };
  const auto dv = [](double x) { return 3.0 * std::cos(3.0 * x); };
  double previous = 0.0;
  for (int m : {9, 17, 33}) {
    std::vector<double> s;
    for (int k = 0; k < m; ++k) s.push_back(2.0 * k / (m - 1));
    const tlsx::PathProfile p = sample(s, v, dv);
    double err = 0.0;
    for (int j = 0; j <= 1000; ++j) err = std::max(err, std::fabs(p.value(0.002 * j) - v(0.002 * j)));
    if (previous > 0.0) {
      EXPECT_NEAR(previous / err, 16.0, 3.0) << m;  // halving h: error / 16
    }
    previous = err;
  }
}

TEST(ProfileAnalysis, FindsMaximumBetweenImagesAndItsCurvature) {
  // V = -(s - 0.437)^2 + 0.1 (s - 0.437)^3 + 2 on [0, 1]: maximum at s = 0.437 exactly, V'' = -2.
  const auto v = [](double x) { return -std::pow(x - 0.437, 2) + 0.1 * std::pow(x - 0.437, 3) + 2.0; };
  const auto dv = [](double x) { return -2.0 * (x - 0.437) + 0.3 * std::pow(x - 0.437, 2); };
  const tlsx::ProfileAnalysis a = tlsx::analyse_profile(sample(uneven_grid(6, 1.0), v, dv), 1e-6);
  EXPECT_NEAR(a.s_max, 0.437, 1e-12);
  EXPECT_NEAR(a.v_max, 2.0, 1e-12);
  EXPECT_NEAR(a.curvature_max, -2.0, 1e-10);
  EXPECT_TRUE(a.barrier_interior);
  EXPECT_TRUE(a.intermediate_minima.empty());
}

TEST(ProfileAnalysis, CountsDipsDeeperThanToleranceOnly) {
  // A double barrier: V = sin^2(2 pi s) + eps_dip shape with the middle minimum lifted to depth.
  for (double depth : {1e-3, 1e-5, 1e-8}) {
    // Barriers of height 1 at s = 0.25, 0.75; the middle minimum at s = 0.5 with V = 1 - depth.
    const double lift = 1.0 - depth;
    const auto v = [&](double x) {
      const double b = std::pow(std::sin(2.0 * M_PI * x), 2);
      return x > 0.25 && x < 0.75 ? 1.0 - (1.0 - lift) * (1.0 - b) : b;
    };
    const auto dv = [&](double x) {
      const double db = 4.0 * M_PI * std::sin(2.0 * M_PI * x) * std::cos(2.0 * M_PI * x);
      return x > 0.25 && x < 0.75 ? (1.0 - lift) * db : db;
    };
    std::vector<double> s;
    for (int k = 0; k < 41; ++k) s.push_back(k / 40.0);
    const tlsx::ProfileAnalysis a = tlsx::analyse_profile(sample(s, v, dv), 1e-6);
    if (depth > 1e-6) {
      ASSERT_EQ(a.intermediate_minima.size(), 1u) << depth;
      EXPECT_NEAR(a.intermediate_minima[0].s, 0.5, 1e-3);
      EXPECT_NEAR(a.intermediate_minima[0].depth, depth, 1e-3 * depth + 1e-9);
      EXPECT_EQ(a.intermediate_minima[0].nearest_image, 20);
    } else {
      EXPECT_TRUE(a.intermediate_minima.empty()) << depth;
    }
  }
}

TEST(ProfileAnalysis, MonotonicProfileHasNoInteriorBarrier) {
  const auto v = [](double x) { return -x * x; };
  const auto dv = [](double x) { return -2.0 * x; };
  const tlsx::ProfileAnalysis a = tlsx::analyse_profile(sample(uneven_grid(5, 1.0), v, dv), 1e-6);
  EXPECT_FALSE(a.barrier_interior);
  EXPECT_EQ(a.s_max, 0.0);
}

TEST(PathProfile, RejectsNonIncreasingArcLength) {
  EXPECT_THROW(tlsx::PathProfile({0.0, 0.5, 0.5}, {0, 0, 0}, {0, 0, 0}), tlsx::Error);
  EXPECT_THROW(tlsx::PathProfile({0.0}, {0}, {0}), tlsx::Error);
}

}  // namespace
