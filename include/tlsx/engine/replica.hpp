#pragma once
// The state of one replica as the replica algorithms see it: plain pointers into arrays owned by a
// backend (host vectors on the CPU, device memory on the GPU). Coordinates are stored SoA in one
// 3n block: x[0..n), then y, then z, so that a 3N-dimensional configuration vector (minimisers,
// NEB, distances) is simply pos[0..3n). Positions are never wrapped: distances use the minimum image.
#include <cstdint>

#include "tlsx/core/box.hpp"
#include "tlsx/core/hd.hpp"

namespace tlsx {

// Verlet neighbour list built from a cell grid (or all pairs in boxes under four cells of `cutoff`
// wide). Each row i holds every neighbour j within `cutoff` = largest pair cutoff + skin, or, when
// the species stay fixed (minimisers, MD without swaps), within its own pair cutoff + skin (never
// more than `cutoff`; neighbor_list.hpp: ListCutoffs); the neighbours j > i
// come first (count_upper of them), so the CPU's force loop uses the upper part as a half list and
// scatters by Newton's third law, while the GPU and swap MC read the whole row.
// Entry k of row i is index[i * stride_row + k * stride_col]: row-major on the CPU, column-major
// (coalesced) on the GPU.
struct NeighborListView {
  int capacity = 0;        // neighbours a row can hold
  int stride_row = 0;
  int stride_col = 0;
  double cutoff = 0.0;     // list cutoff (largest pair cutoff + skin)
  double skin = 0.0;
  int* count = nullptr;        // n
  int* count_upper = nullptr;  // n
  int* index = nullptr;        // n * capacity
  double* reference = nullptr; // 3n positions at the last build
  int* cell_start = nullptr;   // cell grid workspace: n_cells_capacity + 1
  int* cell_particles = nullptr;  // n
  int n_cells_capacity = 0;
  int* status = nullptr;       // [0]: overflow (row needed more than capacity), [1]: builds so far

  TLSX_HD TLSX_INLINE int neighbor(int i, int k) const { return index[i * stride_row + k * stride_col]; }
};

// Pairs (step, force change) the L-BFGS minimiser remembers (lbfgs.hpp).
constexpr int kLbfgsMemory = 5;
// Workspace vectors of 3n doubles each that a replica algorithm may use (CG: direction, previous
// gradient, line-search origin; L-BFGS: its pairs and the direction).
constexpr int kScratchVectors = 2 * kLbfgsMemory + 1;

struct ReplicaView {
  int n = 0;
  Box box;
  double* pos = nullptr;    // 3n, SoA
  double* vel = nullptr;    // 3n, SoA
  double* force = nullptr;  // 3n, SoA
  int* species = nullptr;   // n, 0-based species index
  double* scratch = nullptr; // kScratchVectors * 3n doubles of workspace (minimisers)
  NeighborListView nbr;

  TLSX_HD TLSX_INLINE double x(int i, int d) const { return pos[d * n + i]; }
};

}  // namespace tlsx
