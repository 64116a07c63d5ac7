#pragma once
// A Team is the group of workers that owns one replica (DESIGN.md §2). Every replica algorithm is a
// template over the Team, so the CPU and the GPU run the same source:
//   for_each(n, f)   f(i) for i in [0, n), split over the team's workers
//   sync()           barrier between phases that read what another worker wrote
//   sum(n, f)        sum_i f(i), the same value returned to every worker
//   sum2(n, f)       two sums at once (f returns Pair2), e.g. energy and virial
//   max(n, f)        max_i f(i), the same value returned to every worker
//   single(f)        f() run by one worker, followed by a barrier
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

struct SerialTeam {
  static constexpr bool scatter_safe = true;

  template <class F>
  void for_each(int n, F&& f) const {
    for (int i = 0; i < n; ++i) f(i);
  }
  void sync() const {}
  // The terms are computed a block at a time (a loop the compiler can vectorise when f allows it)
  // and then added in index order: the result is the plain sequential sum.
  template <class F>
  double sum(int n, F&& f) const {
    constexpr int kBlock = 64;
    double terms[kBlock];
    double s = 0.0;
    for (int i0 = 0; i0 < n; i0 += kBlock) {
      const int m = n - i0 < kBlock ? n - i0 : kBlock;
      for (int b = 0; b < m; ++b) terms[b] = f(i0 + b);
      for (int b = 0; b < m; ++b) s += terms[b];
    }
    return s;
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
};

}  // namespace tlsx
