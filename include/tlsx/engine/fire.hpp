#pragma once
// PLACEHOLDER (being written by the minimiser work): returns "iteration limit" without minimising.
#include "tlsx/engine/forces.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/neighbor_list.hpp"

namespace tlsx {
template <class Team>
TLSX_HD MinimizeResult minimize_fire(const Team&, const PairTable&, const ReplicaView&, const MinimizeParams&) {
  MinimizeResult r;
  r.status = 2;
  return r;
}
}  // namespace tlsx
