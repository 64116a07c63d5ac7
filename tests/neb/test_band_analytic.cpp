// Minimum energy paths on two-dimensional surfaces with independently known stationary points.
#include <gtest/gtest.h>

#include <cmath>

#include "analytic_reference.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/neb/analytic_surfaces.hpp"
#include "tlsx/neb/band.hpp"
#include "tlsx/neb/connect.hpp"
#include "tlsx/neb/double_well.hpp"

namespace {

using tlsx::testing::newton_stationary_point;
using tlsx::testing::Stationary;

// Mueller-Brown energies are O(100) with curvatures up to ~5000: a smaller FIRE step, a stiffer
// spring in proportion, and a force tolerance relative to that scale.
tlsx::NebParams mueller_brown_params() {
  tlsx::NebParams p;
  p.images = 32;
  p.spring = 50.0;
  p.force_tolerance = 1e-6;
  p.climb_start_tolerance = 1.0;
  p.fire.dt_start = 1e-4;
  p.fire.dt_max = 2e-3;
  p.fire.dt_min = 1e-7;
  p.fire.max_step = 0.01;
  return p;
}

struct MuellerBrownPoints {
  Stationary minimum_a, minimum_b, minimum_c, saddle_ac, saddle_cb;
};

// The three minima and two saddles from Newton's method started near the literature values.
MuellerBrownPoints mueller_brown_points(const tlsx::MuellerBrownSurface& mb) {
  MuellerBrownPoints p;
  p.minimum_a = newton_stationary_point(mb, -0.55, 1.44);
  p.minimum_b = newton_stationary_point(mb, 0.62, 0.03);
  p.minimum_c = newton_stationary_point(mb, -0.05, 0.47);
  p.saddle_ac = newton_stationary_point(mb, -0.82, 0.62);
  p.saddle_cb = newton_stationary_point(mb, 0.21, 0.29);
  return p;
}

TEST(MuellerBrown, ReferencePointsAreMinimaAndFirstOrderSaddles) {
  const tlsx::MuellerBrownSurface mb;
  const MuellerBrownPoints p = mueller_brown_points(mb);
  for (const Stationary* m : {&p.minimum_a, &p.minimum_b, &p.minimum_c}) {
    EXPECT_TRUE(m->converged);
    EXPECT_GT(m->lambda_min, 0.0);
  }
  for (const Stationary* s : {&p.saddle_ac, &p.saddle_cb}) {
    EXPECT_TRUE(s->converged);
    EXPECT_LT(s->lambda_min, 0.0);
    EXPECT_GT(s->lambda_max, 0.0);
  }
  // Literature (Mueller & Brown 1979): V = -146.70, -108.17, -80.77; saddles -40.66, -72.25.
  EXPECT_NEAR(p.minimum_a.v, -146.70, 0.01);
  EXPECT_NEAR(p.minimum_b.v, -108.17, 0.01);
  EXPECT_NEAR(p.minimum_c.v, -80.77, 0.01);
  EXPECT_NEAR(p.saddle_ac.v, -40.66, 0.01);
  EXPECT_NEAR(p.saddle_cb.v, -72.25, 0.01);
}

// The same band relaxed by global L-BFGS (lbfgs_descent.hpp), at Mueller-Brown's scale: the
// first step and the step cap in proportion to its curvatures (~5000).
tlsx::NebParams mueller_brown_lbfgs_params(tlsx::PathMethod method) {
  tlsx::NebParams p = mueller_brown_params();
  p.method = method;
  p.optimizer = tlsx::BandOptimizer::lbfgs;
  p.lbfgs.initial_inverse_curvature = 1e-4;
  p.lbfgs.max_step = 0.01;
  return p;
}

void expect_band_finds_both_saddles(tlsx::MuellerBrownSurface& mb, const tlsx::NebParams& params) {
  const MuellerBrownPoints p = mueller_brown_points(mb);
  struct Case {
    const Stationary *from, *to, *saddle;
  };
  for (const Case& c : {Case{&p.minimum_a, &p.minimum_c, &p.saddle_ac}, Case{&p.minimum_c, &p.minimum_b, &p.saddle_cb}}) {
    const double a[2] = {c.from->x, c.from->y}, b[2] = {c.to->x, c.to->y};
    const tlsx::BandResult band = tlsx::find_minimum_energy_path(mb, a, b, params);
    ASSERT_TRUE(band.converged()) << band.reason;
    ASSERT_FALSE(band.stopped_at_intermediate_minimum);
    ASSERT_GT(band.climbing_image, 0);
    const double* ts = band.image(band.climbing_image);
    EXPECT_NEAR(ts[0], c.saddle->x, 1e-6);
    EXPECT_NEAR(ts[1], c.saddle->y, 1e-6);
    const tlsx::DoubleWell dw = tlsx::make_double_well(mb, band);
    EXPECT_NEAR(dw.energy_ts, c.saddle->v, 1e-6);
    EXPECT_NEAR(dw.barrier, c.saddle->v - std::min(c.from->v, c.to->v), 1e-6);
    EXPECT_NEAR(dw.asymmetry, std::fabs(c.from->v - c.to->v), 1e-9);
    EXPECT_EQ(band.phase_force_evaluations[0] + band.phase_force_evaluations[1] + 2, band.force_evaluations);
  }
}

TEST(MuellerBrown, ClimbingImageFindsBothSaddles) {
  tlsx::MuellerBrownSurface mb;
  expect_band_finds_both_saddles(mb, mueller_brown_params());
}

// The saddles are the Newton reference points to 1e-6 with the L-BFGS band, string and NEB.
TEST(MuellerBrown, LbfgsBandFindsBothSaddles) {
  tlsx::MuellerBrownSurface mb;
  for (tlsx::PathMethod method : {tlsx::PathMethod::string, tlsx::PathMethod::neb}) {
    SCOPED_TRACE(method == tlsx::PathMethod::string ? "string" : "neb");
    expect_band_finds_both_saddles(mb, mueller_brown_lbfgs_params(method));
  }
}

// L-BFGS and FIRE relax the band to the same string: every image of the converged plain band (no
// climbing) agrees, and L-BFGS needs fewer band evaluations.
TEST(MuellerBrown, LbfgsAndFireConvergeToTheSameString) {
  tlsx::MuellerBrownSurface mb;
  const MuellerBrownPoints p = mueller_brown_points(mb);
  const double a[2] = {p.minimum_c.x, p.minimum_c.y}, b[2] = {p.minimum_b.x, p.minimum_b.y};
  tlsx::NebParams fire = mueller_brown_params();
  fire.method = tlsx::PathMethod::string;
  fire.climb = false;
  fire.force_tolerance = 1e-7;
  tlsx::NebParams lbfgs = mueller_brown_lbfgs_params(tlsx::PathMethod::string);
  lbfgs.climb = false;
  lbfgs.force_tolerance = 1e-7;
  const tlsx::BandResult f = tlsx::find_minimum_energy_path(mb, a, b, fire);
  const tlsx::BandResult l = tlsx::find_minimum_energy_path(mb, a, b, lbfgs);
  ASSERT_TRUE(f.converged()) << f.reason;
  ASSERT_TRUE(l.converged()) << l.reason;
  for (std::size_t k = 0; k < f.x.size(); ++k) EXPECT_NEAR(l.x[k], f.x[k], 1e-8) << k;
  EXPECT_LT(l.force_evaluations, f.force_evaluations);
}

TEST(MuellerBrown, PathBetweenDeepestMinimaIsSplitAtIntermediateMinimum) {
  tlsx::MuellerBrownSurface mb;
  mb.relax_fire = mueller_brown_params().fire;
  const MuellerBrownPoints p = mueller_brown_points(mb);
  tlsx::ConnectParams cp;
  cp.neb = mueller_brown_params();
  cp.minimize_tolerance = 1e-9;
  const tlsx::ConnectResult r = tlsx::connect_minima(mb, {p.minimum_a.x, p.minimum_a.y}, {p.minimum_b.x, p.minimum_b.y}, cp);
  for (const auto& f : r.failures) ADD_FAILURE() << f.first << "-" << f.second << ": " << f.reason;
  ASSERT_EQ(r.intermediate_minima(), 1);
  EXPECT_NEAR(r.minima[2].x[0], p.minimum_c.x, 1e-8);
  EXPECT_NEAR(r.minima[2].x[1], p.minimum_c.y, 1e-8);
  EXPECT_NEAR(r.minima[2].energy, p.minimum_c.v, 1e-10);
  ASSERT_EQ(r.double_wells.size(), 2u);
  for (const tlsx::ElementaryPath& e : r.double_wells) {
    const bool ac = (e.first == 0 && e.second == 2) || (e.first == 2 && e.second == 0);
    const bool cb = (e.first == 2 && e.second == 1) || (e.first == 1 && e.second == 2);
    ASSERT_TRUE(ac || cb) << e.first << "-" << e.second;
    const Stationary& saddle = ac ? p.saddle_ac : p.saddle_cb;
    EXPECT_NEAR(e.double_well.energy_ts, saddle.v, 1e-6);
  }
  EXPECT_EQ(r.bands, 3);
}

TEST(MuellerBrown, KnownElementaryPairsAreNotRun) {
  tlsx::MuellerBrownSurface mb;
  mb.relax_fire = mueller_brown_params().fire;
  const MuellerBrownPoints p = mueller_brown_points(mb);
  tlsx::ConnectParams cp;
  cp.neb = mueller_brown_params();
  int asked = 0;
  const tlsx::ConnectResult r = tlsx::connect_minima(
      mb, {p.minimum_a.x, p.minimum_a.y}, {p.minimum_b.x, p.minimum_b.y}, cp,
      [&](const tlsx::Minimum& m1, const tlsx::Minimum& m2) {
        ++asked;
        // The caller knows the pair that involves the deepest minimum A.
        return std::fabs(m1.energy - p.minimum_a.v) < 1e-6 || std::fabs(m2.energy - p.minimum_a.v) < 1e-6;
      });
  EXPECT_EQ(asked, 2);
  ASSERT_EQ(r.known.size(), 1u);
  ASSERT_EQ(r.double_wells.size(), 1u);
  EXPECT_NEAR(r.double_wells[0].double_well.energy_ts, p.saddle_cb.v, 1e-6);
  EXPECT_EQ(r.bands, 2);
}

// c = 4, a = 0.8, k = 2, g = 0.5: minima (1, 0.5) and (-0.8, 0.32), saddle (0, 0).
tlsx::CurvedDoubleWellSurface curved_double_well() { return tlsx::CurvedDoubleWellSurface(4.0, 0.8, 2.0, 0.5); }

tlsx::NebParams unit_scale_params() {
  tlsx::NebParams p;
  p.images = 32;
  p.spring = 1.0;
  p.force_tolerance = 1e-8;
  p.climb_start_tolerance = 1e-2;
  p.fire.dt_max = 0.05;
  return p;
}

TEST(CurvedDoubleWell, BarrierAsymmetryAndCurvaturesMatchTheAnalyticSurface) {
  tlsx::CurvedDoubleWellSurface s = curved_double_well();
  const double c = s.c(), a = s.a(), k = s.k(), g = s.g();
  const double lower[2] = {1.0, g}, upper[2] = {-a, g * a * a};
  for (int run = 0; run < 4; ++run) {
    tlsx::NebParams p = unit_scale_params();
    p.method = run % 2 == 0 ? tlsx::PathMethod::neb : tlsx::PathMethod::string;
    p.optimizer = run < 2 ? tlsx::BandOptimizer::fire : tlsx::BandOptimizer::lbfgs;
    SCOPED_TRACE(run);
    // Start at the higher minimum so that the double well has to turn the profile around.
    const tlsx::BandResult band = tlsx::find_minimum_energy_path(s, upper, lower, p);
    ASSERT_TRUE(band.converged()) << band.reason;
    const tlsx::DoubleWell dw = tlsx::make_double_well(s, band);
    EXPECT_FALSE(dw.first_is_lower);
    EXPECT_NEAR(dw.energy_ts, 0.0, 1e-9);
    EXPECT_NEAR(dw.barrier, -s.well(1.0), 1e-6);
    EXPECT_NEAR(dw.asymmetry, s.well(-a) - s.well(1.0), 1e-12);
    EXPECT_NEAR(dw.barrier_height, -s.well(1.0) - 0.5 * (s.well(-a) - s.well(1.0)), 1e-6);
    EXPECT_NEAR(dw.distance, std::hypot(1.0 + a, g - g * a * a), 1e-12);
    EXPECT_NEAR(dw.d, dw.distance, 1e-12);  // one particle
    EXPECT_NEAR(dw.participation_ratio, 1.0, 1e-12);
    // Along the path: at the saddle the unstable direction is x with V_xx = -c a; at a minimum
    // the path arrives along the softest Hessian direction.
    EXPECT_NEAR(dw.omega_ts, std::sqrt(c * a), 1e-2 * std::sqrt(c * a));
    double h1[3] = {c * (1.0 + a) + 8.0 * k * g * g, -4.0 * k * g, 2.0 * k}, lo, hi;
    tlsx::testing::eigenvalues(h1, lo, hi);
    EXPECT_NEAR(dw.omega_1, std::sqrt(lo), 2e-2 * std::sqrt(lo));
    const double x2 = -a;
    double h2[3] = {c * (3 * x2 * x2 + 2 * (a - 1) * x2 - a) + 8.0 * k * g * g * x2 * x2, -4.0 * k * g * x2, 2.0 * k};
    tlsx::testing::eigenvalues(h2, lo, hi);
    EXPECT_NEAR(dw.omega_2, std::sqrt(lo), 2e-2 * std::sqrt(lo));
    // Profile from the lower minimum: starts at 0, ends at the asymmetry, arc length increasing.
    EXPECT_EQ(dw.v.front(), 0.0);
    EXPECT_NEAR(dw.v.back(), dw.asymmetry, 1e-15);
    EXPECT_EQ(dw.s.front(), 0.0);
    EXPECT_NEAR(dw.s.back(), dw.arc_length, 1e-12);
    EXPECT_GT(dw.arc_length, dw.distance);  // the valley is curved
  }
}

// The converged band's images are evenly spaced in arc length.
TEST(CurvedDoubleWell, ConvergedBandIsEvenlySpaced) {
  tlsx::CurvedDoubleWellSurface s = curved_double_well();
  const double a[2] = {1.0, s.g()}, b[2] = {-s.a(), s.g() * s.a() * s.a()};
  for (int run = 0; run < 4; ++run) {
    tlsx::NebParams p = unit_scale_params();
    p.method = run % 2 == 0 ? tlsx::PathMethod::neb : tlsx::PathMethod::string;
    p.optimizer = run < 2 ? tlsx::BandOptimizer::fire : tlsx::BandOptimizer::lbfgs;
    SCOPED_TRACE(run);
    p.climb = false;
    const tlsx::BandResult band = tlsx::find_minimum_energy_path(s, a, b, p);
    ASSERT_TRUE(band.converged()) << band.reason;
    const double mean = band.arc_length.back() / (band.images - 1);
    // NEB: the spring force kappa (l_k - l_k-1) is part of the converged band force, so the
    // lengths agree to sqrt(dim) tol / kappa; the string method spaces them by construction.
    for (int k = 1; k < band.images; ++k) {
      const double len = band.arc_length[k] - band.arc_length[k - 1];
      EXPECT_NEAR(len, mean, 1e-6) << k;
    }
  }
}

TEST(CurvedDoubleWell, NebAndStringFindTheSamePath) {
  tlsx::CurvedDoubleWellSurface s = curved_double_well();
  const double a[2] = {1.0, s.g()}, b[2] = {-s.a(), s.g() * s.a() * s.a()};
  tlsx::NebParams p = unit_scale_params();
  p.climb = false;
  const tlsx::BandResult neb = tlsx::find_minimum_energy_path(s, a, b, p);
  p.method = tlsx::PathMethod::string;
  const tlsx::BandResult string = tlsx::find_minimum_energy_path(s, a, b, p);
  ASSERT_TRUE(neb.converged() && string.converged());
  // Both sets of images lie on the same curve with the same spacing: the images coincide.
  for (std::size_t k = 0; k < neb.x.size(); ++k) EXPECT_NEAR(neb.x[k], string.x[k], 1e-5) << k;
}

TEST(CurvedDoubleWell, PathWithoutIntermediateMinimumIsNotSplit) {
  tlsx::CurvedDoubleWellSurface s = curved_double_well();
  tlsx::ConnectParams cp;
  cp.neb = unit_scale_params();
  const tlsx::ConnectResult r = tlsx::connect_minima(s, {1.0, s.g()}, {-s.a(), s.g() * s.a() * s.a()}, cp);
  EXPECT_TRUE(r.failures.empty());
  EXPECT_EQ(r.intermediate_minima(), 0);
  ASSERT_EQ(r.double_wells.size(), 1u);
  EXPECT_EQ(r.bands, 1);
  EXPECT_NEAR(r.double_wells[0].double_well.barrier, -s.well(1.0), 1e-6);
}

TEST(TripleWellValley, PlantedIntermediateMinimumIsFoundAndSplit) {
  const double h = 2.0;
  tlsx::TripleWellValleySurface s(h, 1.0);
  tlsx::ConnectParams cp;
  cp.neb = unit_scale_params();
  const tlsx::ConnectResult r = tlsx::connect_minima(s, {-1.0, 1.0}, {1.0, 1.0}, cp);
  for (const auto& f : r.failures) ADD_FAILURE() << f.first << "-" << f.second << ": " << f.reason;
  ASSERT_EQ(r.intermediate_minima(), 1);
  EXPECT_NEAR(r.minima[2].x[0], 0.0, 1e-9);
  EXPECT_NEAR(r.minima[2].x[1], 0.0, 1e-9);
  ASSERT_EQ(r.double_wells.size(), 2u);
  for (const tlsx::ElementaryPath& e : r.double_wells) {
    EXPECT_TRUE(e.first == 2 || e.second == 2);
    EXPECT_NEAR(e.double_well.barrier, 4.0 * h / 27.0, 1e-6);
    EXPECT_NEAR(e.double_well.asymmetry, 0.0, 1e-12);
  }
}

TEST(Band, NonConvergenceIsReportedWithTheReason) {
  tlsx::CurvedDoubleWellSurface s = curved_double_well();
  const double a[2] = {1.0, s.g()}, b[2] = {-s.a(), s.g() * s.a() * s.a()};
  tlsx::NebParams p = unit_scale_params();
  p.max_iterations = 5;
  const tlsx::BandResult band = tlsx::find_minimum_energy_path(s, a, b, p);
  EXPECT_FALSE(band.converged());
  EXPECT_NE(band.reason.find("iteration limit 5"), std::string::npos) << band.reason;
  EXPECT_THROW(tlsx::make_double_well(s, band), tlsx::Error);
  tlsx::ConnectParams cp;
  cp.neb = p;
  const tlsx::ConnectResult r = tlsx::connect_minima(s, {a[0], a[1]}, {b[0], b[1]}, cp);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_TRUE(r.double_wells.empty());
}

TEST(Band, RejectsInvalidInput) {
  tlsx::CurvedDoubleWellSurface s = curved_double_well();
  const double a[2] = {1.0, 0.5};
  tlsx::NebParams p;
  EXPECT_THROW(tlsx::find_minimum_energy_path(s, a, a, p), tlsx::Error);
  const double b[2] = {-0.8, 0.32};
  p.images = 2;
  EXPECT_THROW(tlsx::find_minimum_energy_path(s, a, b, p), tlsx::Error);
  p.images = 8;
  p.spring = 0.0;
  EXPECT_THROW(tlsx::find_minimum_energy_path(s, a, b, p), tlsx::Error);
}

}  // namespace
