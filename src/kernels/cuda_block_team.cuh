#pragma once
// CudaBlockTeam: the Team of include/tlsx/core/team.hpp on the GPU. One CUDA block owns one replica;
// its threads are the workers (docs/architecture.md §2).
//
//   for_each(n, f)   thread t runs f(t), f(t + B), f(t + 2B), ... (B = blockDim.x): consecutive
//                    threads touch consecutive SoA entries, so loads coalesce
//   sync()           __syncthreads()
//   sum/sum2/max     each thread folds its own strided indices in ascending order, a warp folds its
//                    32 partials with an xor butterfly (every lane ends with the bitwise-same value:
//                    a + b == b + a in IEEE arithmetic), and every thread then adds the warp values
//                    in warp order. The result is the same on every thread and, for a given block
//                    size, the same from run to run (no atomics anywhere).
//   single(f)        barrier, thread 0 runs f, barrier. The leading barrier is not in SerialTeam's
//                    contract; it makes "read a persistent scalar, then rewrite it in single()" safe
//                    without the caller having to remember a sync() in between.
//   leader()         threadIdx.x == 0, the thread that runs single() and writes results back.
//   shared_scratch() kTeamSharedDoubles doubles of the block's shared memory, after the reduction
//                    scratch in the same kernel-provided array (the reductions never touch them)
//   concurrent_tasks 64: a block has at least one warp (128 threads by default), so a for_each over
//                    64 independent serial tasks (swap MC's attempts) runs them side by side
//
// Rules for the replica algorithms that follow from this (they hold for SerialTeam trivially):
//   - Every team operation is reached by all threads of the block (they contain barriers and
//     full-warp shuffles): no team operation inside a branch that depends on the thread, and
//     never one team operation inside the lambda of another (no nesting: a for_each inside a sum's
//     lambda would run once per index on one thread, not over the team). The engine's algorithms
//     never nest.
//   - Scalars derived from reductions are computed redundantly by every thread, in registers or
//     local memory. A record shared by the block (MdReplicaState, in global memory) is read by every
//     thread, then rewritten only inside single(); results returned by value (MinimizeResult) are
//     identical on every thread and the kernel stores thread 0's.
//   - A phase that reads what another thread wrote needs a sync() (or a reduction) in between.
//   - The block size is a multiple of 32 (the butterfly uses full-warp masks), at most 1024.
//
// Members are __host__ __device__ so that the engine's TLSX_HD templates can call them without the
// "calling a __device__ function from a __host__ __device__ function" diagnostic; the host branch
// is never taken (a CudaBlockTeam only exists inside kernels) and traps if it ever is.
#include <cstdlib>

#include "tlsx/core/hd.hpp"
#include "tlsx/core/team.hpp"

namespace tlsx::cuda {

constexpr int kWarpSize = 32;
constexpr int kMaxWarps = 32;  // 1024 threads
// Shared-memory doubles a CudaBlockTeam needs: its reductions' (two per warp: sum2), then the
// algorithms' shared_scratch().
constexpr int kTeamReductionDoubles = 2 * kMaxWarps;
constexpr int kTeamScratchDoubles = kTeamReductionDoubles + kTeamSharedDoubles;

class CudaBlockTeam {
 public:
  static constexpr bool scatter_safe = false;
  static constexpr int concurrent_tasks = 64;

  // `scratch`: kTeamScratchDoubles doubles of shared memory, used by one team only.
  __host__ __device__ explicit CudaBlockTeam(double* scratch) : scratch_(scratch) {}

  template <class F>
  __host__ __device__ void for_each(int n, F&& f) const {
#ifdef __CUDA_ARCH__
    for (int i = threadIdx.x; i < n; i += blockDim.x) f(i);
#else
    host_call();
#endif
  }

  __host__ __device__ void sync() const {
#ifdef __CUDA_ARCH__
    __syncthreads();
#else
    host_call();
#endif
  }

  template <class F>
  __host__ __device__ double sum(int n, F&& f) const {
#ifdef __CUDA_ARCH__
    double s = 0.0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) s += f(i);
    return block_sum(s);
#else
    host_call();
    return 0.0;
#endif
  }

  template <class F>
  __host__ __device__ Pair2 sum2(int n, F&& f) const {
#ifdef __CUDA_ARCH__
    Pair2 s;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
      const Pair2 v = f(i);
      s.a += v.a;
      s.b += v.b;
    }
    return block_sum2(s);
#else
    host_call();
    return Pair2{};
#endif
  }

  template <class F>
  __host__ __device__ double max(int n, F&& f) const {
#ifdef __CUDA_ARCH__
    double m = -1.0e300;  // SerialTeam's value for an empty range
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
      const double v = f(i);
      if (v > m) m = v;  // like SerialTeam: a NaN never becomes the maximum
    }
    return block_max(m);
#else
    host_call();
    return 0.0;
#endif
  }

  template <class F>
  __host__ __device__ void single(F&& f) const {
#ifdef __CUDA_ARCH__
    __syncthreads();
    if (threadIdx.x == 0) f();
    __syncthreads();
#else
    host_call();
#endif
  }

  __host__ __device__ bool leader() const {
#ifdef __CUDA_ARCH__
    return threadIdx.x == 0;
#else
    host_call();
    return false;
#endif
  }

  __host__ __device__ double* shared_scratch() const { return scratch_ + kTeamReductionDoubles; }

 private:
  double* scratch_;

#ifdef __CUDA_ARCH__
  __device__ static double warp_sum(double v) {
    for (int m = kWarpSize / 2; m > 0; m /= 2) v += __shfl_xor_sync(0xffffffffu, v, m);
    return v;
  }
  __device__ static double warp_max(double v) {
    for (int m = kWarpSize / 2; m > 0; m /= 2) {
      const double o = __shfl_xor_sync(0xffffffffu, v, m);
      v = o > v ? o : v;
    }
    return v;
  }

  // Warp values into scratch, barrier, every thread folds them in warp order, barrier (so the next
  // reduction may overwrite the scratch).
  __device__ double block_sum(double v) const {
    v = warp_sum(v);
    const int warps = blockDim.x / kWarpSize;
    if (threadIdx.x % kWarpSize == 0) scratch_[threadIdx.x / kWarpSize] = v;
    __syncthreads();
    double total = 0.0;
    for (int w = 0; w < warps; ++w) total += scratch_[w];
    __syncthreads();
    return total;
  }
  __device__ Pair2 block_sum2(Pair2 v) const {
    v.a = warp_sum(v.a);
    v.b = warp_sum(v.b);
    const int warps = blockDim.x / kWarpSize;
    if (threadIdx.x % kWarpSize == 0) {
      scratch_[threadIdx.x / kWarpSize] = v.a;
      scratch_[kMaxWarps + threadIdx.x / kWarpSize] = v.b;
    }
    __syncthreads();
    Pair2 total;
    for (int w = 0; w < warps; ++w) {
      total.a += scratch_[w];
      total.b += scratch_[kMaxWarps + w];
    }
    __syncthreads();
    return total;
  }
  __device__ double block_max(double v) const {
    v = warp_max(v);
    const int warps = blockDim.x / kWarpSize;
    if (threadIdx.x % kWarpSize == 0) scratch_[threadIdx.x / kWarpSize] = v;
    __syncthreads();
    double m = scratch_[0];
    for (int w = 1; w < warps; ++w) m = scratch_[w] > m ? scratch_[w] : m;
    __syncthreads();
    return m;
  }
#else
  [[noreturn]] static void host_call() { std::abort(); }
#endif
};

}  // namespace tlsx::cuda
