#include "tlsx/backend/cpu_backend.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdio>

#include "tlsx/core/error.hpp"
#include "tlsx/core/team.hpp"
#include "tlsx/engine/md.hpp"
#include "tlsx/engine/minimize.hpp"
#include "tlsx/engine/neighbor_list.hpp"

namespace tlsx {

namespace {

// More OpenMP threads than the machine runs at once only slow the batch down, and a huge count
// (--threads 100000) makes the OpenMP runtime fail to create them: bound to what the machine has.
int bounded_threads(int asked) {
  if (asked <= 0) return omp_get_max_threads();
  const int available = std::max(1, omp_get_num_procs());
  if (asked <= available) return asked;
  std::fprintf(stderr, "cpu backend: --threads %d is more than the %d hardware threads here; using %d\n", asked,
               available, available);
  return available;
}

}  // namespace

CpuBackend::CpuBackend(int threads) : threads_(bounded_threads(threads)) {}

std::string CpuBackend::device() const { return std::to_string(threads_) + " OpenMP threads"; }

namespace {

// Runs f(r) for every replica in `todo` in parallel; f returns true when replica r hit a
// neighbour-list overflow. Overflowed replicas are rerun after the capacity has grown: the
// algorithms restart from a consistent state: an MD run equals one without overflow bit for bit; a
// minimisation continues from where it stopped, its search history (FIRE's velocities and time
// step, CG's direction, L-BFGS's pairs) starting afresh.
template <class F>
void for_replicas_growing_lists(ReplicaBatch& batch, int threads, F&& f) {
  std::vector<int> todo(batch.size());
  for (int r = 0; r < batch.size(); ++r) todo[r] = r;
  while (!todo.empty()) {
    std::vector<char> overflow(todo.size(), 0);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::size_t k = 0; k < todo.size(); ++k) overflow[k] = f(todo[k]) ? 1 : 0;
    std::vector<int> again;
    for (std::size_t k = 0; k < todo.size(); ++k) {
      batch.take_overflow(todo[k]);
      if (overflow[k]) again.push_back(todo[k]);
    }
    if (!again.empty()) {
      if (batch.neighbor_capacity() >= batch.n() - 1)
        throw Error("neighbour list overflow with capacity n-1: corrupted neighbour data");
      batch.grow_neighbor_capacity();
    }
    todo.swap(again);
  }
}

}  // namespace

std::vector<ForceResult> CpuBackend::forces(ReplicaBatch& batch, const PairTable& table) {
  return forces_with(batch, table, false);
}

std::vector<ForceResult> CpuBackend::forces_reusing_lists(ReplicaBatch& batch, const PairTable& table) {
  return forces_with(batch, table, true);
}

std::vector<ForceResult> CpuBackend::forces_with(ReplicaBatch& batch, const PairTable& table, bool reuse_lists) {
  std::vector<ForceResult> out(batch.size());
  for_replicas_growing_lists(batch, threads_, [&](int r) {
    const SerialTeam team;
    const ReplicaView v = batch.view(r);
    // After an overflow the capacity grows and every list is marked, so the rerun rebuilds.
    refresh_neighbor_list(team, v, reuse_lists);
    if (v.nbr.status[0]) return true;
    out[r] = compute_forces(team, table, v);
    return false;
  });
  return out;
}

void CpuBackend::run_md(ReplicaBatch& batch, std::vector<MdReplicaState>& states, const PairTable& table,
                        const MdParams& params, std::int64_t steps) {
  if (static_cast<int>(states.size()) != batch.size()) throw Error("run_md: one state per replica needed");
  std::vector<std::uint64_t> target(states.size());
  for (std::size_t r = 0; r < states.size(); ++r) target[r] = states[r].step + static_cast<std::uint64_t>(steps);
  for_replicas_growing_lists(batch, threads_, [&](int r) {
    if (states[r].status != kMdBlownUp) states[r].status = 0;
    md_run(SerialTeam{}, table, batch.view(r), params, states[r], target[r]);
    return states[r].status == 1;
  });
}

std::vector<MinimizeResult> CpuBackend::minimize(ReplicaBatch& batch, const PairTable& table,
                                                 const MinimizeParams& params) {
  std::vector<MinimizeResult> out(batch.size());
  for_replicas_growing_lists(batch, threads_, [&](int r) {
    const MinimizeResult previous = out[r];
    out[r] = minimize_replica(SerialTeam{}, table, batch.view(r), params);
    out[r].iterations += previous.iterations;
    out[r].force_evaluations += previous.force_evaluations;
    return out[r].status == 1;
  });
  return out;
}

}  // namespace tlsx
