#pragma once
// One force evaluation inside a minimiser (Team-templated, shared by FIRE, CG and its line search):
// bring the neighbour list up to date with the positions just written, stop on overflow, compute
// forces and energy, and count the evaluation.
#include <cmath>

#include "tlsx/core/hd.hpp"
#include "tlsx/engine/forces.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/neighbor_list.hpp"

namespace tlsx {

// Returns false on a neighbour-list overflow (out.status = 1: the host grows the capacity and calls
// the minimiser again from the current positions). `rebuild` forces a fresh list (at entry, when
// the list may belong to other positions); otherwise the list is rebuilt only past skin/2.
// On success out.energy holds the potential energy of the current positions.
template <class Team>
TLSX_HD bool minimizer_forces(const Team& team, const PairTable& table, const ReplicaView& r, bool rebuild,
                              MinimizeResult& out) {
  team.sync();  // positions were written by other workers
  // Species do not change during a minimisation, so each pair is listed only within its own cutoff
  // plus the skin (pairs beyond it contribute exactly zero: the forces are bitwise the same).
  if (rebuild) {
    build_neighbor_list(team, r, &table);
    team.sync();
  } else {
    update_neighbor_list(team, r, &table);
  }
  if (r.nbr.status[0] != 0) {
    out.status = 1;
    return false;
  }
  const ForceResult fr = compute_forces(team, table, r);
  team.sync();  // later phases read force components written by other workers
  out.energy = fr.energy;
  ++out.force_evaluations;
  return true;
}

// Dot product of two 3n vectors (a reduction over the team).
template <class Team>
TLSX_HD double dot3n(const Team& team, int n, const double* a, const double* b) {
  return team.sum(3 * n, [&](int k) { return a[k] * b[k]; });
}

// Largest |a_k| of a 3n vector.
template <class Team>
TLSX_HD double max_abs3n(const Team& team, int n, const double* a) {
  return team.max(3 * n, [&](int k) { return fabs(a[k]); });
}

}  // namespace tlsx
