// The smoothed LJ evaluator against the paper's Eqs. 4-5 evaluated independently in long double.
#include <gtest/gtest.h>

#include <cmath>

#include "tlsx/model/model.hpp"
#include "tlsx/model/smoothed_lj.hpp"

namespace {

// Eq. 4-5 written out directly, in long double, as an independent reference.
long double reference_v(long double eps, long double sigma, long double xc, long double r) {
  if (r >= xc * sigma) return 0.0L;
  const long double c0 = 10.0L / std::pow(xc, 6) - 28.0L / std::pow(xc, 12);
  const long double c2 = 48.0L / std::pow(xc, 14) - 15.0L / std::pow(xc, 8);
  const long double c4 = 6.0L / std::pow(xc, 10) - 21.0L / std::pow(xc, 16);
  const long double s = sigma / r, x = r / sigma;
  return 4.0L * eps * (std::pow(s, 12) - std::pow(s, 6) + c0 + c2 * x * x + c4 * x * x * x * x);
}

TEST(SmoothedLJ, EnergyMatchesEquation4And5) {
  const tlsx::SmoothedLJPair p = tlsx::SmoothedLJPair::make(1.5, 0.8, 2.5);
  for (double r : {0.7, 0.8, 0.8 * std::pow(2.0, 1.0 / 6.0), 1.0, 1.5, 1.99}) {
    double v, fr;
    ASSERT_TRUE(p.evaluate(r * r, v, fr));
    EXPECT_NEAR(v, static_cast<double>(reference_v(1.5, 0.8, 2.5, r)), 1e-12 * std::max(1.0, std::fabs(v))) << r;
    // energy() divides (sigma^2 / r^2), evaluate() multiplies by 1 / r^2: one rounding apart in s^2,
    // which s^12 multiplies by 12 (about 1e-15 of s^12 at r = 0.7); whether the two agree closer
    // depends on the compiler's contraction into FMAs (clang without FMA: 1.3e-15 of V).
    EXPECT_NEAR(p.energy(r * r), v, 1e-14 * std::max(1.0, std::fabs(v)));
  }
}

TEST(SmoothedLJ, ForceIsMinusDerivative) {
  const tlsx::SmoothedLJPair p = tlsx::SmoothedLJPair::make(1.25, 0.9, 2.5);
  for (double r : {0.8, 0.95, 1.2, 1.7, 2.2}) {
    const long double h = 1e-5L;
    const long double dv = (reference_v(1.25, 0.9, 2.5, r + h) - reference_v(1.25, 0.9, 2.5, r - h)) / (2 * h);
    double v, fr;
    p.evaluate(r * r, v, fr);
    EXPECT_NEAR(fr * r, static_cast<double>(-dv), 1e-7 * std::max(1.0, std::fabs(fr * r))) << r;
    const long double d2 = (reference_v(1.25, 0.9, 2.5, r + h) - 2 * reference_v(1.25, 0.9, 2.5, r) +
                            reference_v(1.25, 0.9, 2.5, r - h)) / (h * h);
    EXPECT_NEAR(p.second_derivative(r * r), static_cast<double>(d2), 1e-4 * std::max(1.0, std::fabs((double)d2))) << r;
  }
}

TEST(SmoothedLJ, ValueSlopeAndCurvatureVanishAtCutoff) {
  const tlsx::SmoothedLJPair p = tlsx::SmoothedLJPair::make(1.0, 1.0, 2.5);
  const double rc = 2.5;
  double v, fr;
  p.evaluate((rc - 1e-9) * (rc - 1e-9), v, fr);
  EXPECT_NEAR(v, 0.0, 1e-12);
  EXPECT_NEAR(fr, 0.0, 1e-10);
  EXPECT_NEAR(p.second_derivative((rc - 1e-9) * (rc - 1e-9)), 0.0, 1e-8);
  EXPECT_FALSE(p.evaluate(rc * rc, v, fr));
  EXPECT_EQ(v, 0.0);
  EXPECT_EQ(p.energy(rc * rc * 1.0001), 0.0);
  // Just inside the cutoff the energy is small but not zero: the test can tell.
  EXPECT_GT(std::fabs(p.energy(2.3 * 2.3)), 1e-6);
}

TEST(KA2Model, BuiltInMatchesCorrectedTable) {
  const tlsx::Model m = tlsx::ka2_model();
  ASSERT_EQ(m.n_species(), 3);
  EXPECT_DOUBLE_EQ(m.eps(0, 2), 1.25);
  EXPECT_DOUBLE_EQ(m.sig(0, 2), 0.9);
  EXPECT_DOUBLE_EQ(m.eps(1, 2), 1.0);
  EXPECT_DOUBLE_EQ(m.sig(2, 1), 0.84);
  EXPECT_DOUBLE_EQ(m.eps(2, 2), 0.75);
  EXPECT_DOUBLE_EQ(m.sig(2, 2), 0.94);
  EXPECT_DOUBLE_EQ(m.eps(0, 1), 1.5);
  EXPECT_NEAR(m.box_length(1200), 9.614997, 1e-6);
  const std::vector<int> c = m.composition(1200);
  EXPECT_EQ(c, (std::vector<int>{800, 200, 200}));
  EXPECT_NEAR(m.pair_table().max_cutoff, 2.5, 1e-15);
}

TEST(KA2Model, ConfigFileEqualsBuiltIn) {
  const tlsx::Model f = tlsx::load_model(std::string(TLSX_SOURCE_DIR) + "/configs/ka2.toml");
  const tlsx::Model b = tlsx::ka2_model();
  EXPECT_EQ(f.epsilon, b.epsilon);
  EXPECT_EQ(f.sigma, b.sigma);
  EXPECT_EQ(f.density, b.density);
  EXPECT_EQ(f.species[2].element, "Co");
}

}  // namespace

namespace {
TEST(KA2Model, TomlTextRoundTrip) {
  const tlsx::Model m = tlsx::ka2_model();
  const tlsx::Model back = tlsx::model_from_toml_text(tlsx::model_to_toml(m), "round trip");
  EXPECT_EQ(back.epsilon, m.epsilon);
  EXPECT_EQ(back.sigma, m.sigma);
  EXPECT_EQ(back.species[1].element, "P");
  EXPECT_EQ(back.species[2].fraction, m.species[2].fraction);
  EXPECT_EQ(back.name, "KA2");
}
}  // namespace
