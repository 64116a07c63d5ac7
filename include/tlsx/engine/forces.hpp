#pragma once
// Forces, potential energy and virial of one replica under a pair table (Team-templated).
#include <cmath>

#include "tlsx/core/hd.hpp"
#include "tlsx/core/team.hpp"
#include "tlsx/engine/replica.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx {

struct ForceResult {
  double energy = 0.0;  // total potential energy U = sum_{i<j} V_ij
  double virial = 0.0;  // W = sum_{i<j} r_ij . f_ij (pressure P = (N k T + W/3) / V)
};

// What compute_forces evaluates. MD steps whose energy nobody reads (all but the last of an md_run
// call) take forces_only: the forces are bitwise the same, the energy and virial sums (a tenth of
// the force time on the CPU) are skipped, and the result carries NaN energy and virial so that a
// skipped value can never pass for a computed one.
enum class ForceTerms { energy_and_virial, forces_only };

// The CPU's force loop vectorises only when its helpers are inlined into it, which GCC's size limits
// do not always allow inside the larger MD and minimiser loops.
#if defined(__GNUC__) && !defined(__CUDACC__)
#define TLSX_HOST_ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define TLSX_HOST_ALWAYS_INLINE TLSX_INLINE
#endif

// Where the CPU's force loop finds the parameters of the pair (species of i, species s) for a
// neighbour of species s. RegisterPairs<S> holds the row of i's species for S species in local
// variables: selecting a neighbour's parameters is then S-1 vector blends per field, where an indexed
// load (TablePairs, any number of species) becomes one gather per field, which on AVX-512 costs a
// third of the force time. Both give the very same numbers.
template <int S>
struct RegisterPairs {
  double eps4[S], sigma2[S], inv_sigma2[S], rc2[S], c0[S], c2[S], c4[S];

  TLSX_HD explicit RegisterPairs(const SmoothedLJPair* row) {
    for (int t = 0; t < S; ++t) {
      eps4[t] = row[t].eps4;
      sigma2[t] = row[t].sigma2;
      inv_sigma2[t] = row[t].inv_sigma2;
      rc2[t] = row[t].rc2;
      c0[t] = row[t].c0;
      c2[t] = row[t].c2;
      c4[t] = row[t].c4;
    }
  }
  TLSX_HD TLSX_HOST_ALWAYS_INLINE SmoothedLJPair operator[](int s) const {
    SmoothedLJPair p;
    p.eps4 = eps4[0], p.sigma2 = sigma2[0], p.inv_sigma2 = inv_sigma2[0], p.rc2 = rc2[0];
    p.c0 = c0[0], p.c2 = c2[0], p.c4 = c4[0];
    for (int t = 1; t < S; ++t) {
      p.eps4 = s == t ? eps4[t] : p.eps4;
      p.sigma2 = s == t ? sigma2[t] : p.sigma2;
      p.inv_sigma2 = s == t ? inv_sigma2[t] : p.inv_sigma2;
      p.rc2 = s == t ? rc2[t] : p.rc2;
      p.c0 = s == t ? c0[t] : p.c0;
      p.c2 = s == t ? c2[t] : p.c2;
      p.c4 = s == t ? c4[t] : p.c4;
    }
    return p;
  }
};

struct TablePairs {
  const SmoothedLJPair* row;
  TLSX_HD TLSX_INLINE const SmoothedLJPair& operator[](int s) const { return row[s]; }
};

// Particle i's share of the forces on a team that may scatter: the upper half of row i is a half
// list and Newton's third law gives j its opposite force. Blocks of the half row are done in two
// passes: the pair terms of the whole block first (no dependence between entries: the compiler
// vectorises it), then the sums and the scatter in row order. Entries beyond the pair cutoff give
// exact zeros, and the row is in index order (neighbor_list.hpp), so the sums are bitwise the same
// for any valid list. Without kEnergy the pair energies are never formed (the compiler drops them).
template <bool kEnergy, class PairsOfI>
TLSX_HD TLSX_HOST_ALWAYS_INLINE void half_row_forces(const ReplicaView& r, int i, const PairsOfI& pairs_of_i,
                                                     ForceResult& out) {
  const int n = r.n;
  const NeighborListView& nl = r.nbr;
  double* fx = r.force;
  double* fy = r.force + n;
  double* fz = r.force + 2 * n;
  const double xi = r.x(i, 0), yi = r.x(i, 1), zi = r.x(i, 2);
  double fxi = 0.0, fyi = 0.0, fzi = 0.0, e = 0.0, w = 0.0;
  const int m = nl.count_upper[i];
  constexpr int kBlock = 64;
  double bv[kBlock], bf[kBlock], bx[kBlock], by[kBlock], bz[kBlock];
  for (int k0 = 0; k0 < m; k0 += kBlock) {
    const int len = m - k0 < kBlock ? m - k0 : kBlock;
    for (int b = 0; b < len; ++b) {
      const int j = nl.neighbor(i, k0 + b);
      const double dx = r.box.minimum_image(xi - r.x(j, 0), 0);
      const double dy = r.box.minimum_image(yi - r.x(j, 1), 1);
      const double dz = r.box.minimum_image(zi - r.x(j, 2), 2);
      pairs_of_i[r.species[j]].evaluate_masked(dx * dx + dy * dy + dz * dz, bv[b], bf[b]);
      bx[b] = dx;
      by[b] = dy;
      bz[b] = dz;
    }
    for (int b = 0; b < len; ++b) {
      const int j = nl.neighbor(i, k0 + b);
      const double fr = bf[b];
      if (kEnergy) {
        e += bv[b];
        w += fr * (bx[b] * bx[b] + by[b] * by[b] + bz[b] * bz[b]);
      }
      fxi += fr * bx[b];
      fyi += fr * by[b];
      fzi += fr * bz[b];
      fx[j] -= fr * bx[b];
      fy[j] -= fr * by[b];
      fz[j] -= fr * bz[b];
    }
  }
  fx[i] += fxi;
  fy[i] += fyi;
  fz[i] += fzi;
  if (kEnergy) {
    out.energy += e;
    out.virial += w;
  }
}

// half_row_forces with the pair parameters of i's species in registers for up to four species.
template <bool kEnergy>
TLSX_HD TLSX_HOST_ALWAYS_INLINE void half_row_forces_of(const PairTable& table, const ReplicaView& r, int i,
                                                        ForceResult& out) {
  const SmoothedLJPair* row = &table.pair[r.species[i] * kMaxSpecies];
  switch (table.n_species) {
    case 1: half_row_forces<kEnergy>(r, i, RegisterPairs<1>(row), out); break;
    case 2: half_row_forces<kEnergy>(r, i, RegisterPairs<2>(row), out); break;
    case 3: half_row_forces<kEnergy>(r, i, RegisterPairs<3>(row), out); break;
    case 4: half_row_forces<kEnergy>(r, i, RegisterPairs<4>(row), out); break;
    default: half_row_forces<kEnergy>(r, i, TablePairs{row}, out); break;
  }
}

// Requires an up-to-date neighbour list. On a team that may scatter (SerialTeam) the upper half of
// each row is a half list and Newton's third law halves the pair work; otherwise each worker sums
// its particle's whole row (no atomics) and every pair is counted twice.
template <class Team>
TLSX_HD ForceResult compute_forces(const Team& team, const PairTable& table, const ReplicaView& r,
                                   ForceTerms terms = ForceTerms::energy_and_virial) {
  const int n = r.n;
  const NeighborListView& nl = r.nbr;
  double* fx = r.force;
  double* fy = r.force + n;
  double* fz = r.force + 2 * n;
  const bool energy = terms == ForceTerms::energy_and_virial;
  ForceResult out;
  if (!energy) out.energy = out.virial = nan("");
  if constexpr (Team::scatter_safe) {
    team.for_each(3 * n, [&](int k) { r.force[k] = 0.0; });
    if (energy) {
      team.for_each(n, [&](int i) { half_row_forces_of<true>(table, r, i, out); });
    } else {
      team.for_each(n, [&](int i) { half_row_forces_of<false>(table, r, i, out); });
    }
    return out;
  } else {
    // Whole rows: the energy and virial come with the forces at little cost; only their
    // reduction across the team is skipped.
    auto row_forces = [&](int i) {
      const double xi = r.x(i, 0), yi = r.x(i, 1), zi = r.x(i, 2);
      const int si = r.species[i];
      double fxi = 0.0, fyi = 0.0, fzi = 0.0;
      Pair2 acc;
      const int m = nl.count[i];
      for (int k = 0; k < m; ++k) {
        const int j = nl.neighbor(i, k);
        const double dx = r.box.minimum_image(xi - r.x(j, 0), 0);
        const double dy = r.box.minimum_image(yi - r.x(j, 1), 1);
        const double dz = r.box.minimum_image(zi - r.x(j, 2), 2);
        double v, fr;
        if (table(si, r.species[j]).evaluate(dx * dx + dy * dy + dz * dz, v, fr)) {
          acc.a += v;
          acc.b += fr * (dx * dx + dy * dy + dz * dz);
          fxi += fr * dx;
          fyi += fr * dy;
          fzi += fr * dz;
        }
      }
      fx[i] = fxi;
      fy[i] = fyi;
      fz[i] = fzi;
      return acc;
    };
    if (!energy) {
      team.for_each(n, [&](int i) { row_forces(i); });
      return out;
    }
    const Pair2 ew = team.sum2(n, row_forces);
    return {0.5 * ew.a, 0.5 * ew.b};
  }
}

// Energy of particle i with all its neighbours if it had species s (swap Monte Carlo). Skips
// particle `skip` (the swap partner, whose species changes too).
template <class Team>
TLSX_HD double particle_energy_as(const Team& team, const PairTable& table, const ReplicaView& r, int i, int s,
                                  int skip) {
  const NeighborListView& nl = r.nbr;
  const double xi = r.x(i, 0), yi = r.x(i, 1), zi = r.x(i, 2);
  return team.sum(nl.count[i], [&](int k) {
    const int j = nl.neighbor(i, k);
    if (j == skip) return 0.0;
    const double dx = r.box.minimum_image(xi - r.x(j, 0), 0);
    const double dy = r.box.minimum_image(yi - r.x(j, 1), 1);
    const double dz = r.box.minimum_image(zi - r.x(j, 2), 2);
    return table(s, r.species[j]).energy(dx * dx + dy * dy + dz * dz);
  });
}

// Largest absolute force component (the convergence measure of the minimisers).
template <class Team>
TLSX_HD double max_force_component(const Team& team, const ReplicaView& r) {
  return team.max(3 * r.n, [&](int k) { return fabs(r.force[k]); });
}

}  // namespace tlsx
