#pragma once
// Verlet neighbour list with a skin (Team-templated, shared by both backends).
// Rebuilt when any particle has moved more than skin/2 since the last build, which guarantees that
// no pair inside the interaction cutoff is missing. By default the list uses the largest pair
// cutoff for every pair (nl.cutoff = max_cutoff + skin), so that swap Monte Carlo (which changes
// pair types) never needs a rebuild. When the species stay fixed until the next build (MD without
// swaps), the caller may pass the pair table: each pair is then listed only within its own cutoff
// plus the skin. For KA2 that drops about a fifth of the entries (the A-A pairs, 44% of all, have
// the largest cutoff), all of them beyond their pair's cutoff, so the forces (sums of exact zeros
// for such entries, in row order) are bitwise the same.
#include <cmath>

#include "tlsx/core/hd.hpp"
#include "tlsx/engine/replica.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx {

// Squared list cutoff of particle i's pairs by the neighbour's species.
struct ListCutoffs {
  double cut2[kMaxSpecies];
  double largest2;  // nl.cutoff^2, at least every cut2
  bool uniform;     // every cut2 is largest2

  // own_cutoffs == nullptr: nl.cutoff for every pair; otherwise min(rc_ab + skin, nl.cutoff).
  TLSX_HD ListCutoffs(const NeighborListView& nl, const PairTable* own_cutoffs, int species_of_i)
      : largest2(nl.cutoff * nl.cutoff), uniform(own_cutoffs == nullptr) {
    for (int b = 0; b < kMaxSpecies; ++b) {
      double c = nl.cutoff;
      if (own_cutoffs != nullptr && b < own_cutoffs->n_species) {
        const double own = sqrt((*own_cutoffs)(species_of_i, b).rc2) + nl.skin;
        c = own < c ? own : c;
      }
      cut2[b] = c * c;
    }
  }
};

struct CellGrid {
  int dim[3];
  TLSX_HD int total() const { return dim[0] * dim[1] * dim[2]; }
};

// Cells at least `cutoff` wide; a grid under three cells along an axis cannot use a 27-cell stencil
// without visiting a cell twice, and with exactly three the stencil visits every cell, so such
// boxes use all pairs (dim = {0,0,0}), which is cheaper and already in index order.
TLSX_HD inline CellGrid cell_grid_for(const Box& box, double cutoff, int capacity) {
  CellGrid g{{0, 0, 0}};
  for (int d = 0; d < 3; ++d) {
    const int m = static_cast<int>(box.length[d] / cutoff);
    if (m < 4) return CellGrid{{0, 0, 0}};
    g.dim[d] = m;
  }
  if (g.total() > capacity) return CellGrid{{0, 0, 0}};
  return g;
}

// Appends to row i, from entry `offset + found` on, every j in [begin, end) within the list cutoff of
// the pair, in ascending order, counting them in `found` (entries past the row's capacity are counted,
// not written). On the host the distances of a block of candidates are computed first (a loop the
// compiler vectorises), then the candidates within the largest cutoff are gathered without branches,
// and with per-pair cutoffs those few (about a tenth) are filtered by their own cutoff.
TLSX_HD inline void append_neighbors_in_range(const ReplicaView& r, const ListCutoffs& cut, int i, int begin,
                                              int end, int offset, int& found) {
  const NeighborListView& nl = r.nbr;
  const double xi = r.x(i, 0), yi = r.x(i, 1), zi = r.x(i, 2);
#ifdef __CUDA_ARCH__
  constexpr int kBlock = 1;
#else
  constexpr int kBlock = 64;
#endif
  double r2[kBlock], hit_r2[kBlock];
  int hit[kBlock];
  for (int j0 = begin; j0 < end; j0 += kBlock) {
    const int m = end - j0 < kBlock ? end - j0 : kBlock;
    for (int b = 0; b < m; ++b) {
      const double dx = r.box.minimum_image(xi - r.x(j0 + b, 0), 0);
      const double dy = r.box.minimum_image(yi - r.x(j0 + b, 1), 1);
      const double dz = r.box.minimum_image(zi - r.x(j0 + b, 2), 2);
      r2[b] = dx * dx + dy * dy + dz * dz;
    }
    int h = 0;
    for (int b = 0; b < m; ++b) {
      hit[h] = j0 + b;
      hit_r2[h] = r2[b];
      h += r2[b] < cut.largest2 ? 1 : 0;
    }
    if (!cut.uniform) {
      int kept = 0;
      for (int q = 0; q < h; ++q) {
        hit[kept] = hit[q];
        kept += hit_r2[q] < cut.cut2[r.species[hit[q]]] ? 1 : 0;
      }
      h = kept;
    }
    for (int b = 0; b < h; ++b, ++found)
      if (offset + found < nl.capacity) nl.index[i * nl.stride_row + (offset + found) * nl.stride_col] = hit[b];
  }
}

// All pairs by one worker (a team that runs everything, SerialTeam): each pair's distance is computed
// once, for the row of its smaller index, and the pair is entered in both rows, which halves the work
// of the per-row scan. Visiting i in ascending order fills every row's lower part in ascending order,
// and a pair's distance is bitwise the same from either end (minimum_image(-d) = -minimum_image(d)),
// so the rows are exactly those of the per-row scan. Overflowing rows are flagged as there.
TLSX_HD inline void build_all_pairs_by_halves(const ReplicaView& r, const PairTable* own_cutoffs) {
  const NeighborListView& nl = r.nbr;
  const int n = r.n;
  auto slot = [&](int i, int k) -> int& { return nl.index[i * nl.stride_row + k * nl.stride_col]; };
  for (int i = 0; i < n; ++i) {
    int upper = 0;
    append_neighbors_in_range(r, ListCutoffs(nl, own_cutoffs, r.species[i]), i, i + 1, n, 0, upper);
    nl.count_upper[i] = upper;
    nl.count[i] = upper;  // the lower part is counted in below
  }
  for (int i = 0; i < n; ++i) {
    const int m = nl.count_upper[i] < nl.capacity ? nl.count_upper[i] : nl.capacity;
    for (int k = 0; k < m; ++k) {
      const int j = slot(i, k);
      if (nl.count[j] < nl.capacity) slot(j, nl.count[j]) = i;
      nl.count[j] += 1;
    }
  }
  for (int i = 0; i < n; ++i) {
    if (nl.count[i] > nl.capacity) {
      nl.status[0] = 1;
      nl.count[i] = nl.count_upper[i] = 0;
    }
    for (int d = 0; d < 3; ++d) nl.reference[d * n + i] = r.x(i, d);
  }
}

// own_cutoffs: see the top of this file (nullptr: the largest cutoff for every pair).
template <class Team>
TLSX_HD void build_neighbor_list(const Team& team, const ReplicaView& r, const PairTable* own_cutoffs = nullptr) {
  const NeighborListView& nl = r.nbr;
  const int n = r.n;
  const CellGrid grid = cell_grid_for(r.box, nl.cutoff, nl.n_cells_capacity);
  const bool use_cells = grid.total() > 0;

  auto cell_coord = [&](int i, int d) {
    int c = static_cast<int>(r.box.wrap(r.x(i, d), d) * r.box.inverse[d] * grid.dim[d]);
    return c >= grid.dim[d] ? grid.dim[d] - 1 : c;
  };
  auto cell_of = [&](int i) {
    return (cell_coord(i, 0) * grid.dim[1] + cell_coord(i, 1)) * grid.dim[2] + cell_coord(i, 2);
  };

  if constexpr (Team::scatter_safe) {
    if (!use_cells) {
      build_all_pairs_by_halves(r, own_cutoffs);
      team.single([&] { nl.status[1] += 1; });
      return;
    }
  }

  if (use_cells) {
    // Counting sort of particles into cells: a short serial section.
    team.single([&] {
      const int nc = grid.total();
      for (int c = 0; c <= nc; ++c) nl.cell_start[c] = 0;
      for (int i = 0; i < n; ++i) nl.cell_start[cell_of(i)]++;
      int running = 0;
      for (int c = 0; c < nc; ++c) {
        const int count = nl.cell_start[c];
        nl.cell_start[c] = running;
        running += count;
      }
      nl.cell_start[nc] = running;
      for (int i = 0; i < n; ++i) nl.cell_particles[nl.cell_start[cell_of(i)]++] = i;
      // The fill advanced each start to the next cell's start: shift back.
      for (int c = nc - 1; c > 0; --c) nl.cell_start[c] = nl.cell_start[c - 1];
      nl.cell_start[0] = 0;
    });
  }

  team.for_each(n, [&](int i) {
    const double xi = r.x(i, 0), yi = r.x(i, 1), zi = r.x(i, 2);
    const ListCutoffs cut(nl, own_cutoffs, r.species[i]);
    int upper = 0, lower = 0;
    auto slot = [&](int k) -> int& { return nl.index[i * nl.stride_row + k * nl.stride_col]; };
    if (use_cells) {
      // Neighbours j > i are written from the front of the row, j < i from the back; the back
      // part is then moved down behind the front part.
      auto consider = [&](int j) {
        if (j == i) return;
        const double dx = r.box.minimum_image(xi - r.x(j, 0), 0);
        const double dy = r.box.minimum_image(yi - r.x(j, 1), 1);
        const double dz = r.box.minimum_image(zi - r.x(j, 2), 2);
        if (dx * dx + dy * dy + dz * dz < cut.cut2[r.species[j]]) {
          if (upper + lower < nl.capacity) {
            if (j > i) slot(upper) = j; else slot(nl.capacity - 1 - lower) = j;
          }
          if (j > i) ++upper; else ++lower;
        }
      };
      const int cx = cell_coord(i, 0), cy = cell_coord(i, 1), cz = cell_coord(i, 2);
      for (int ox = -1; ox <= 1; ++ox)
        for (int oy = -1; oy <= 1; ++oy)
          for (int oz = -1; oz <= 1; ++oz) {
            const int ax = (cx + ox + grid.dim[0]) % grid.dim[0];
            const int ay = (cy + oy + grid.dim[1]) % grid.dim[1];
            const int az = (cz + oz + grid.dim[2]) % grid.dim[2];
            const int c = (ax * grid.dim[1] + ay) * grid.dim[2] + az;
            for (int p = nl.cell_start[c]; p < nl.cell_start[c + 1]; ++p) consider(nl.cell_particles[p]);
          }
      if (upper + lower <= nl.capacity) {
        // Move left (target start <= source start): an ascending copy never overwrites unread entries.
        for (int k = 0; k < lower; ++k) slot(upper + k) = slot(nl.capacity - lower + k);
        // Each part in ascending order: sums over a row (forces, swap energies) then do not depend
        // on the positions at which the list was built, so a trajectory is bitwise the same however
        // often and wherever the list is rebuilt (md.hpp: resuming after an overflow or between calls).
        auto sort_part = [&](int begin, int end) {
          for (int a = begin + 1; a < end; ++a) {
            const int v = slot(a);
            int b = a;
            for (; b > begin && slot(b - 1) > v; --b) slot(b) = slot(b - 1);
            slot(b) = v;
          }
        };
        sort_part(0, upper);
        sort_part(upper, upper + lower);
      }
    } else {
      // All pairs in index order: j > i, then j < i, each part ascending as above.
      append_neighbors_in_range(r, cut, i, i + 1, n, 0, upper);
      append_neighbors_in_range(r, cut, i, 0, i, upper, lower);
    }
    if (upper + lower > nl.capacity) {
      // The caller sees the flag, grows the capacity and rebuilds; the row is left empty.
      nl.status[0] = 1;
      upper = lower = 0;
    }
    nl.count[i] = upper + lower;
    nl.count_upper[i] = upper;
    for (int d = 0; d < 3; ++d) nl.reference[d * n + i] = r.x(i, d);
  });
  team.single([&] { nl.status[1] += 1; });
}

// Largest squared displacement since the last build (minimum image not needed: positions are
// unwrapped and continuous).
template <class Team>
TLSX_HD double max_displacement2(const Team& team, const ReplicaView& r) {
  const int n = r.n;
  return team.max(n, [&](int i) {
    const double dx = r.x(i, 0) - r.nbr.reference[i];
    const double dy = r.x(i, 1) - r.nbr.reference[n + i];
    const double dz = r.x(i, 2) - r.nbr.reference[2 * n + i];
    return dx * dx + dy * dy + dz * dz;
  });
}

// Rebuilds when a particle moved more than skin/2. Returns true when it rebuilt.
template <class Team>
TLSX_HD bool update_neighbor_list(const Team& team, const ReplicaView& r, const PairTable* own_cutoffs = nullptr) {
  const double half = 0.5 * r.nbr.skin;
  if (max_displacement2(team, r) <= half * half) return false;
  team.sync();
  build_neighbor_list(team, r, own_cutoffs);
  team.sync();
  return true;
}

// The list for a force evaluation: kept (update_neighbor_list) when the caller knows it belongs to
// this replica, else built afresh; the CPU backend's forces and the CUDA forces kernel both choose here.
template <class Team>
TLSX_HD void refresh_neighbor_list(const Team& team, const ReplicaView& r, bool keep) {
  if (keep)
    update_neighbor_list(team, r);
  else
    build_neighbor_list(team, r);
}

}  // namespace tlsx
