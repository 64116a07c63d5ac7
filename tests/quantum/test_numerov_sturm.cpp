// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 kernels (-march=native); the
// pragma must precede every include to reach the intrinsics headers.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// The grid solver: Sturm bisection solves the Numerov eigenproblem exactly, the levels converge to the
// continuum at fourth order (harmonic oscillator), and the rounding floor behind the `resolved` flag
// holds.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cfloat>
#include <cmath>
#include <random>
#include <vector>

#include "quantum_reference.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/quantum/grid_levels.hpp"
#include "tlsx/quantum/numerov_sturm.hpp"
#include "tlsx/quantum/splitting.hpp"

namespace {

using tlsx::quantum::kLevels;

// The Numerov eigenproblem as a dense symmetric matrix: with D = tridiag(1, -2, 1) and
// B = tridiag(1, 10, 1) = 12 + D (so B^-1 D is symmetric), the scheme reads
// D psi = (m h^2 / 6) B (V - eps) psi, i.e. H psi = eps psi with H = -(6 / (m h^2)) B^-1 D + diag(V).
Eigen::VectorXd dense_numerov_levels(const std::vector<double>& V, double h, double mass) {
  const int n = static_cast<int>(V.size());
  Eigen::MatrixXd D = Eigen::MatrixXd::Zero(n, n), B = Eigen::MatrixXd::Zero(n, n);
  for (int i = 0; i < n; ++i) {
    D(i, i) = -2.0;
    B(i, i) = 10.0;
    if (i + 1 < n) {
      D(i, i + 1) = D(i + 1, i) = 1.0;
      B(i, i + 1) = B(i + 1, i) = 1.0;
    }
  }
  Eigen::MatrixXd H = -(6.0 / (mass * h * h)) * B.ldlt().solve(D);
  H = 0.5 * (H + H.transpose());
  for (int i = 0; i < n; ++i) H(i, i) += V[i];
  return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(H, Eigen::EigenvaluesOnly).eigenvalues();
}

TEST(NumerovSturm, BisectionFindsTheEigenvaluesOfTheNumerovMatrix) {
  // A rough random double well, so nothing about the potential is special.
  std::mt19937 gen(42);
  std::uniform_real_distribution<double> noise(-0.02, 0.02);
  const int n = 240;
  const double h = 0.01, mass = 1200.0;
  std::vector<double> V(n);
  for (int i = 0; i < n; ++i) {
    const double s = -1.2 + (i + 1) * h;
    V[i] = 0.4 * (s * s - 0.36) * (s * s - 0.36) + 0.03 * s + noise(gen);
  }
  const Eigen::VectorXd dense = dense_numerov_levels(V, h, mass);
  const std::vector<double> sturm = tlsx::quantum::grid_levels(V, h, mass);
  for (int k = 0; k < kLevels; ++k) EXPECT_NEAR(sturm[k], dense(k), 1e-12 * std::fabs(dense(4))) << "level " << k;

  // The counts themselves, at random energies: the number of dense eigenvalues below x.
  const double alpha = mass * h * h / 6.0;
  std::vector<double> aV(n);
  for (int i = 0; i < n; ++i) aV[i] = alpha * V[i];
  std::uniform_real_distribution<double> energy(dense(0) - 0.05, dense(12));
  for (int trial = 0; trial < 40; ++trial) {
    double x[kLevels], ax[kLevels];
    int count[kLevels];
    for (int k = 0; k < kLevels; ++k) {
      x[k] = energy(gen);
      ax[k] = alpha * x[k];
    }
    tlsx::quantum::numerov_counts<kLevels>(aV.data(), n, ax, count);
    for (int k = 0; k < kLevels; ++k) {
      int below = 0;
      while (below < n && dense(below) < x[k]) ++below;
      EXPECT_EQ(count[k], below) << "x = " << x[k];
    }
  }
}

std::vector<double> harmonic_samples(double k, double L, double h, int& n) {
  n = static_cast<int>(std::lround(2.0 * L / h)) - 1;
  std::vector<double> V(n);
  for (int i = 0; i < n; ++i) {
    const double s = -L + (i + 1) * h;
    V[i] = 0.5 * k * s * s;
  }
  return V;
}

TEST(NumerovSturm, HarmonicOscillatorLevelsAreHalfIntegerQuanta) {
  // V = k s^2 / 2: eps_n = (n + 1/2) omega, omega = sqrt(k / m~). Walls 12 ground-state widths out.
  for (double mass : {1200.0, 5250.0}) {
    const double k = 25.0, omega = std::sqrt(k / mass);
    const double width = 1.0 / std::pow(mass * k, 0.25);
    const double h = 0.05 * width;
    int n;
    const std::vector<double> V = harmonic_samples(k, 12.0 * width, h, n);
    const std::vector<double> levels = tlsx::quantum::grid_levels(V, h, mass);
    for (int j = 0; j < kLevels; ++j)
      EXPECT_NEAR(levels[j], (j + 0.5) * omega, 1e-6 * (j + 0.5) * omega) << "m=" << mass << " n=" << j;
  }
}

TEST(NumerovSturm, LevelErrorsFallAtFourthOrderInTheGridSpacing) {
  const double mass = 5250.0, k = 25.0, omega = std::sqrt(k / mass);
  const double width = 1.0 / std::pow(mass * k, 0.25);
  double previous[kLevels] = {0, 0, 0, 0, 0};
  for (double h : {0.2 * width, 0.1 * width, 0.05 * width}) {
    int n;
    const std::vector<double> V = harmonic_samples(k, 12.0 * width, h, n);
    const std::vector<double> levels = tlsx::quantum::grid_levels(V, h, mass);
    for (int j = 0; j < kLevels; ++j) {
      const double err = std::fabs(levels[j] - (j + 0.5) * omega);
      if (previous[j] > 0.0) {
        EXPECT_GT(previous[j] / err, 14.0) << "level " << j;  // 16 for O(h^4)
        EXPECT_LT(previous[j] / err, 18.0) << "level " << j;
      }
      previous[j] = err;
    }
  }
}

TEST(NumerovSturm, RoundingFloorBoundsTheSplittingOfDegenerateLevels) {
  // Symmetric wells so deep that the exact splitting is below 1e-30: the computed E is pure rounding
  // and must stay below the floor kNoiseFactor eps_mach eps_2 that decides the `resolved` flag,
  // whatever the mass and grid (the differential pivot form keeps it independent of h).
  for (double mass : {1200.0, 5250.0, 50000.0}) {
    for (double barrier : {2.0, 8.0}) {
      const tlsx_test::Quartic q{barrier / 0.0625, 0.5, 0.0};
      double lo, hi;
      tlsx_test::reference_domain(q, mass, lo, hi);
      const double kappa = std::sqrt(2.0 * mass * barrier);
      for (double c : {0.2, 0.05}) {
        const double h0 = c / kappa;
        const int n = static_cast<int>((hi - lo) / h0) - 1;
        const double h = (hi - lo) / (n + 1);
        std::vector<double> work(n);
        tlsx::quantum::NumerovLevels lv;
        double v_min;
        ASSERT_TRUE(tlsx::quantum::levels_on_grid(q, lo, h, n, mass, 10.0 * std::sqrt(q.curvature(0.5) / mass),
                                                  work.data(), lv, v_min));
        const double floor = tlsx::quantum::kNoiseFactor * DBL_EPSILON * (lv.level[1] - v_min);
        EXPECT_LT(std::fabs(lv.level[1] - lv.level[0]), floor / 2.0)
            << "m=" << mass << " V_b=" << barrier << " h=" << h;
      }
    }
  }
}

TEST(NumerovSturm, TooCoarseGridIsAnError) {
  std::vector<double> V(100);
  for (int i = 0; i < 100; ++i) V[i] = 100.0 * (i - 50) * (i - 50) / 2500.0;
  EXPECT_THROW(tlsx::quantum::grid_levels(V, 0.05, 5250.0), tlsx::Error);
}

}  // namespace
