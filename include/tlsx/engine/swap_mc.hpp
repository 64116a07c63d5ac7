#pragma once
// Swap Monte Carlo (paper Sec. II C; Berthier et al., Ref. [47]): exchange the species of two
// particles of different species, accepted with min(1, exp(-dU/T)). Positions and velocities are
// unchanged (all masses are equal), so a sweep only rewrites species; the caller recomputes forces.
//
// Proposal. Particle i is drawn uniformly among the N; j uniformly among the N - N_{s_i} particles
// whose species differs from s_i (rejection sampling of uniform draws). The move "exchange s_i and
// s_j" is reached by drawing (i, j) or (j, i), so its proposal probability is
//     P({i,j}) = 1/(N (N - N_{s_i})) + 1/(N (N - N_{s_j})).
// The reverse move exchanges the same two particles back: it involves the same two species and the
// counts N_s are unchanged by a swap, so it has the same P. The proposal is symmetric and the
// Metropolis rule min(1, exp(-dU/T)) satisfies detailed balance with respect to exp(-U/T) over
// species assignments of fixed composition. (Drawing j uniformly among all particles other than i
// and rejecting same-species pairs would be symmetric too but wastes attempts.)
//
// Energy change. Only pairs containing i or j change. The pair (i, j) itself keeps its value
// (V_{ab} = V_{ba}) and is skipped; every other neighbour k of i contributes
// V_{s_j s_k}(r_ik) - V_{s_i s_k}(r_ik), and symmetrically for j. Each row is one team reduction.
//
// Random numbers. RngStream{seed, glass, swap_pick} with step = the sweep counter and index =
// (attempt << 6) | round: round 0 gives i (word 0) and three candidates for j (words 1-3), later
// rounds four candidates each. RngStream{seed, glass, swap_accept}(sweep, attempt) gives the
// Metropolis uniform. Uniform integers use uniform_index (relative bias below N / 2^32 ~ 3e-7).
#include <cmath>
#include <cstdint>

#include "tlsx/core/hd.hpp"
#include "tlsx/core/rng.hpp"
#include "tlsx/engine/md_params.hpp"
#include "tlsx/engine/replica.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx {

struct SwapCounts {
  std::uint64_t attempted = 0, accepted = 0;
};

// Rejection rounds (of up to four candidates each) before the exact fallback that counts the
// particles of other species: with KA2's composition the fallback has probability (2/3)^255.
constexpr int kSwapPickRounds = 64;

// Change of the energy of particle i's pairs when its species goes from `from` to `to`, the
// partner `skip` excluded (its own species change is accounted for by its own row).
template <class Team>
TLSX_HD double swap_row_change(const Team& team, const PairTable& table, const ReplicaView& r, int i, int from,
                               int to, int skip) {
  const NeighborListView& nl = r.nbr;
  const double xi = r.x(i, 0), yi = r.x(i, 1), zi = r.x(i, 2);
  const SmoothedLJPair* pairs_to = &table.pair[to * kMaxSpecies];
  const SmoothedLJPair* pairs_from = &table.pair[from * kMaxSpecies];
  // Branch-free terms (the serial team vectorises them); the partner's term is multiplied by 0.
  return team.sum(nl.count[i], [&](int k) {
    const int j = nl.neighbor(i, k);
    const double dx = r.box.minimum_image(xi - r.x(j, 0), 0);
    const double dy = r.box.minimum_image(yi - r.x(j, 1), 1);
    const double dz = r.box.minimum_image(zi - r.x(j, 2), 2);
    const double r2 = dx * dx + dy * dy + dz * dz, inv_r2 = 1.0 / r2;
    const int sj = r.species[j];
    const double change = pairs_to[sj].energy_masked(r2, inv_r2) - pairs_from[sj].energy_masked(r2, inv_r2);
    return (j != skip ? 1.0 : 0.0) * change;
  });
}

// dU of exchanging the species of i and j (requires a neighbour list valid for the positions).
template <class Team>
TLSX_HD double swap_energy_change(const Team& team, const PairTable& table, const ReplicaView& r, int i, int j) {
  const int si = r.species[i], sj = r.species[j];
  return swap_row_change(team, table, r, i, si, sj, j) + swap_row_change(team, table, r, j, sj, si, i);
}

// Exact fallback for the partner draw: the rank-th particle (0-based) whose species is not s.
// Serial and O(N), run redundantly by every worker; reached with negligible probability.
TLSX_HD inline int nth_particle_not_of_species(const ReplicaView& r, int s, std::uint32_t rank) {
  std::uint32_t seen = 0;
  for (int k = 0; k < r.n; ++k) {
    if (r.species[k] == s) continue;
    if (seen == rank) return k;
    ++seen;
  }
  return -1;
}

// One sweep of params.swap_attempts attempts at temperature params.temperature, numbered `sweep`
// in the glass's swap streams. Needs a neighbour list valid for the current positions.
template <class Team>
TLSX_HD SwapCounts swap_sweep(const Team& team, const PairTable& table, const ReplicaView& r, const MdParams& params,
                              std::uint32_t glass, std::uint64_t sweep) {
  SwapCounts counts;
  const int n = r.n;
  const int s0 = r.species[0];
  if (team.max(n, [&](int k) { return r.species[k] != s0 ? 1.0 : 0.0; }) == 0.0) return counts;  // one species

  const RngStream pick{params.seed, glass, RngPurpose::swap_pick};
  const RngStream accept{params.seed, glass, RngPurpose::swap_accept};
  for (int a = 0; a < params.swap_attempts; ++a) {
    const std::uint32_t base = static_cast<std::uint32_t>(a) << 6;
    auto words = pick.words(sweep, base);
    const int i = static_cast<int>(uniform_index(words[0], n));
    const int si = r.species[i];
    int j = -1;
    for (int round = 0; round < kSwapPickRounds && j < 0; ++round) {
      if (round > 0) words = pick.words(sweep, base | static_cast<std::uint32_t>(round));
      for (int w = round == 0 ? 1 : 0; w < 4 && j < 0; ++w) {
        const int c = static_cast<int>(uniform_index(words[w], n));
        if (r.species[c] != si) j = c;
      }
    }
    if (j < 0) {
      // Every candidate had species s_i: draw the partner's rank among the others directly.
      std::uint32_t others = 0;
      for (int k = 0; k < n; ++k) others += r.species[k] != si ? 1u : 0u;
      const auto w = pick.words(sweep, base | static_cast<std::uint32_t>(kSwapPickRounds));
      j = nth_particle_not_of_species(r, si, uniform_index(w[0], others));
    }
    const int sj = r.species[j];
    const double du = swap_energy_change(team, table, r, i, j);
    counts.attempted += 1;
    const double u = two_uniforms(accept, sweep, static_cast<std::uint32_t>(a)).u0;
    if (du <= 0.0 || u < exp(-du / params.temperature)) {
      team.single([&] {
        r.species[i] = sj;
        r.species[j] = si;
      });
      counts.accepted += 1;
    }
  }
  return counts;
}

}  // namespace tlsx
