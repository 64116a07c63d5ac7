// Swap Monte Carlo: the energy change of a swap against the all-pairs reference, the sampled
// distribution of species assignments against exact enumeration of the Boltzmann weights, and the
// concurrent rounds of a sweep against a plain one-attempt-at-a-time chain.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "../common/test_systems.hpp"
#include "test_md_support.hpp"
#include "tlsx/core/rng.hpp"
#include "tlsx/core/team.hpp"
#include "tlsx/engine/neighbor_list.hpp"
#include "tlsx/engine/swap_mc.hpp"

namespace {

using tlsx::testing::direct_sum;

TEST(SwapMc, EnergyChangeMatchesAllPairsDifference) {
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::PairTable table = model.pair_table();
  const int n = 343;
  tlsx::ReplicaBatch batch = tlsx::testing::lattice_batch(model, n, 1, 17u);
  const tlsx::ReplicaView v = batch.view(0);
  tlsx::build_neighbor_list(tlsx::SerialTeam{}, v);
  std::mt19937 gen(5);
  int checked = 0;
  while (checked < 40) {
    const int i = static_cast<int>(gen() % n), j = static_cast<int>(gen() % n);
    if (v.species[i] == v.species[j]) continue;
    const double du = tlsx::swap_energy_change(table, v, i, j);
    const double before = direct_sum(model, batch.box(), v.pos, v.species, n).energy;
    std::swap(v.species[i], v.species[j]);
    const double after = direct_sum(model, batch.box(), v.pos, v.species, n).energy;
    std::swap(v.species[i], v.species[j]);
    EXPECT_NEAR(du, after - before, 1e-10 * std::fabs(before)) << i << " " << j;
    ++checked;
  }
}

// Eight particles in a compact cluster (all pairs interact) in a box of edge 6.5, so that
// L/2 = 3.25 exceeds the list cutoff. Positions are frozen; only species move.
tlsx::ReplicaBatch cluster(const tlsx::Model& model, const std::vector<int>& species) {
  const double skin = 0.3, edge = 6.5, spacing = 1.12;
  tlsx::ReplicaBatch batch(8, 1, tlsx::Box::cubic(edge), model.pair_table().max_cutoff + skin, skin);
  std::mt19937 gen(11);
  std::uniform_real_distribution<double> jitter(-0.08, 0.08);
  for (int i = 0; i < 8; ++i)
    for (int d = 0; d < 3; ++d) batch.pos(0)[d * 8 + i] = 0.5 * edge + spacing * (((i >> d) & 1) - 0.5) + jitter(gen);
  std::copy(species.begin(), species.end(), batch.species(0));
  return batch;
}

// Runs `sweeps` sweeps of swap MC at temperature t on the frozen cluster and compares the
// frequency of every distinct species assignment with its exact Boltzmann probability
// exp(-U/T)/Z, U from the all-pairs reference. Consecutive sweeps are correlated, so the error of
// each frequency comes from batch means; the test checks every z-score and their mean square.
void expect_boltzmann_assignments(const tlsx::Model& model, std::vector<int> species, double t, int sweeps,
                                  int attempts, tlsx::SwapRounds rounds = tlsx::SwapRounds{}) {
  tlsx::ReplicaBatch batch = cluster(model, species);
  const tlsx::Box box = batch.box();
  const tlsx::PairTable table = model.pair_table();

  // Exact distribution over the distinct permutations of the composition.
  std::sort(species.begin(), species.end());
  std::map<std::vector<int>, int> state_of;
  std::vector<double> weight;
  std::vector<int> s = species;
  do {
    state_of[s] = static_cast<int>(weight.size());
    weight.push_back(direct_sum(model, box, batch.pos(0), s.data(), 8).energy);
  } while (std::next_permutation(s.begin(), s.end()));
  const double u_min = *std::min_element(weight.begin(), weight.end());
  double z = 0.0;
  for (double& w : weight) z += (w = std::exp(-(w - u_min) / t));
  for (double& w : weight) w /= z;
  const int states = static_cast<int>(weight.size());
  std::printf("%d assignments, probabilities from %.2e to %.2e\n", states,
              *std::min_element(weight.begin(), weight.end()), *std::max_element(weight.begin(), weight.end()));

  tlsx::MdParams p;
  p.temperature = t;
  p.swap_attempts = attempts;
  p.seed = 99;
  const tlsx::ReplicaView v = batch.view(0);
  tlsx::build_neighbor_list(tlsx::SerialTeam{}, v);
  ASSERT_EQ(v.nbr.count[0], 7);  // every pair is in the list
  const int batches = 50, per_batch = sweeps / batches;
  std::vector<std::vector<double>> freq(states, std::vector<double>(batches, 0.0));
  tlsx::SwapCounts total;
  for (int b = 0; b < batches; ++b)
    for (int k = 0; k < per_batch; ++k) {
      const tlsx::SwapCounts c = tlsx::swap_sweep(tlsx::SerialTeam{}, table, v, p, 3, b * per_batch + k, rounds);
      total.attempted += c.attempted;
      total.accepted += c.accepted;
      const std::vector<int> now(v.species, v.species + 8);
      freq[state_of.at(now)][b] += 1.0 / per_batch;
    }
  EXPECT_EQ(total.attempted, static_cast<std::uint64_t>(batches) * per_batch * attempts);
  std::printf("acceptance %.3f\n", double(total.accepted) / total.attempted);

  double sum_z2 = 0.0, max_z = 0.0;
  for (int st = 0; st < states; ++st) {
    double mean = 0.0, var = 0.0;
    for (double f : freq[st]) mean += f / batches;
    for (double f : freq[st]) var += (f - mean) * (f - mean) / (batches - 1);
    const double error = std::sqrt(var / batches);
    // Floor: the binomial error of independent sweeps (correlation only adds to it), for states
    // too rare for a reliable batch estimate.
    const double floor = std::sqrt(weight[st] * (1.0 - weight[st]) / (double(batches) * per_batch));
    const double zs = (mean - weight[st]) / std::max(error, floor);
    sum_z2 += zs * zs;
    max_z = std::max(max_z, std::fabs(zs));
  }
  std::printf("mean z^2 %.3f, max |z| %.2f\n", sum_z2 / states, max_z);
  EXPECT_LT(max_z, 5.0);
  EXPECT_LT(sum_z2 / states, 2.0);
}

tlsx::Model binary_ka() {
  tlsx::Model m;
  m.name = "binary KA";
  m.species = {{"A", "A", 0.8, 1.0}, {"B", "B", 0.2, 1.0}};
  m.epsilon = {1.0, 1.5, 1.5, 0.5};
  m.sigma = {1.0, 0.8, 0.8, 0.88};
  return m;
}

TEST(SwapMc, SamplesBoltzmannDistributionOfTwoSpecies) {
  expect_boltzmann_assignments(binary_ka(), {0, 1, 0, 0, 1, 0, 1, 0}, 0.5, 200000, 8);
}

// Three species: particle i's partner is drawn among N - N_{s_i} particles, a number that depends
// on s_i (4 for A, 6 for B and C), so only the symmetrised proposal of swap_mc.hpp is exact here.
TEST(SwapMc, SamplesBoltzmannDistributionOfThreeSpecies) {
  expect_boltzmann_assignments(tlsx::ka2_model(), {0, 1, 0, 2, 0, 1, 2, 0}, 0.7, 200000, 8);
}

// In rounds of eight attempts every accepted swap makes the rest of its round stale (all pairs of
// the cluster interact), so this samples through the recomputation path.
TEST(SwapMc, SamplesBoltzmannDistributionInConcurrentRounds) {
  expect_boltzmann_assignments(tlsx::ka2_model(), {0, 1, 0, 2, 0, 1, 2, 0}, 0.7, 100000, 8, tlsx::SwapRounds{8, -1});
}

TEST(SwapMc, OneSpeciesMakesNoAttempts) {
  tlsx::ReplicaBatch batch = cluster(binary_ka(), std::vector<int>(8, 0));
  const tlsx::ReplicaView v = batch.view(0);
  tlsx::build_neighbor_list(tlsx::SerialTeam{}, v);
  tlsx::MdParams p;
  p.swap_attempts = 10;
  const tlsx::SwapCounts c = tlsx::swap_sweep(tlsx::SerialTeam{}, binary_ka().pair_table(), v, p, 0, 0);
  EXPECT_EQ(c.attempted, 0u);
  EXPECT_EQ(c.accepted, 0u);
}

// ---- Concurrent rounds against the sequential chain -------------------------------------------

// The sequential chain written independently of swap_mc.hpp's rounds: one attempt at a time, the
// proposal drawn from the documented streams (word t of attempt a is word t % 4 of
// pick(sweep, a << 6 | t / 4): word 0 picks i, words 1, 2, ... are the candidates for j), and dU as
// the difference of i's and j's pair energies over all other particles (no neighbour list).
class SequentialSwapChain {
 public:
  SequentialSwapChain(const tlsx::PairTable& table, const tlsx::ReplicaView& v) : table_(table), v_(v) {}

  // One sweep; returns the number of accepted swaps.
  std::uint64_t sweep(const tlsx::MdParams& p, std::uint32_t glass, std::uint64_t sweep) {
    const tlsx::RngStream pick{p.seed, glass, tlsx::RngPurpose::swap_pick};
    const tlsx::RngStream accept{p.seed, glass, tlsx::RngPurpose::swap_accept};
    const int n = v_.n;
    std::uint64_t accepted = 0;
    for (int a = 0; a < p.swap_attempts; ++a) {
      const std::uint32_t base = static_cast<std::uint32_t>(a) << 6;
      auto word = [&](int t) { return pick.words(sweep, base | static_cast<std::uint32_t>(t / 4))[t % 4]; };
      const int i = static_cast<int>(tlsx::uniform_index(word(0), n));
      int j = -1;
      for (int t = 1; t < 4 * tlsx::kSwapPickRounds && j < 0; ++t) {
        const int c = static_cast<int>(tlsx::uniform_index(word(t), n));
        if (v_.species[c] != v_.species[i]) j = c;
      }
      if (j < 0) {
        std::vector<int> others;
        for (int k = 0; k < n; ++k)
          if (v_.species[k] != v_.species[i]) others.push_back(k);
        const auto w = pick.words(sweep, base | static_cast<std::uint32_t>(tlsx::kSwapPickRounds));
        j = others[tlsx::uniform_index(w[0], static_cast<std::uint32_t>(others.size()))];
      }
      const double du = energy_change(i, j);
      const double u = tlsx::two_uniforms(accept, sweep, static_cast<std::uint32_t>(a)).u0;
      if (du <= 0.0 || u < std::exp(-du / p.temperature)) {
        std::swap(v_.species[i], v_.species[j]);
        ++accepted;
      }
    }
    return accepted;
  }

 private:
  // Energy of particle i's pairs if it had species s, the pair with `skip` left out.
  double pair_energy(int i, int s, int skip) const {
    double e = 0.0;
    for (int k = 0; k < v_.n; ++k) {
      if (k == i || k == skip) continue;
      double d2 = 0.0;
      for (int d = 0; d < 3; ++d) {
        const double dx = v_.box.minimum_image(v_.x(i, d) - v_.x(k, d), d);
        d2 += dx * dx;
      }
      double v = 0.0, f_over_r = 0.0;
      table_(s, v_.species[k]).evaluate(d2, v, f_over_r);
      e += v;
    }
    return e;
  }
  double energy_change(int i, int j) const {
    const int si = v_.species[i], sj = v_.species[j];
    return pair_energy(i, sj, j) - pair_energy(i, si, j) + pair_energy(j, si, i) - pair_energy(j, sj, i);
  }

  const tlsx::PairTable& table_;
  tlsx::ReplicaView v_;
};

// A KA2 lattice of 512 particles (box edge 7.5, largest pair cutoff 2.5) at a temperature where a
// quarter of the swaps are accepted: most rounds of many attempts contain accepted swaps, a later
// attempt overlaps a given accepted swap with probability ~0.5 (stale), and otherwise commutes.
class SwapRoundsTest : public ::testing::Test {
 protected:
  static constexpr int kN = 512, kSweeps = 30;
  SwapRoundsTest() : model_(tlsx::ka2_model()), table_(model_.pair_table()) {
    params_.temperature = 10.0;
    params_.swap_attempts = 150;
    params_.seed = 2024;
  }
  tlsx::ReplicaBatch fresh() const {
    tlsx::ReplicaBatch batch = tlsx::testing::lattice_batch(model_, kN, 1, 31u);
    tlsx::build_neighbor_list(tlsx::SerialTeam{}, batch.view(0));
    return batch;
  }

  struct Chain {
    std::vector<std::vector<int>> species;  // after every sweep
    tlsx::SwapCounts counts;                // summed over the sweeps
  };
  // kSweeps sweeps of swap_sweep in the given rounds (sweep counters 100, 101, ...).
  Chain rounds_chain(tlsx::SwapRounds rounds) const {
    tlsx::ReplicaBatch batch = fresh();
    const tlsx::ReplicaView v = batch.view(0);
    Chain c;
    for (int s = 0; s < kSweeps; ++s) {
      const tlsx::SwapCounts k = tlsx::swap_sweep(tlsx::SerialTeam{}, table_, v, params_, 5, 100 + s, rounds);
      c.counts.attempted += k.attempted;
      c.counts.accepted += k.accepted;
      c.counts.rounds += k.rounds;
      c.counts.stale += k.stale;
      c.counts.commuted += k.commuted;
      c.species.emplace_back(v.species, v.species + kN);
    }
    return c;
  }
  Chain reference_chain() const {
    tlsx::ReplicaBatch batch = fresh();
    const tlsx::ReplicaView v = batch.view(0);
    SequentialSwapChain chain(table_, v);
    Chain c;
    for (int s = 0; s < kSweeps; ++s) {
      c.counts.attempted += static_cast<std::uint64_t>(params_.swap_attempts);
      c.counts.accepted += chain.sweep(params_, 5, 100 + s);
      c.species.emplace_back(v.species, v.species + kN);
    }
    return c;
  }

  tlsx::Model model_;
  tlsx::PairTable table_;
  tlsx::MdParams params_;
};

// Number of sweeps after which two species sequences first differ (kSweeps if never).
int first_difference(const std::vector<std::vector<int>>& a, const std::vector<std::vector<int>>& b) {
  for (std::size_t s = 0; s < a.size() && s < b.size(); ++s)
    if (a[s] != b[s]) return static_cast<int>(s);
  return a.size() == b.size() ? static_cast<int>(a.size()) : static_cast<int>(std::min(a.size(), b.size()));
}

TEST_F(SwapRoundsTest, ConcurrentRoundsMakeTheSequentialDecisions) {
  const Chain ref = reference_chain();
  const double rate = double(ref.counts.accepted) / double(ref.counts.attempted);
  std::printf("reference acceptance %.3f over %llu attempts\n", rate,
              static_cast<unsigned long long>(ref.counts.attempted));
  ASSERT_GT(rate, 0.15);  // rounds must contain accepted swaps
  ASSERT_LT(rate, 0.85);  // and rejected ones
  // The CUDA block's rounds (64, a stale attempt ends the round) and rounds that recompute every
  // stale attempt on the spot.
  for (const tlsx::SwapRounds rounds : {tlsx::SwapRounds{64, 0}, tlsx::SwapRounds{64, -1}}) {
    SCOPED_TRACE("recompute budget " + std::to_string(rounds.recompute));
    const Chain got = rounds_chain(rounds);
    EXPECT_EQ(first_difference(got.species, ref.species), kSweeps);
    EXPECT_EQ(got.counts.attempted, ref.counts.attempted);
    EXPECT_EQ(got.counts.accepted, ref.counts.accepted);
    std::printf("R = 64, budget %d: %llu rounds, %llu stale, %llu commuted\n", rounds.recompute,
                static_cast<unsigned long long>(got.counts.rounds), static_cast<unsigned long long>(got.counts.stale),
                static_cast<unsigned long long>(got.counts.commuted));
    // Both paths were taken: attempts overlapping an accepted swap of their round, and attempts
    // after an accepted swap that kept their concurrent dU.
    EXPECT_GT(got.counts.stale, 50u);
    EXPECT_GT(got.counts.commuted, 50u);
    const std::uint64_t full_rounds = kSweeps * ((params_.swap_attempts + 63) / 64);
    if (rounds.recompute < 0) {
      EXPECT_EQ(got.counts.rounds, full_rounds);  // never cut short
    } else {
      // Every stale attempt ends a round and starts the next; the last round of a sweep ends whole.
      EXPECT_GE(got.counts.rounds, got.counts.stale + kSweeps);
      EXPECT_GT(got.counts.rounds, full_rounds);
    }
  }
}

TEST_F(SwapRoundsTest, RoundSizeAndRecomputeBudgetDoNotChangeTheChain) {
  const Chain one = rounds_chain(tlsx::SwapRounds{1, 0});
  EXPECT_EQ(one.counts.stale, 0u);  // a round of one attempt is the sequential chain itself
  EXPECT_EQ(one.counts.commuted, 0u);
  EXPECT_EQ(one.counts.rounds, one.counts.attempted);
  for (int size : {7, 64})
    for (int budget : {0, 3, -1}) {
      SCOPED_TRACE("R = " + std::to_string(size) + ", budget " + std::to_string(budget));
      const Chain got = rounds_chain(tlsx::SwapRounds{size, budget});
      EXPECT_EQ(first_difference(got.species, one.species), kSweeps);
      EXPECT_EQ(got.counts.accepted, one.counts.accepted);
      EXPECT_GT(got.counts.stale, 0u);
    }
}

// The commuting claim itself: a swap (k1, k2) whose particles are out of reach of i and j
// (swap_within_reach false for both) leaves the energy change of swapping i and j exactly as it
// was (up to the sign of an exact zero), while swaps within reach do change it.
TEST_F(SwapRoundsTest, SwapsOutOfReachLeaveTheEnergyChangeUnchanged) {
  tlsx::ReplicaBatch batch = fresh();
  const tlsx::ReplicaView v = batch.view(0);
  const double reach2 = tlsx::swap_reach2(table_);
  std::mt19937 gen(8);
  int out_of_reach = 0, changed_within = 0;
  for (int t = 0; t < 4000; ++t) {
    const int i = static_cast<int>(gen() % kN), j = static_cast<int>(gen() % kN);
    const int k1 = static_cast<int>(gen() % kN), k2 = static_cast<int>(gen() % kN);
    if (v.species[i] == v.species[j] || v.species[k1] == v.species[k2]) continue;
    const double before = tlsx::swap_energy_change(table_, v, i, j);
    std::swap(v.species[k1], v.species[k2]);
    const double after = tlsx::swap_energy_change(table_, v, i, j);
    std::swap(v.species[k1], v.species[k2]);
    if (!tlsx::swap_within_reach(v, k1, i, j, reach2) && !tlsx::swap_within_reach(v, k2, i, j, reach2)) {
      ++out_of_reach;
      EXPECT_EQ(after, before) << i << " " << j << " " << k1 << " " << k2;  // +0 == -0
    } else if (after != before) {
      ++changed_within;
    }
  }
  std::printf("%d swaps out of reach, %d within reach that changed dU\n", out_of_reach, changed_within);
  EXPECT_GT(out_of_reach, 200);
  EXPECT_GT(changed_within, 200);
}

// Acceptance statistics of the concurrent sweep against the sequential chain's from independent
// random streams (different seeds): the rates agree within their errors (batch means over sweeps).
TEST_F(SwapRoundsTest, AcceptanceRateMatchesTheSequentialChain) {
  const int batches = 20, per_batch = 8;
  auto batch_rates = [&](bool concurrent, std::uint64_t seed) {
    tlsx::ReplicaBatch batch = fresh();
    const tlsx::ReplicaView v = batch.view(0);
    SequentialSwapChain chain(table_, v);
    tlsx::MdParams p = params_;
    p.seed = seed;
    std::vector<double> rates(batches, 0.0);
    for (int b = 0; b < batches; ++b)
      for (int k = 0; k < per_batch; ++k) {
        const std::uint64_t sweep = static_cast<std::uint64_t>(b * per_batch + k);
        const std::uint64_t accepted =
            concurrent ? tlsx::swap_sweep(tlsx::SerialTeam{}, table_, v, p, 0, sweep, tlsx::SwapRounds{64, 0}).accepted
                       : chain.sweep(p, 0, sweep);
        rates[b] += double(accepted) / (double(p.swap_attempts) * per_batch);
      }
    return rates;
  };
  auto mean_and_error = [&](const std::vector<double>& x) {
    double mean = 0.0, var = 0.0;
    for (double r : x) mean += r / batches;
    for (double r : x) var += (r - mean) * (r - mean) / (batches - 1);
    return std::pair<double, double>{mean, std::sqrt(var / batches)};
  };
  const auto [concurrent, e1] = mean_and_error(batch_rates(true, 11));
  const auto [sequential, e2] = mean_and_error(batch_rates(false, 12));
  const double z = (concurrent - sequential) / std::sqrt(e1 * e1 + e2 * e2);
  std::printf("acceptance: concurrent %.4f +- %.4f, sequential %.4f +- %.4f, z = %.2f\n", concurrent, e1, sequential,
              e2, z);
  EXPECT_GT(e1, 0.0);
  EXPECT_LT(std::fabs(z), 4.0);
}

// The partner draw when other species are rare: 2 B particles among 1000, so 60 % of the attempts
// exhaust the 255 rejection candidates and take the exact fallback. Its draw must be independent of
// i (an earlier index scheme reused the attempt's own first words there, so that i < n/2 forced the
// lower B). Over 20000 attempts: j is always a B when i is an A, and the lower B is chosen half the
// time whichever half of the box index i lies in (standard error 0.005).
TEST(SwapMc, RarePartnerSpeciesDrawIsUniformAndIndependentOfI) {
  const int n = 1000, b_low = 123, b_high = 877;
  std::vector<int> species(n, 0);
  species[b_low] = species[b_high] = 1;
  tlsx::ReplicaView r;
  r.n = n;
  r.species = species.data();
  const tlsx::RngStream pick{2023u, 7u, tlsx::RngPurpose::swap_pick};
  long low_half = 0, low_half_lower_b = 0, high_half = 0, high_half_lower_b = 0;
  for (std::uint64_t sweep = 0; sweep < 20; ++sweep)
    for (int attempt = 0; attempt < 1000; ++attempt) {
      const tlsx::SwapPair p = tlsx::draw_swap_pair(pick, sweep, attempt, r);
      ASSERT_NE(species[p.i], species[p.j]) << "sweep " << sweep << " attempt " << attempt;
      if (species[p.i] != 0) continue;
      (p.i < n / 2 ? low_half : high_half) += 1;
      if (p.j == b_low) (p.i < n / 2 ? low_half_lower_b : high_half_lower_b) += 1;
    }
  ASSERT_GT(low_half, 9000);
  ASSERT_GT(high_half, 9000);
  EXPECT_NEAR(double(low_half_lower_b) / low_half, 0.5, 0.03);
  EXPECT_NEAR(double(high_half_lower_b) / high_half, 0.5, 0.03);
}

}  // namespace
