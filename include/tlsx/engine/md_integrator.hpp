#pragma once
// PLACEHOLDER (being written by the MD work).
#include "tlsx/engine/forces.hpp"
#include "tlsx/engine/md_params.hpp"
#include "tlsx/engine/neighbor_list.hpp"

namespace tlsx {
template <class Team>
TLSX_HD void md_run(const Team&, const PairTable&, const ReplicaView&, const MdParams&, MdReplicaState& s,
                    std::uint64_t) {
  s.status = 2;
}
}  // namespace tlsx
