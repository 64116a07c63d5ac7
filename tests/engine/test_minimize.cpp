// FIRE 2.0, Polak-Ribiere CG and L-BFGS on KA2 lattice systems: all reach the same inherent
// structure, which the independent all-pairs evaluation confirms is a minimum (vanishing forces,
// positive curvature by finite differences); the status codes and counters keep their contract.
// L-BFGS's search direction is checked against the dense BFGS inverse-Hessian update.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "../common/test_systems.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/core/team.hpp"
#include "tlsx/engine/lbfgs.hpp"
#include "tlsx/engine/minimize.hpp"

namespace {

using tlsx::MinimizeAlgorithm;
using tlsx::MinimizeParams;
using tlsx::MinimizeResult;
using tlsx::ReplicaBatch;
using tlsx::testing::direct_sum;
using tlsx::testing::lattice_batch;

constexpr auto kAlgorithms = tlsx::kMinimizeAlgorithms;

const char* name(MinimizeAlgorithm a) { return tlsx::minimize_algorithm_name(a); }

MinimizeParams params_for(MinimizeAlgorithm a) {
  MinimizeParams p;
  p.algorithm = a;
  return p;
}

MinimizeResult minimize(ReplicaBatch& batch, const tlsx::Model& model, const MinimizeParams& p) {
  tlsx::CpuBackend cpu(1);
  return cpu.minimize(batch, model.pair_table(), p)[0];
}

std::vector<double> positions(const ReplicaBatch& b) { return {b.pos(0), b.pos(0) + 3 * b.n()}; }

// Largest coordinate difference under the minimum image.
double max_separation(const tlsx::Box& box, const std::vector<double>& a, const std::vector<double>& b) {
  const int n = static_cast<int>(a.size()) / 3;
  double m = 0.0;
  for (int d = 0; d < 3; ++d)
    for (int i = 0; i < n; ++i) m = std::max(m, std::fabs(box.minimum_image(a[d * n + i] - b[d * n + i], d)));
  return m;
}

double max_abs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

// Every coordinate moved uniformly in [-amplitude, amplitude].
void perturb(ReplicaBatch& b, double amplitude, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-amplitude, amplitude);
  for (int k = 0; k < 3 * b.n(); ++k) b.pos(0)[k] += u(gen);
}

// A lattice system of n particles relaxed by CG: a reference inherent structure.
ReplicaBatch relaxed_lattice(const tlsx::Model& model, int n, unsigned seed) {
  ReplicaBatch b = lattice_batch(model, n, 1, seed);
  const MinimizeResult res = minimize(b, model, params_for(MinimizeAlgorithm::cg));
  EXPECT_EQ(res.status, 0);
  return b;
}

TEST(Minimize, EveryMinimiserReachesTheSameMinimum) {
  const tlsx::Model model = tlsx::ka2_model();
  const int n = 512;
  ReplicaBatch start = relaxed_lattice(model, n, 21u);
  const double e_reference = direct_sum(model, start.box(), start.pos(0), start.species(0), n).energy;
  perturb(start, 1e-3, 4u);

  constexpr int kCount = static_cast<int>(kAlgorithms.size());
  std::vector<double> x[kCount], e(kCount);
  for (int a = 0; a < kCount; ++a) {
    ReplicaBatch b = start;
    const MinimizeResult res = minimize(b, model, params_for(kAlgorithms[a]));
    ASSERT_EQ(res.status, 0) << name(kAlgorithms[a]);
    EXPECT_LT(res.max_force, 1e-10) << name(kAlgorithms[a]);
    const auto ref = direct_sum(model, b.box(), b.pos(0), b.species(0), n);
    EXPECT_LT(max_abs(ref.force), 2e-10) << name(kAlgorithms[a]);
    EXPECT_NEAR(res.energy, ref.energy, 1e-11 * std::fabs(ref.energy)) << name(kAlgorithms[a]);
    // Back in the basin of the unperturbed inherent structure.
    EXPECT_NEAR(ref.energy, e_reference, 1e-9 * std::fabs(e_reference)) << name(kAlgorithms[a]);
    x[a] = positions(b);
    e[a] = ref.energy;
  }
  for (int a = 1; a < kCount; ++a) {
    EXPECT_NEAR(e[a], e[0], 1e-9 * std::fabs(e[0])) << name(kAlgorithms[a]);
    EXPECT_LT(max_separation(start.box(), x[a], x[0]), 1e-6) << name(kAlgorithms[a]);
  }
}

TEST(Minimize, EndsInATrueMinimum) {
  const tlsx::Model model = tlsx::ka2_model();
  const int n = 343;
  for (MinimizeAlgorithm algo : kAlgorithms) {
    ReplicaBatch b = lattice_batch(model, n, 1, 8u);
    const double e_start = direct_sum(model, b.box(), b.pos(0), b.species(0), n).energy;
    // Run in chunks and record the energy between them: never above the start; for CG and L-BFGS,
    // whose line searches only accept descending steps, never above the previous chunk either.
    MinimizeParams p = params_for(algo);
    p.max_iterations = 150;
    double e_previous = e_start;
    MinimizeResult res;
    for (int chunk = 0; chunk < 200; ++chunk) {
      res = minimize(b, model, p);
      ASSERT_NE(res.status, 1);
      EXPECT_LE(res.energy, e_start) << name(algo) << " chunk " << chunk;
      if (algo != MinimizeAlgorithm::fire) {
        EXPECT_LE(res.energy, e_previous + 1e-12 * std::fabs(e_previous)) << "chunk " << chunk;
      }
      e_previous = res.energy;
      if (res.status == 0) break;
    }
    ASSERT_EQ(res.status, 0) << name(algo);

    // Forces vanish in the independent all-pairs evaluation.
    const auto ref = direct_sum(model, b.box(), b.pos(0), b.species(0), n);
    EXPECT_LT(max_abs(ref.force), 2e-10) << name(algo);
    EXPECT_LT(ref.energy, e_start) << name(algo);

    // Along random unit directions u: zero slope and positive curvature by central differences.
    std::mt19937_64 gen(99u);
    std::normal_distribution<double> gauss;
    const double h = 1e-3;
    for (int trial = 0; trial < 3; ++trial) {
      std::vector<double> u(3 * n);
      double norm = 0.0;
      for (double& c : u) {
        c = gauss(gen);
        norm += c * c;
      }
      for (double& c : u) c /= std::sqrt(norm);
      auto energy_at = [&](double s) {
        std::vector<double> x = positions(b);
        for (int k = 0; k < 3 * n; ++k) x[k] += s * u[k];
        return direct_sum(model, b.box(), x.data(), b.species(0), n).energy;
      };
      const double ep = energy_at(h), em = energy_at(-h);
      // Richardson-extrapolated central difference: truncation O(h^4), round-off ~1e-8.
      const double slope_h = (ep - em) / (2 * h), slope_h2 = (energy_at(h / 2) - energy_at(-h / 2)) / h;
      const double slope = (4 * slope_h2 - slope_h) / 3;
      const double curvature = (ep + em - 2 * ref.energy) / (h * h);
      EXPECT_LT(std::fabs(slope), 1e-6) << name(algo);
      EXPECT_GT(curvature, 1.0) << name(algo);  // typical curvatures are ~50; round-off ~1e-5
    }
  }
}

TEST(Minimize, QuenchFromDisorderedStateConverges) {
  // A strongly jittered lattice (displacements up to half the spacing, overlapping pairs with
  // forces ~1e4): disordered like a liquid configuration.
  const tlsx::Model model = tlsx::ka2_model();
  const int n = 343;
  for (MinimizeAlgorithm algo : kAlgorithms) {
    ReplicaBatch b = lattice_batch(model, n, 1, 17u, 1.0);
    const double e_start = direct_sum(model, b.box(), b.pos(0), b.species(0), n).energy;
    const MinimizeResult res = minimize(b, model, params_for(algo));
    ASSERT_EQ(res.status, 0) << name(algo);
    EXPECT_LT(res.max_force, 1e-10) << name(algo);
    const auto ref = direct_sum(model, b.box(), b.pos(0), b.species(0), n);
    EXPECT_LT(max_abs(ref.force), 2e-10) << name(algo);
    EXPECT_LT(ref.energy, e_start) << name(algo);
    // KA2 inherent structures lie around e/N = -6.2 (docs/architecture.md §1): a sanity window, not a target.
    EXPECT_LT(ref.energy / n, -5.5) << name(algo);
    EXPECT_GT(ref.energy / n, -7.5) << name(algo);
  }
}

TEST(Minimize, IterationLimitReturnsStatus2WithConsistentCounts) {
  const tlsx::Model model = tlsx::ka2_model();
  const int n = 216;
  for (MinimizeAlgorithm algo : kAlgorithms) {
    const ReplicaBatch start = lattice_batch(model, n, 1, 5u);
    MinimizeParams p = params_for(algo);
    ReplicaBatch full = start;
    const MinimizeResult all = minimize(full, model, p);
    ASSERT_EQ(all.status, 0) << name(algo);
    const std::int64_t iterations = all.iterations;
    ASSERT_GT(iterations, 10) << name(algo);
    // Every iteration costs at least one force evaluation, plus the one at the start; FIRE at
    // most two (a half step back re-evaluates), CG and L-BFGS at most one per line-search trial.
    EXPECT_GE(all.force_evaluations, iterations + 1) << name(algo);
    if (algo == MinimizeAlgorithm::fire) {
      EXPECT_LE(all.force_evaluations, 2 * iterations + 1);
      for (int k = 0; k < 3 * n; ++k) ASSERT_EQ(full.vel(0)[k], 0.0) << "velocities are zero at the end";
    } else {
      EXPECT_LE(all.force_evaluations, 1 + iterations * (tlsx::kLineSearchMaxTrials + 1));
    }

    // The same run stopped one iteration early: status 2, fewer evaluations, not converged.
    ReplicaBatch cut = start;
    p.max_iterations = static_cast<int>(iterations - 1);
    const MinimizeResult early = minimize(cut, model, p);
    EXPECT_EQ(early.status, 2) << name(algo);
    EXPECT_EQ(early.iterations, iterations - 1) << name(algo);
    EXPECT_LT(early.force_evaluations, all.force_evaluations) << name(algo);
    EXPECT_GE(early.max_force, p.force_tolerance) << name(algo);

    // A limit equal to the iterations needed reproduces the full run exactly.
    ReplicaBatch exact = start;
    p.max_iterations = static_cast<int>(iterations);
    const MinimizeResult same = minimize(exact, model, p);
    EXPECT_EQ(same.status, 0) << name(algo);
    EXPECT_EQ(same.iterations, iterations) << name(algo);
    EXPECT_EQ(same.force_evaluations, all.force_evaluations) << name(algo);
    EXPECT_EQ(positions(exact), positions(full)) << name(algo);

    ReplicaBatch few = start;
    p.max_iterations = 5;
    const MinimizeResult five = minimize(few, model, p);
    EXPECT_EQ(five.status, 2) << name(algo);
    EXPECT_EQ(five.iterations, 5) << name(algo);
    // The reported energy and largest force are those of the positions left behind.
    const auto ref = direct_sum(model, few.box(), few.pos(0), few.species(0), n);
    EXPECT_NEAR(five.energy, ref.energy, 1e-11 * std::fabs(ref.energy)) << name(algo);
    EXPECT_NEAR(five.max_force, max_abs(ref.force), 1e-9 * max_abs(ref.force)) << name(algo);
  }
}

TEST(Minimize, AlreadyConvergedStartTakesNoIterations) {
  const tlsx::Model model = tlsx::ka2_model();
  ReplicaBatch b = relaxed_lattice(model, 216, 3u);
  for (MinimizeAlgorithm algo : kAlgorithms) {
    const MinimizeResult res = minimize(b, model, params_for(algo));
    EXPECT_EQ(res.status, 0) << name(algo);
    EXPECT_EQ(res.iterations, 0) << name(algo);
    EXPECT_EQ(res.force_evaluations, 1) << name(algo);
  }
}

TEST(Minimize, NeighborListOverflowReturnsStatus1AtOnce) {
  const tlsx::Model model = tlsx::ka2_model();
  ReplicaBatch b = lattice_batch(model, 216, 1, 2u);
  const std::vector<double> before = positions(b);
  tlsx::ReplicaView v = b.view(0);
  v.nbr.capacity = 4;  // far fewer than the ~60 neighbours of a row
  for (MinimizeAlgorithm algo : kAlgorithms) {
    const MinimizeResult res = tlsx::minimize_replica(tlsx::SerialTeam{}, model.pair_table(), v, params_for(algo));
    EXPECT_EQ(res.status, 1) << name(algo);
    EXPECT_EQ(res.iterations, 0) << name(algo);
    EXPECT_EQ(positions(b), before) << name(algo);
    EXPECT_TRUE(b.take_overflow(0));
  }
  // Through the backend, which grows the capacity and resumes: converges.
  ReplicaBatch dense = lattice_batch(model, 343, 1, 9u);
  for (int k = 0; k < 3 * 343; ++k) dense.pos(0)[k] *= 0.45;  // rows overflow the default capacity
  const int capacity = dense.neighbor_capacity();
  const MinimizeResult res = minimize(dense, model, params_for(MinimizeAlgorithm::cg));
  EXPECT_GT(dense.neighbor_capacity(), capacity);
  EXPECT_EQ(res.status, 0);
}

// The GPU's force path (each worker sums its particle's whole row, no scattering) run serially:
// the minimisers reach the same minimum as with the CPU's half list.
struct FullRowTeam : tlsx::SerialTeam {
  static constexpr bool scatter_safe = false;
};

TEST(Minimize, FullRowForcePathReachesSameMinimum) {
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::PairTable table = model.pair_table();
  ReplicaBatch start = relaxed_lattice(model, 216, 12u);
  perturb(start, 1e-3, 6u);
  for (MinimizeAlgorithm algo : kAlgorithms) {
    ReplicaBatch half = start, full = start;
    const MinimizeResult a = tlsx::minimize_replica(tlsx::SerialTeam{}, table, half.view(0), params_for(algo));
    const MinimizeResult b = tlsx::minimize_replica(FullRowTeam{}, table, full.view(0), params_for(algo));
    ASSERT_EQ(a.status, 0) << name(algo);
    ASSERT_EQ(b.status, 0) << name(algo);
    EXPECT_NEAR(a.energy, b.energy, 1e-12 * std::fabs(a.energy)) << name(algo);
    EXPECT_LT(max_separation(start.box(), positions(half), positions(full)), 1e-6) << name(algo);
  }
}

// The two-loop recursion against the dense BFGS update it stands for (Nocedal & Wright, Eq. 7.19):
// H_{k+1} = (I - rho s y^T) H_k (I - rho y s^T) + rho s s^T from H_0 = gamma I, over the last
// kLbfgsMemory of 7 pairs stored into the ring (so it wraps), with y = A s + noise for an SPD A.
TEST(Lbfgs, DirectionIsTheBfgsInverseHessianTimesTheForce) {
  constexpr int kParticles = 4, m = 3 * kParticles, M = tlsx::kLbfgsMemory;
  std::mt19937_64 gen(12u);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> a(m * m, 0.0);  // SPD: B B^T + I
  {
    std::vector<double> b(m * m);
    for (double& v : b) v = u(gen);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j) {
        for (int k = 0; k < m; ++k) a[i * m + j] += b[i * m + k] * b[j * m + k];
        if (i == j) a[i * m + j] += 1.0;
      }
  }
  std::vector<double> scratch(2 * M * m), f(m), d(m);
  tlsx::LbfgsPairs pairs;
  pairs.scratch = scratch.data();
  pairs.m = m;
  std::vector<std::vector<double>> all_s, all_y;
  for (int pair = 0; pair < 7; ++pair) {
    std::vector<double> s(m), y(m, 0.0);
    for (double& v : s) v = u(gen);
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < m; ++j) y[i] += a[i * m + j] * s[j];
      y[i] += 0.01 * u(gen);
    }
    double sy = 0.0, yy = 0.0;
    for (int i = 0; i < m; ++i) {
      sy += s[i] * y[i];
      yy += y[i] * y[i];
    }
    ASSERT_GT(sy, 0.0);
    const int slot = (pairs.newest + 1) % M;
    std::copy(s.begin(), s.end(), pairs.s(slot));
    std::copy(y.begin(), y.end(), pairs.y(slot));
    pairs.newest = slot;
    pairs.rho[slot] = 1.0 / sy;
    pairs.gamma = sy / yy;
    pairs.stored = std::min(pairs.stored + 1, M);
    all_s.push_back(s);
    all_y.push_back(y);
  }
  for (double& v : f) v = u(gen);
  tlsx::lbfgs_direction(tlsx::SerialTeam{}, kParticles, f.data(), pairs, d.data());

  // Dense reference: H from gamma I through the last M pairs, oldest first.
  std::vector<double> h(m * m, 0.0);
  for (int i = 0; i < m; ++i) h[i * m + i] = pairs.gamma;
  for (std::size_t p = all_s.size() - M; p < all_s.size(); ++p) {
    const std::vector<double>&s = all_s[p], &y = all_y[p];
    double sy = 0.0;
    for (int i = 0; i < m; ++i) sy += s[i] * y[i];
    const double rho = 1.0 / sy;
    std::vector<double> v(m * m), vh(m * m, 0.0), next(m * m, 0.0);  // V = I - rho y s^T
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j) v[i * m + j] = (i == j ? 1.0 : 0.0) - rho * y[i] * s[j];
    for (int i = 0; i < m; ++i)  // V^T H
      for (int j = 0; j < m; ++j)
        for (int k = 0; k < m; ++k) vh[i * m + j] += v[k * m + i] * h[k * m + j];
    for (int i = 0; i < m; ++i)  // V^T H V + rho s s^T
      for (int j = 0; j < m; ++j) {
        for (int k = 0; k < m; ++k) next[i * m + j] += vh[i * m + k] * v[k * m + j];
        next[i * m + j] += rho * s[i] * s[j];
      }
    h.swap(next);
  }
  double scale = 0.0;
  std::vector<double> want(m, 0.0);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < m; ++j) want[i] += h[i * m + j] * f[j];
    scale = std::max(scale, std::fabs(want[i]));
  }
  for (int i = 0; i < m; ++i) EXPECT_NEAR(d[i], want[i], 1e-12 * scale) << "component " << i;
  // The secant condition of the newest pair: H y = s.
  const std::vector<double>&s_new = all_s.back(), &y_new = all_y.back();
  for (int i = 0; i < m; ++i) {
    double hy = 0.0;
    for (int j = 0; j < m; ++j) hy += h[i * m + j] * y_new[j];
    EXPECT_NEAR(hy, s_new[i], 1e-10) << "reference H breaks the secant condition at " << i;
  }
}

}  // namespace
