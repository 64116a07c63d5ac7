// Swap Monte Carlo: the energy change of a swap against the all-pairs reference, and the sampled
// distribution of species assignments against exact enumeration of the Boltzmann weights.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <vector>

#include "../common/test_systems.hpp"
#include "test_md_support.hpp"
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
    const double du = tlsx::swap_energy_change(tlsx::SerialTeam{}, table, v, i, j);
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
                                  int attempts) {
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
      const tlsx::SwapCounts c = tlsx::swap_sweep(tlsx::SerialTeam{}, table, v, p, 3, b * per_batch + k);
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

}  // namespace
