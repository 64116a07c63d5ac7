// The inherent-structure registry: same IS / different IS decisions, bucket edges, translation and
// periodic images, against a brute-force scan written here.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tlsx/core/error.hpp"
#include "tlsx/pipeline/is_registry.hpp"

namespace {

using tlsx::Box;
using tlsx::IsMatchTolerance;
using tlsx::IsRegistry;

constexpr int kN = 216;
const Box kBox = Box::cubic(5.4);

std::vector<double> random_configuration(unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(0.0, 5.4);
  std::vector<double> p(3 * kN);
  for (double& x : p) x = u(gen);
  return p;
}

TEST(IsRegistry, RepeatQuenchOfOneStructureIsRecognised) {
  IsRegistry reg(kN, kBox);
  const auto a = random_configuration(1);
  auto b = a;
  for (double& x : b) x += 1e-7;  // the scatter of one IS reached twice (and a tiny translation)
  b[5] -= 3e-7;
  const auto m0 = reg.add(a.data(), -1300.0, 0.5, 0);
  const auto m1 = reg.add(b.data(), -1300.0 + 1e-11, 1.0, 1);
  EXPECT_TRUE(m0.is_new);
  EXPECT_FALSE(m1.is_new);
  EXPECT_EQ(m0.id, m1.id);
  ASSERT_EQ(reg.size(), 1);
  EXPECT_EQ(reg[0].visits, 2);
  EXPECT_EQ(reg[0].first_quench, 0);
  EXPECT_DOUBLE_EQ(reg[0].first_seen, 0.5);
  EXPECT_EQ(reg[0].pos, a);  // the first quench's coordinates are kept
}

TEST(IsRegistry, OneDisplacedParticleMakesADistinctStructure) {
  IsRegistry reg(kN, kBox);
  const auto a = random_configuration(2);
  auto b = a;
  b[17] += 0.05;  // x of particle 17: above the 0.01 sigma tolerance
  reg.add(a.data(), -1300.0, 0.0, 0);
  const auto m = reg.add(b.data(), -1300.0, 0.0, 1);  // identical energy on purpose
  EXPECT_TRUE(m.is_new);
  EXPECT_EQ(m.id, 1);
  // Just below the tolerance the same particle is the same IS.
  auto c = a;
  c[17] += 0.009;
  EXPECT_EQ(reg.find(c.data(), -1300.0), 0);
}

TEST(IsRegistry, EnergyBeyondToleranceMakesADistinctStructure) {
  IsRegistry reg(kN, kBox);
  const auto a = random_configuration(3);
  const double window = IsMatchTolerance{}.energy_per_particle * kN;
  reg.add(a.data(), -1300.0, 0.0, 0);
  EXPECT_EQ(reg.find(a.data(), -1300.0 + 0.9 * window), 0);
  EXPECT_EQ(reg.find(a.data(), -1300.0 - 0.9 * window), 0);
  EXPECT_EQ(reg.find(a.data(), -1300.0 + 1.1 * window), -1);
  EXPECT_EQ(reg.find(a.data(), -1300.0 - 1.1 * window), -1);
}

TEST(IsRegistry, RigidTranslationAndPeriodicImagesAreTheSameStructure) {
  IsRegistry reg(kN, kBox);
  const auto a = random_configuration(4);
  reg.add(a.data(), -1300.0, 0.0, 0);
  auto shifted = a;
  for (int i = 0; i < kN; ++i) shifted[i] += 0.3;       // whole system moved along x
  for (int i = 0; i < kN; i += 7) shifted[kN + i] += 5.4;  // some particles one box image away in y
  EXPECT_EQ(reg.find(shifted.data(), -1300.0), 0);
  EXPECT_NEAR(IsRegistry::max_displacement(a.data(), shifted.data(), kN, kBox), 0.0, 1e-12);
}

TEST(IsRegistry, MaxDisplacementMatchesHandComputation) {
  auto a = random_configuration(5);
  auto b = a;
  // Particle 3 moves by (0.3, 0, 0.4) across the periodic boundary in x.
  a[3] = 5.3;
  b[3] = 0.2;  // minimum image: +0.3
  b[2 * kN + 3] += 0.4;
  // Mean displacement (0.3/n, 0, 0.4/n); particle 3's residual is (0.3, 0, 0.4) * (1 - 1/n).
  const double expected = 0.5 * (1.0 - 1.0 / kN);
  EXPECT_NEAR(IsRegistry::max_displacement(b.data(), a.data(), kN, kBox), expected, 1e-12);
}

// The energy hash must never separate two energies within the tolerance: put one IS exactly on
// each side of many bucket edges, and at the edge itself.
TEST(IsRegistry, BucketEdgeNeverSplitsOneStructure) {
  const double window = IsMatchTolerance{}.energy_per_particle * kN;
  const auto a = random_configuration(6);
  for (int k = -5; k <= 5; ++k) {
    const double edge = (std::floor(-1300.0 / window) + k) * window;
    for (const double below : {1e-15, 0.25 * window, 0.49 * window, 0.999 * window}) {
      for (const double above : {0.0, 1e-15, 0.01 * window}) {
        if (below + above > window) continue;
        IsRegistry reg(kN, kBox);
        reg.add(a.data(), edge - below, 0.0, 0);
        const auto m = reg.add(a.data(), edge + above, 0.0, 1);
        EXPECT_FALSE(m.is_new) << "edge " << k << " below " << below << " above " << above;
        EXPECT_EQ(reg.size(), 1);
      }
    }
  }
}

// Many structures with crowded energies: the hashed lookup must agree with a linear scan that
// applies the definition directly.
TEST(IsRegistry, HashedLookupAgreesWithBruteForceScan) {
  const double window = IsMatchTolerance{}.energy_per_particle * kN;
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::vector<double>> base;
  for (int s = 0; s < 6; ++s) base.push_back(random_configuration(100 + s));
  IsRegistry reg(kN, kBox);
  std::vector<std::vector<double>> stored_pos;
  std::vector<double> stored_e;
  for (int q = 0; q < 400; ++q) {
    // A base configuration, sometimes with one particle displaced (a distinct IS), at an energy
    // drawn within a few windows of a shared value so that buckets are crowded.
    auto p = base[static_cast<std::size_t>(u(gen) * 6)];
    if (u(gen) < 0.3) p[static_cast<std::size_t>(u(gen) * 3 * kN)] += 0.2;
    const double e = -1300.0 + std::floor(u(gen) * 12) * 0.37 * window;
    int expected = -1;
    double best_gap = 0.0;
    for (std::size_t k = 0; k < stored_pos.size(); ++k) {
      const double gap = std::fabs(stored_e[k] - e);
      if (gap <= window && IsRegistry::max_displacement(stored_pos[k].data(), p.data(), kN, kBox) <= 0.01 &&
          (expected < 0 || gap < best_gap)) {
        expected = static_cast<int>(k);
        best_gap = gap;
      }
    }
    const auto m = reg.add(p.data(), e, q, q);
    if (expected >= 0) {
      EXPECT_EQ(m.id, expected) << "quench " << q;
      EXPECT_FALSE(m.is_new);
    } else {
      EXPECT_TRUE(m.is_new);
      stored_pos.push_back(p);
      stored_e.push_back(e);
    }
  }
  EXPECT_EQ(reg.size(), static_cast<int>(stored_pos.size()));
  EXPECT_GT(reg.size(), 6);  // the test exercised distinct structures at equal energies
}

TEST(IsRegistry, RestoreRebuildsTheLookup) {
  IsRegistry reg(kN, kBox);
  const auto a = random_configuration(8), b = random_configuration(9);
  reg.add(a.data(), -1300.0, 0.0, 0);
  reg.add(b.data(), -1299.0, 1.0, 1);
  IsRegistry copy = IsRegistry::restore(kN, kBox, reg.tolerance(), reg.structures());
  EXPECT_EQ(copy.find(b.data(), -1299.0), 1);
  EXPECT_EQ(copy.find(a.data(), -1300.0), 0);
  auto broken = reg.structures();
  broken[1].id = 5;
  EXPECT_THROW(IsRegistry::restore(kN, kBox, reg.tolerance(), broken), tlsx::Error);
}

TEST(IsRegistry, RejectsNonFiniteEnergyAndBadTolerances) {
  IsRegistry reg(kN, kBox);
  const auto a = random_configuration(10);
  EXPECT_THROW(reg.add(a.data(), std::nan(""), 0.0, 0), tlsx::Error);
  EXPECT_THROW(IsRegistry(kN, kBox, IsMatchTolerance{0.0, 0.01}), tlsx::Error);
  EXPECT_THROW(IsRegistry(kN, kBox, IsMatchTolerance{1e-8, -1.0}), tlsx::Error);
}

// The screen of the two-stage quench on a constructed case: two minima A and B a small displacement
// apart (one particle 0.015 sigma, beyond the 0.01 distance tolerance) at energies the energy
// tolerance cannot tell apart. A quench stopped early near B carries the residual of a loose
// tolerance (random displacements of up to 2e-4 sigma, the energy 1e-7 above B's).
struct TwoNearbyMinima {
  std::vector<double> a, b;
  double energy_a = -1300.0, energy_b = -1300.0 + 2e-7;  // within the window 216e-8 of each other
  TwoNearbyMinima() : a(random_configuration(21)), b(a) { b[17] += 0.015; }  // x of particle 17
};

std::vector<double> loose_point(const std::vector<double>& minimum, unsigned seed, double amplitude = 2e-4) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-amplitude, amplitude);
  std::vector<double> p = minimum;
  for (double& x : p) x += u(gen);
  return p;
}

TEST(IsRegistry, ScreenNeverMergesTwoMinimaASmallDisplacementApart) {
  const TwoNearbyMinima m;
  // The exact protocol tells them apart (the construction is valid) ...
  IsRegistry exact(kN, kBox);
  EXPECT_TRUE(exact.add(m.a.data(), m.energy_a, 0.0, 0).is_new);
  EXPECT_TRUE(exact.add(m.b.data(), m.energy_b, 1.0, 1).is_new);
  // ... and with only A known, a loose quench near B is never placed in A: it must be finished.
  IsRegistry reg(kN, kBox);
  reg.add(m.a.data(), m.energy_a, 0.0, 0);
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const auto x = loose_point(m.b, seed);
    EXPECT_EQ(reg.screen(x.data(), m.energy_b + 1e-7), -1) << "seed " << seed;
  }
  // With both known, a loose quench near either is placed in its own.
  reg.add(m.b.data(), m.energy_b, 1.0, 1);
  for (unsigned seed = 1; seed <= 20; ++seed) {
    EXPECT_EQ(reg.screen(loose_point(m.a, seed).data(), m.energy_a + 1e-7), 0) << "seed " << seed;
    EXPECT_EQ(reg.screen(loose_point(m.b, seed).data(), m.energy_b + 1e-7), 1) << "seed " << seed;
  }
  // Halfway between them both are within the full tolerances: not clearly one, so finished.
  auto middle = m.a;
  middle[17] += 0.0075;
  EXPECT_EQ(reg.screen(middle.data(), m.energy_a + 1e-7), -1);
}

TEST(IsRegistry, ScreenNeverSplitsOneMinimum) {
  IsRegistry reg(kN, kBox);
  const auto a = random_configuration(22);
  reg.add(a.data(), -1300.0, 0.0, 0);
  reg.add(random_configuration(23).data(), -1300.0 + 1e-7, 1.0, 1);  // same energy, far away
  for (unsigned seed = 1; seed <= 20; ++seed) {
    auto x = loose_point(a, seed);
    // Rigidly translated and partly moved to other periodic images: still A.
    for (int i = 0; i < kN; ++i) {
      x[i] += 0.37 + (i % 3 == 0 ? 5.4 : 0.0);
      x[kN + i] -= 1.9;
      x[2 * kN + i] += (i % 5 == 0 ? -10.8 : 0.0);
    }
    EXPECT_EQ(reg.screen(x.data(), -1300.0 + 1e-7), 0) << "seed " << seed;
    EXPECT_EQ(reg.screen(x.data(), -1300.0 - 1e-7), 0) << "seed " << seed;  // round-off below A
  }
  // Beyond half the tolerances the screen does not decide (the exact protocol would still match).
  auto far = a;
  far[3] += 0.006;  // 0.006 (1 - 1/n) > 0.005 after the mean is removed
  EXPECT_EQ(reg.screen(far.data(), -1300.0), -1);
  EXPECT_EQ(reg.find(far.data(), -1300.0), 0);
  EXPECT_EQ(reg.screen(a.data(), -1300.0 + 0.6 * 216e-8), -1);
  EXPECT_EQ(reg.find(a.data(), -1300.0 + 0.6 * 216e-8), 0);
  // A screened quench counts as a visit.
  EXPECT_EQ(reg.revisit(0).id, 0);
  EXPECT_EQ(reg[0].visits, 2);
  EXPECT_THROW(reg.revisit(2), tlsx::Error);
}

}  // namespace
