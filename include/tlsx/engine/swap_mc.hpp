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
// V_{s_j s_k}(r_ik) - V_{s_i s_k}(r_ik), and symmetrically for j. One worker computes the dU of one
// attempt with a plain loop over the two neighbour rows (swap_energy_change): the team works on
// several attempts at once rather than on the ~60 terms of one row.
//
// The Markov chain is the sequential one: attempt a draws its proposal from, and computes dU with,
// the species left by attempts 0..a-1, and is decided by the Metropolis rule. A sweep runs this
// chain in rounds. A round takes the next m <= R attempts and
//   1. (team.for_each, one attempt per worker) draws each attempt's proposal and Metropolis uniform
//      and computes its dU, all from the species at the start of the round;
//   2. (team.single, one worker while the others wait) decides them in order. Until the first swap
//      of the round is accepted the species are those of the start of the round, so the concurrent
//      proposals and dU are the sequential ones. After an accepted swap, attempt a re-draws its
//      proposal with the current species (random words only) and its concurrent result is STALE if
//      the proposal changed, or if a particle k of a swap accepted earlier in the round is i_a or
//      j_a or lies within the largest pair cutoff of i_a or j_a. Otherwise every term of dU_a has
//      the positions and species it had at the start of the round: a neighbour k whose species
//      changed is beyond every pair cutoff, where each term is a masked zero whatever the species,
//      and adding a zero leaves a sum unchanged (only the sign of an exactly zero total can differ,
//      and the Metropolis rule accepts dU = +0 and -0 alike). So attempts whose neighbourhoods do
//      not overlap the accepted swaps commute with them and keep their concurrent dU. A stale
//      attempt is either recomputed on the spot by the deciding worker (at most `recompute` per
//      round) or ends the round, and the next round starts with it, computed afresh.
// Every decision is therefore the sequential chain's, whatever R and the recompute budget (tested:
// identical species sequences for R = 1, 7, 64 and against a one-attempt-at-a-time reference), and
// detailed balance is exactly that of the sequential chain. Cost: a round is one concurrent dU
// (a serial loop of ~2 x 60 terms) plus the ordered pass; ending a round at the first stale attempt
// is what a many-worker team wants (the fresh round recomputes every later attempt concurrently, so
// the worker that decides never loops over rows), while a one-worker team gains nothing from rounds
// and uses R = 1, where nothing is ever stale. R is the team's concurrent_tasks (1 for SerialTeam,
// 64 for a CUDA block), capped at kSwapRoundMax; the round's proposals, uniforms and dU live in the
// team's shared_scratch (team.hpp).
//
// Random numbers. RngStream{seed, glass, swap_pick} with step = the sweep counter and index =
// (attempt << 6) | c, c the rejection round of the partner draw (not a round of attempts): c = 0
// gives i (word 0) and three candidates for j (words 1-3), later c four candidates each; the exact
// fallback after kSwapPickRounds rounds draws at step = sweep + kSwapFallbackStep, index
// attempt << 6, apart from every other draw (an index (attempt << 6) | 64 would be another
// attempt's round 0). RngStream{seed, glass, swap_accept}(sweep, attempt) gives the
// Metropolis uniform. Uniform integers use uniform_index (relative bias below N / 2^32 ~ 3e-7).
#include <cmath>
#include <cstdint>

#include "tlsx/core/hd.hpp"
#include "tlsx/core/rng.hpp"
#include "tlsx/core/team.hpp"
#include "tlsx/engine/md_params.hpp"
#include "tlsx/engine/replica.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx {

struct SwapCounts {
  std::uint64_t attempted = 0, accepted = 0;
  // How the rounds went (diagnostics; they never change a decision): rounds run, attempts found
  // stale, and attempts decided with their concurrent dU although a swap had been accepted before
  // them in the same round (the commuting, non-overlapping case).
  std::uint64_t rounds = 0, stale = 0, commuted = 0;
};

// Rejection rounds (of up to four candidates each) before the exact fallback that counts the
// particles of other species: with KA2's composition the fallback has probability (2/3)^255.
constexpr int kSwapPickRounds = 64;
// Step offset of the fallback's draw (RngStream steps go to 2^48; sweeps never reach 2^47).
constexpr std::uint64_t kSwapFallbackStep = std::uint64_t(1) << 47;

// Round structure of a sweep (header). Any size and budget give the same decisions.
constexpr int kSwapRoundMax = 64;
struct SwapRounds {
  int size = 1;       // R: attempts per round, clamped to [1, kSwapRoundMax]
  int recompute = 0;  // stale attempts the deciding worker recomputes per round before ending the
                      // round early; negative: no limit (rounds are then never cut short)
};

template <class Team>
TLSX_HD constexpr SwapRounds default_swap_rounds() {
  return SwapRounds{Team::concurrent_tasks < kSwapRoundMax ? Team::concurrent_tasks : kSwapRoundMax, 0};
}

// Layout of the team's shared scratch during a sweep: four header slots (written by the deciding
// worker, read by all), then per attempt of the round its i, j, dU and Metropolis uniform.
constexpr int kSwapNext = 0, kSwapAccepted = 1, kSwapStale = 2, kSwapCommuted = 3, kSwapHeader = 4;
static_assert(kSwapHeader + 4 * kSwapRoundMax <= kTeamSharedDoubles, "a swap round must fit the team's scratch");

// Change of the energy of particle i's pairs when its species goes from `from` to `to`, the
// partner `skip` excluded (its own species change is accounted for by its own row). Serial: one
// worker adds the terms in row order (serial_sum, team.hpp).
TLSX_HD inline double swap_row_change(const PairTable& table, const ReplicaView& r, int i, int from, int to,
                                      int skip) {
  const NeighborListView& nl = r.nbr;
  const double xi = r.x(i, 0), yi = r.x(i, 1), zi = r.x(i, 2);
  const SmoothedLJPair* pairs_to = &table.pair[to * kMaxSpecies];
  const SmoothedLJPair* pairs_from = &table.pair[from * kMaxSpecies];
  // Branch-free terms (the host vectorises them); the partner's term is multiplied by 0.
  return serial_sum(nl.count[i], [&](int k) {
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

// dU of exchanging the species of i and j with the current species (requires a neighbour list
// valid for the positions). Run by one worker.
TLSX_HD inline double swap_energy_change(const PairTable& table, const ReplicaView& r, int i, int j) {
  const int si = r.species[i], sj = r.species[j];
  return swap_row_change(table, r, i, si, sj, j) + swap_row_change(table, r, j, sj, si, i);
}

// Exact fallback for the partner draw: the rank-th particle (0-based) whose species is not s.
// Serial and O(N); reached with negligible probability.
TLSX_HD inline int nth_particle_not_of_species(const ReplicaView& r, int s, std::uint32_t rank) {
  std::uint32_t seen = 0;
  for (int k = 0; k < r.n; ++k) {
    if (r.species[k] == s) continue;
    if (seen == rank) return k;
    ++seen;
  }
  return -1;
}

struct SwapPair {
  int i = -1, j = -1;
};

// The proposal of attempt `attempt` of sweep `sweep` with the current species (header: i uniform,
// j uniform among the particles of another species). Needs two species present. Run by one worker.
TLSX_HD inline SwapPair draw_swap_pair(const RngStream& pick, std::uint64_t sweep, int attempt, const ReplicaView& r) {
  const int n = r.n;
  const std::uint32_t base = static_cast<std::uint32_t>(attempt) << 6;
  auto words = pick.words(sweep, base);
  SwapPair p;
  p.i = static_cast<int>(uniform_index(words[0], n));
  const int si = r.species[p.i];
  for (int c = 0; c < kSwapPickRounds && p.j < 0; ++c) {  // rejection rounds
    if (c > 0) words = pick.words(sweep, base | static_cast<std::uint32_t>(c));
    for (int w = c == 0 ? 1 : 0; w < 4 && p.j < 0; ++w) {
      const int candidate = static_cast<int>(uniform_index(words[w], n));
      if (r.species[candidate] != si) p.j = candidate;
    }
  }
  if (p.j < 0) {
    // Every candidate had species s_i: draw the partner's rank among the others directly.
    std::uint32_t others = 0;
    for (int k = 0; k < n; ++k) others += r.species[k] != si ? 1u : 0u;
    const auto w = pick.words(sweep + kSwapFallbackStep, base);
    p.j = nth_particle_not_of_species(r, si, uniform_index(w[0], others));
  }
  return p;
}

// Squared minimum-image distance of particles a and b.
TLSX_HD inline double swap_distance2(const ReplicaView& r, int a, int b) {
  const double dx = r.box.minimum_image(r.x(a, 0) - r.x(b, 0), 0);
  const double dy = r.box.minimum_image(r.x(a, 1) - r.x(b, 1), 1);
  const double dz = r.box.minimum_image(r.x(a, 2) - r.x(b, 2), 2);
  return dx * dx + dy * dy + dz * dz;
}

// Squared reach of a species change: pair terms vanish beyond table.max_cutoff for every species
// pair; the margin covers the rounding of r^2 computed here and in the rows.
TLSX_HD inline double swap_reach2(const PairTable& table) {
  return (1.0 + 1e-6) * table.max_cutoff * table.max_cutoff;
}

// Whether the species change of particle k can change the dU of the swap (i, j): k is i or j, or
// within reach2 = swap_reach2(table) of either.
TLSX_HD inline bool swap_within_reach(const ReplicaView& r, int k, int i, int j, double reach2) {
  return k == i || k == j || swap_distance2(r, k, i) < reach2 || swap_distance2(r, k, j) < reach2;
}

// One sweep of params.swap_attempts attempts at temperature params.temperature, numbered `sweep`
// in the glass's swap streams, run in rounds (header). Needs a neighbour list valid for the current
// positions. Every worker returns the same counts.
template <class Team>
TLSX_HD SwapCounts swap_sweep(const Team& team, const PairTable& table, const ReplicaView& r, const MdParams& params,
                              std::uint32_t glass, std::uint64_t sweep,
                              SwapRounds rounds = default_swap_rounds<Team>()) {
  SwapCounts counts;
  const int attempts = params.swap_attempts;
  if (attempts <= 0) return counts;
  const int s0 = r.species[0];
  if (team.max(r.n, [&](int k) { return r.species[k] != s0 ? 1.0 : 0.0; }) == 0.0) return counts;  // one species

  const int size = rounds.size < 1 ? 1 : (rounds.size > kSwapRoundMax ? kSwapRoundMax : rounds.size);
  const RngStream pick{params.seed, glass, RngPurpose::swap_pick};
  const RngStream accept{params.seed, glass, RngPurpose::swap_accept};
  const double reach2 = swap_reach2(table);
  double* const shared = team.shared_scratch();
  double* const slot_i = shared + kSwapHeader;
  double* const slot_j = slot_i + kSwapRoundMax;
  double* const slot_du = slot_j + kSwapRoundMax;
  double* const slot_u = slot_du + kSwapRoundMax;
  // Tallies of the deciding worker (meaningful only on the one that runs single()).
  std::uint64_t accepted = 0, stale = 0, commuted = 0;

  for (int a0 = 0; a0 < attempts;) {
    const int m = attempts - a0 < size ? attempts - a0 : size;
    // 1. Proposals, uniforms and dU of attempts a0..a0+m-1 from the species at the round's start.
    team.for_each(m, [&](int b) {
      const SwapPair p = draw_swap_pair(pick, sweep, a0 + b, r);
      slot_i[b] = p.i;
      slot_j[b] = p.j;
      slot_du[b] = swap_energy_change(table, r, p.i, p.j);
      slot_u[b] = two_uniforms(accept, sweep, static_cast<std::uint32_t>(a0 + b)).u0;
    });
    team.sync();
    // 2. The sequential chain over them; slot_i/slot_j end up holding the proposals decided.
    team.single([&] {
      std::uint64_t accepted_here = 0;  // bit b: attempt a0 + b was accepted
      int budget = rounds.recompute;
      int end = m;
      for (int b = 0; b < m; ++b) {
        int i = static_cast<int>(slot_i[b]), j = static_cast<int>(slot_j[b]);
        double du = slot_du[b];
        if (accepted_here != 0) {
          const SwapPair p = draw_swap_pair(pick, sweep, a0 + b, r);
          bool is_stale = p.i != i || p.j != j;
          for (int e = 0; e < b && !is_stale; ++e)
            if ((accepted_here >> e) & 1u)
              is_stale = swap_within_reach(r, static_cast<int>(slot_i[e]), i, j, reach2) ||
                         swap_within_reach(r, static_cast<int>(slot_j[e]), i, j, reach2);
          if (is_stale) {
            stale += 1;
            if (budget == 0) {  // the next round starts with this attempt
              end = b;
              break;
            }
            budget -= 1;
            i = p.i;
            j = p.j;
            slot_i[b] = i;
            slot_j[b] = j;
            du = swap_energy_change(table, r, i, j);
          } else {
            commuted += 1;
          }
        }
        if (du <= 0.0 || slot_u[b] < exp(-du / params.temperature)) {
          const int si = r.species[i];
          r.species[i] = r.species[j];
          r.species[j] = si;
          accepted_here |= std::uint64_t{1} << b;
          accepted += 1;
        }
      }
      shared[kSwapNext] = a0 + end;
      shared[kSwapAccepted] = static_cast<double>(accepted);
      shared[kSwapStale] = static_cast<double>(stale);
      shared[kSwapCommuted] = static_cast<double>(commuted);
    });
    a0 = static_cast<int>(shared[kSwapNext]);
    counts.rounds += 1;
  }
  counts.attempted = static_cast<std::uint64_t>(attempts);
  counts.accepted = static_cast<std::uint64_t>(shared[kSwapAccepted]);
  counts.stale = static_cast<std::uint64_t>(shared[kSwapStale]);
  counts.commuted = static_cast<std::uint64_t>(shared[kSwapCommuted]);
  team.sync();  // every worker has read the scratch; whatever runs next may reuse it
  return counts;
}

}  // namespace tlsx
