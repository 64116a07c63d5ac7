#pragma once
// The CUDA kernels: one block per replica slot, each a thin shell around the same Team-templated
// replica algorithm the CPU runs (forces.hpp, md.hpp, minimize.hpp) with a CudaBlockTeam.
//
// Every kernel
//   1. copies the pair table into shared memory (a parameter-space table would serialise the
//      warp's lookups of different species pairs; shared memory serves them in parallel),
//   2. optionally stages the replica's positions (3n doubles: 28 KB at n = 1200) in dynamic shared
//      memory and points the ReplicaView there, copying them back at the end,
//   3. clears the neighbour-list overflow flag (the algorithm sets it; the host reads it),
//   4. runs the algorithm over the whole loop (an MD run or a minimisation is one launch; replicas
//      that finish early simply exit),
//   5. writes a returned per-replica record from thread 0 (the team's leader).
// What an algorithm returns by value (ForceResult, MinimizeResult) every thread computes
// redundantly; what it takes by reference (MdReplicaState) is one record in global memory that the
// algorithm reads on every thread and writes inside team.single (cuda_block_team.cuh).
#include <cstdint>

#include "cuda_block_team.cuh"
#include "cuda_device_batch.cuh"
#include "tlsx/engine/forces.hpp"
#include "tlsx/engine/md.hpp"
#include "tlsx/engine/minimize.hpp"
#include "tlsx/engine/neighbor_list.hpp"

namespace tlsx::cuda {

// Word-wise copy of a plain-data object by the whole block (no barrier).
template <class T>
__device__ void block_copy(T* dst, const T* src) {
  static_assert(sizeof(T) % sizeof(int) == 0, "block_copy copies whole words");
  const int words = sizeof(T) / sizeof(int);
  const int* s = reinterpret_cast<const int*>(src);
  int* d = reinterpret_cast<int*>(dst);
  for (int k = threadIdx.x; k < words; k += blockDim.x) d[k] = s[k];
}

constexpr int kTableDoubles = (sizeof(PairTable) + sizeof(double) - 1) / sizeof(double);
static_assert(alignof(PairTable) <= alignof(double), "PairTable storage is an array of doubles");

// Shared memory every kernel has: the team's reduction scratch and the pair table.
struct BlockShared {
  double team_scratch[kTeamScratchDoubles];
  double table[kTableDoubles];
};

// Steps 1-3 above; ends with a barrier. Returns the view the algorithm runs on.
__device__ inline ReplicaView open_replica(const SlotArrays& a, int slot, const PairTable& table,
                                           BlockShared& sh, double* staged) {
  ReplicaView r = a.view(slot);
  block_copy(reinterpret_cast<PairTable*>(sh.table), &table);
  if (staged) {
    for (int k = threadIdx.x; k < 3 * r.n; k += blockDim.x) staged[k] = r.pos[k];
    r.pos = staged;
  }
  if (threadIdx.x == 0) r.nbr.status[0] = 0;
  __syncthreads();
  return r;
}

// Copies staged positions back to global memory.
__device__ inline void close_replica(const SlotArrays& a, int slot, const ReplicaView& r) {
  __syncthreads();
  const ReplicaView home = a.view(slot);
  if (r.pos != home.pos)
    for (int k = threadIdx.x; k < 3 * r.n; k += blockDim.x) home.pos[k] = r.pos[k];
}

__device__ inline const PairTable& shared_table(const BlockShared& sh) {
  return *reinterpret_cast<const PairTable*>(sh.table);
}

// Neighbour list and forces of every slot (Backend::forces). An overflowing replica gets no forces.
// Steps 1-3 for this block's slot, then work(team, table, replica, slot) with the block team.
template <class Work>
__device__ void on_block_replica(const SlotArrays& a, const PairTable& table, bool stage, Work&& work) {
  __shared__ BlockShared sh;
  extern __shared__ double staged[];  // 3n doubles when stage is set
  const int slot = blockIdx.x;
  const ReplicaView r = open_replica(a, slot, table, sh, stage ? staged : nullptr);
  const CudaBlockTeam team(sh.team_scratch);
  work(team, shared_table(sh), r, slot);
}

// keep_list (may be null): keep_list[slot] != 0 when the slot's list on the device was built for this
// replica (DeviceBatch::list_epoch); it is then rebuilt only when a particle moved more than skin/2.
__global__ void forces_kernel(SlotArrays a, PairTable table, bool stage, const int* keep_list, ForceResult* out) {
  on_block_replica(a, table, stage, [&](const CudaBlockTeam& team, const PairTable& t, const ReplicaView& r, int slot) {
    // Ends with a barrier (a reduction or single); every thread of the block takes the same branch.
    refresh_neighbor_list(team, r, keep_list != nullptr && keep_list[slot] != 0);
    if (r.nbr.status[0] == 0) {
      const ForceResult fr = compute_forces(team, t, r);
      if (team.leader()) out[slot] = fr;
    }
    // Positions are unchanged: no copy back.
  });
}

// MD (and swap Monte Carlo) of every slot until its state reaches targets[slot] (Backend::run_md).
__global__ void md_kernel(SlotArrays a, PairTable table, bool stage, MdParams params, MdReplicaState* states,
                          const std::uint64_t* targets) {
  on_block_replica(a, table, stage, [&](const CudaBlockTeam& team, const PairTable& t, const ReplicaView& r, int slot) {
    // md_run reads `state` on every thread, works on private copies and publishes the result in
    // team.single (md_integrator.hpp): the block shares the one record in global memory.
    md_run(team, t, r, params, states[slot], targets[slot]);
    close_replica(a, slot, r);
  });
}

// Minimisation of every slot to its inherent structure (Backend::minimize).
__global__ void minimize_kernel(SlotArrays a, PairTable table, bool stage, MinimizeParams params,
                                MinimizeResult* out) {
  on_block_replica(a, table, stage, [&](const CudaBlockTeam& team, const PairTable& t, const ReplicaView& r, int slot) {
    const MinimizeResult result = minimize_replica(team, t, r, params);
    if (team.leader()) out[slot] = result;
    close_replica(a, slot, r);
  });
}

}  // namespace tlsx::cuda
