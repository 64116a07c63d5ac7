#pragma once
// A Team is the group of workers that owns one replica (docs/architecture.md §2). Every replica algorithm is a
// template over the Team, so the CPU and the GPU run the same source:
//   for_each(n, f)   f(i) for i in [0, n), split over the team's workers
//   sync()           barrier between phases that read what another worker wrote
//   sum(n, f)        sum_i f(i), the same value returned to every worker
//   sum2(n, f)       two sums at once (f returns Pair2), e.g. energy and virial
//   max(n, f)        max_i f(i), the same value returned to every worker
//   single(f)        f() run by one worker, followed by a barrier
//   shared_scratch() kTeamSharedDoubles doubles that every worker of the team sees (a block's shared
//                    memory on the GPU), for an algorithm to hand per-task results from one phase to
//                    the next (swap MC's rounds, swap_mc.hpp). Like any shared data, a phase that
//                    reads what another worker wrote there follows a sync() or single(); the team's
//                    own operations never touch it, and its content does not outlive the algorithm
//                    call that wrote it (which ends with a sync() once every worker has read it)
//   concurrent_tasks independent serial tasks (one per worker) worth handing one for_each at once:
//                    1 for SerialTeam, whose one worker gains nothing from batching them
//   scatter_safe     true when one worker runs everything, so Newton's third law may scatter forces
//                    to the neighbour (half neighbour list); false on the GPU (full list, no atomics)
// Scalars derived from sum/max are computed redundantly and identically by every worker; only
// per-replica scalar state that must persist is written inside single().
// SerialTeam is the reference executor: the CPU backend runs one per replica under OpenMP, and the
// CUDA backend's CudaBlockTeam (src/kernels/cuda_block_team.cuh) is checked against it.
#include "tlsx/core/hd.hpp"

namespace tlsx {

struct Pair2 {
  double a = 0.0, b = 0.0;
};

// sum_i f(i), i in [0, n), by one worker, added in index order: the plain sequential sum. The host
// computes the terms a block at a time first (a loop the compiler can vectorise when f allows it);
// a GPU thread adds them as it goes (a block of terms would sit in its local memory).
template <class F>
TLSX_HD double serial_sum(int n, F&& f) {
  double s = 0.0;
#ifdef __CUDA_ARCH__
  for (int i = 0; i < n; ++i) s += f(i);
#else
  constexpr int kBlock = 64;
  double terms[kBlock];
  for (int i0 = 0; i0 < n; i0 += kBlock) {
    const int m = n - i0 < kBlock ? n - i0 : kBlock;
    for (int b = 0; b < m; ++b) terms[b] = f(i0 + b);
    for (int b = 0; b < m; ++b) s += terms[b];
  }
#endif
  return s;
}

// Size of every team's shared_scratch(): a swap round of 64 attempts (4 doubles each) and a header.
constexpr int kTeamSharedDoubles = 4 * 64 + 8;

struct SerialTeam {
  static constexpr bool scatter_safe = true;
  static constexpr int concurrent_tasks = 1;

  template <class F>
  void for_each(int n, F&& f) const {
    for (int i = 0; i < n; ++i) f(i);
  }
  void sync() const {}
  template <class F>
  double sum(int n, F&& f) const {
    return serial_sum(n, f);
  }
  template <class F>
  Pair2 sum2(int n, F&& f) const {
    Pair2 s;
    for (int i = 0; i < n; ++i) {
      const Pair2 v = f(i);
      s.a += v.a;
      s.b += v.b;
    }
    return s;
  }
  template <class F>
  double max(int n, F&& f) const {
    double m = -1.0e300;
    for (int i = 0; i < n; ++i) {
      const double v = f(i);
      if (v > m) m = v;
    }
    return m;
  }
  template <class F>
  void single(F&& f) const {
    f();
  }
  bool leader() const { return true; }
  double* shared_scratch() const { return shared_; }

 private:
  mutable double shared_[kTeamSharedDoubles] = {};  // 2 KiB, zeroed once per SerialTeam (per call)
};

}  // namespace tlsx
