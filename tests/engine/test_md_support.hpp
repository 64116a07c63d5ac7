#pragma once
// Helpers of the MD and swap Monte Carlo tests: a replica whose neighbour capacity the test
// chooses (to force overflows), and time series statistics with block-average errors.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "tlsx/engine/replica.hpp"
#include "tlsx/engine/replica_batch.hpp"

namespace tlsx::testing {

// A stand-alone replica with its own arrays, copied from a batch replica; its neighbour-row
// capacity can be set to anything (ReplicaBatch only grows it).
struct OwnedReplica {
  int n = 0, capacity = 0, cells = 0;
  Box box;
  double cutoff = 0.0, skin = 0.0;
  std::vector<double> pos, vel, force, reference, scratch;
  std::vector<int> species, count, count_upper, index, cell_start, cell_particles, status;

  OwnedReplica(ReplicaBatch& batch, int r, int neighbor_capacity)
      : n(batch.n()), box(batch.box()), cutoff(batch.list_cutoff()), skin(batch.skin()) {
    pos.assign(batch.pos(r), batch.pos(r) + 3 * n);
    vel.assign(batch.vel(r), batch.vel(r) + 3 * n);
    species.assign(batch.species(r), batch.species(r) + n);
    force.assign(3 * n, 0.0);
    reference.assign(3 * n, 0.0);
    scratch.assign(kScratchVectors * 3 * n, 0.0);
    count.assign(n, 0);
    count_upper.assign(n, 0);
    cells = 1;
    for (int d = 0; d < 3; ++d) cells *= std::max(1, static_cast<int>(box.length[d] / cutoff));
    cell_start.assign(cells + 1, 0);
    cell_particles.assign(n, 0);
    status.assign(2, 0);
    set_capacity(neighbor_capacity);
  }
  void set_capacity(int c) {
    capacity = c;
    index.assign(static_cast<std::size_t>(n) * c, 0);
  }
  ReplicaView view() {
    ReplicaView v;
    v.n = n;
    v.box = box;
    v.pos = pos.data();
    v.vel = vel.data();
    v.force = force.data();
    v.species = species.data();
    v.scratch = scratch.data();
    v.nbr.capacity = capacity;
    v.nbr.stride_row = capacity;
    v.nbr.stride_col = 1;
    v.nbr.cutoff = cutoff;
    v.nbr.skin = skin;
    v.nbr.count = count.data();
    v.nbr.count_upper = count_upper.data();
    v.nbr.index = index.data();
    v.nbr.reference = reference.data();
    v.nbr.cell_start = cell_start.data();
    v.nbr.cell_particles = cell_particles.data();
    v.nbr.n_cells_capacity = cells;
    v.nbr.status = status.data();
    return v;
  }
};

inline bool bitwise_equal(const double* a, const double* b, int n) {
  return std::memcmp(a, b, sizeof(double) * n) == 0;
}

// Mean and its standard error from `blocks` block averages (correlated time series).
struct BlockEstimate {
  double mean = 0.0, error = 0.0;
};

inline BlockEstimate block_average(const std::vector<double>& x, int blocks) {
  const std::size_t len = x.size() / blocks;
  std::vector<double> means(blocks, 0.0);
  for (int b = 0; b < blocks; ++b) {
    for (std::size_t k = 0; k < len; ++k) means[b] += x[b * len + k];
    means[b] /= static_cast<double>(len);
  }
  BlockEstimate e;
  for (double m : means) e.mean += m;
  e.mean /= blocks;
  double var = 0.0;
  for (double m : means) var += (m - e.mean) * (m - e.mean);
  e.error = std::sqrt(var / (blocks - 1) / blocks);
  return e;
}

// Slope of the least-squares line through (k, x_k), per sample.
inline double linear_slope(const std::vector<double>& x) {
  const double m = static_cast<double>(x.size());
  double st = 0.0, sx = 0.0, stt = 0.0, stx = 0.0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    st += k;
    sx += x[k];
    stt += double(k) * k;
    stx += k * x[k];
  }
  return (m * stx - st * sx) / (m * stt - st * st);
}

// Standard deviation about the least-squares line.
inline double detrended_std(const std::vector<double>& x) {
  const double slope = linear_slope(x);
  double mean = 0.0, mean_t = 0.0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    mean += x[k];
    mean_t += k;
  }
  mean /= x.size();
  mean_t /= x.size();
  double var = 0.0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double d = x[k] - mean - slope * (k - mean_t);
    var += d * d;
  }
  return std::sqrt(var / x.size());
}

}  // namespace tlsx::testing
