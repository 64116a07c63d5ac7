// Minimisers against minima known in closed form: an isolated pair relaxes to the minimum r* of
// the smoothed Lennard-Jones potential (paper Eqs. 4-5, V'(r*) = 0 solved here by bisection), and
// an equilateral triangle and a regular tetrahedron, whose every pair sits at r*, are the minima of
// three and four particles.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <vector>

#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/model/model.hpp"

namespace {

using tlsx::MinimizeAlgorithm;
using Point = std::array<double, 3>;

constexpr auto kAlgorithms = tlsx::kMinimizeAlgorithms;
const char* name(MinimizeAlgorithm a) { return tlsx::minimize_algorithm_name(a); }

// dV/dr of Eqs. 4-5, written out from the formula.
double smoothed_lj_slope(double r, double eps, double sigma, double xc) {
  const double c2 = 48 / std::pow(xc, 14) - 15 / std::pow(xc, 8);
  const double c4 = 6 / std::pow(xc, 10) - 21 / std::pow(xc, 16);
  return 4 * eps *
         (-12 * std::pow(sigma, 12) / std::pow(r, 13) + 6 * std::pow(sigma, 6) / std::pow(r, 7) +
          2 * c2 * r / (sigma * sigma) + 4 * c4 * r * r * r / std::pow(sigma, 4));
}

// r* with V'(r*) = 0 by bisection: V' < 0 (repulsion) at 0.9 sigma, > 0 (attraction) at 1.5 sigma.
double pair_minimum(double eps, double sigma, double xc) {
  double lo = 0.9 * sigma, hi = 1.5 * sigma;
  EXPECT_LT(smoothed_lj_slope(lo, eps, sigma, xc), 0.0);
  EXPECT_GT(smoothed_lj_slope(hi, eps, sigma, xc), 0.0);
  for (int it = 0; it < 200 && hi - lo > 1e-15; ++it) {
    const double mid = 0.5 * (lo + hi);
    (smoothed_lj_slope(mid, eps, sigma, xc) < 0.0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Particles at `points` (relative to the box centre) in a cubic box wider than twice the list
// cutoff plus a margin, so that no periodic image is within reach.
tlsx::ReplicaBatch isolated_cluster(const tlsx::Model& model, const std::vector<Point>& points,
                                    const std::vector<int>& species) {
  const double skin = 0.3, list_cutoff = model.pair_table().max_cutoff + skin;
  const double edge = 2 * list_cutoff + 3.0;
  const int n = static_cast<int>(points.size());
  tlsx::ReplicaBatch b(n, 1, tlsx::Box::cubic(edge), list_cutoff, skin);
  for (int i = 0; i < n; ++i) {
    for (int d = 0; d < 3; ++d) b.pos(0)[d * n + i] = 0.5 * edge + points[i][d];
    b.species(0)[i] = species[i];
  }
  return b;
}

double distance(const tlsx::ReplicaBatch& b, int i, int j) {
  const int n = b.n();
  double r2 = 0.0;
  for (int d = 0; d < 3; ++d) {
    const double dx = b.box().minimum_image(b.pos(0)[d * n + i] - b.pos(0)[d * n + j], d);
    r2 += dx * dx;
  }
  return std::sqrt(r2);
}

tlsx::MinimizeResult minimize(tlsx::ReplicaBatch& b, const tlsx::Model& model, MinimizeAlgorithm algo) {
  tlsx::MinimizeParams p;
  p.algorithm = algo;
  tlsx::CpuBackend cpu(1);
  return cpu.minimize(b, model.pair_table(), p)[0];
}

TEST(MinimizeAnalytic, PairRelaxesToMinimumOfSmoothedLJ) {
  const tlsx::Model model = tlsx::ka2_model();
  const int a = model.species_index("A"), bsp = model.species_index("B");
  struct Case {
    int si, sj;
    double start;  // initial separation / sigma_ij
  };
  for (const Case c : {Case{a, a, 1.05}, Case{a, a, 1.6}, Case{a, bsp, 0.95}, Case{a, bsp, 1.4}}) {
    const double sigma = model.sig(c.si, c.sj);
    const double r_star = pair_minimum(model.eps(c.si, c.sj), sigma, model.cutoff_ratio);
    // The separation along a skew direction, so that all three axes take part.
    const double r0 = c.start * sigma;
    const Point u = {2.0 / 3.0, -1.0 / 3.0, 2.0 / 3.0};
    for (MinimizeAlgorithm algo : kAlgorithms) {
      tlsx::ReplicaBatch b = isolated_cluster(
          model, {Point{0, 0, 0}, Point{r0 * u[0], r0 * u[1], r0 * u[2]}}, {c.si, c.sj});
      const tlsx::MinimizeResult res = minimize(b, model, algo);
      ASSERT_EQ(res.status, 0) << name(algo);
      EXPECT_LT(res.max_force, 1e-10) << name(algo);
      EXPECT_NEAR(distance(b, 0, 1), r_star, 1e-8) << name(algo) << " start " << c.start;
    }
  }
}

TEST(MinimizeAnalytic, TriangleAndTetrahedronHaveAllSidesAtPairMinimum) {
  const tlsx::Model model = tlsx::ka2_model();
  const int a = model.species_index("A");
  const double r_star = pair_minimum(model.eps(a, a), model.sig(a, a), model.cutoff_ratio);
  std::mt19937_64 gen(7u);
  std::uniform_real_distribution<double> jitter(-0.12, 0.12);
  // Regular polyhedra of edge 1.15 with every vertex moved by up to 0.12 per axis.
  const std::vector<Point> triangle = {{0, 0, 0}, {1.15, 0, 0}, {0.575, 0.9959, 0}};
  const std::vector<Point> tetrahedron = {{1, 1, 1}, {1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}};
  for (const auto& shape : {triangle, tetrahedron}) {
    const double scale = shape.size() == 4 ? 1.15 / std::sqrt(8.0) : 1.0;
    std::vector<Point> points = shape;
    for (Point& p : points)
      for (double& x : p) x = scale * x + jitter(gen);
    const int n = static_cast<int>(points.size());
    for (MinimizeAlgorithm algo : kAlgorithms) {
      tlsx::ReplicaBatch b = isolated_cluster(model, points, std::vector<int>(n, a));
      const tlsx::MinimizeResult res = minimize(b, model, algo);
      ASSERT_EQ(res.status, 0) << name(algo);
      for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j)
          EXPECT_NEAR(distance(b, i, j), r_star, 1e-8) << name(algo) << " n " << n << " pair " << i << "," << j;
    }
  }
}

}  // namespace
