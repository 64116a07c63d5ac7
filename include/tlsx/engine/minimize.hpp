#pragma once
// Energy minimisation of one replica to its inherent structure (Team-templated).
//
// Contract (used by both backends):
//   MinimizeResult minimize_replica(team, table, replica, params)
//     - starts by building the neighbour list and computing forces;
//     - FIRE 2.0 (fire.hpp) uses replica.vel as its velocities (zeroed at the start and the end);
//       CG (cg.hpp) and L-BFGS (lbfgs.hpp) use replica.scratch;
//     - stops when the largest force component < params.force_tolerance (status 0), at
//       params.max_iterations (status 2), or on neighbour-list overflow (status 1: the host grows
//       the capacity and calls again from the current positions);
//     - leaves forces and energy of the final positions; counts iterations and force evaluations.
#include "tlsx/engine/cg.hpp"
#include "tlsx/engine/fire.hpp"
#include "tlsx/engine/lbfgs.hpp"
#include "tlsx/engine/minimize_params.hpp"

namespace tlsx {

template <class Team>
TLSX_HD MinimizeResult minimize_replica(const Team& team, const PairTable& table, const ReplicaView& r,
                                        const MinimizeParams& params) {
  if (params.algorithm == MinimizeAlgorithm::cg) return minimize_cg(team, table, r, params);
  if (params.algorithm == MinimizeAlgorithm::lbfgs) return minimize_lbfgs(team, table, r, params);
  return minimize_fire(team, table, r, params);
}

}  // namespace tlsx
