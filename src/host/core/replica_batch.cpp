#include "tlsx/engine/replica_batch.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "tlsx/engine/neighbor_list.hpp"

namespace tlsx {

namespace {
std::atomic<std::uint64_t> last_list_epoch{0};
}  // namespace

void ListEpochs::renew(int r) { epochs_[std::size_t(r)] = ++last_list_epoch; }

void ListEpochs::renew_all(int count) {
  epochs_.resize(std::size_t(count));
  for (int r = 0; r < count; ++r) renew(r);
}

int default_neighbor_capacity(int n, double volume, double cutoff) {
  const double ideal = (n / volume) * 4.0 / 3.0 * M_PI * cutoff * cutoff * cutoff;
  return std::max(1, std::min(n - 1, static_cast<int>(1.5 * ideal) + 32));
}

ReplicaBatch::ReplicaBatch(int n, int count, const Box& box, double list_cutoff, double skin)
    : n_(n), count_(count), box_(box), cutoff_(list_cutoff), skin_(skin) {
  capacity_ = default_neighbor_capacity(n, box.volume(), list_cutoff);
  CellGrid g{{0, 0, 0}};
  for (int d = 0; d < 3; ++d) g.dim[d] = std::max(1, static_cast<int>(box.length[d] / list_cutoff));
  cells_capacity_ = g.total();
  const std::size_t c = count, nn = n;
  pos_.assign(c * 3 * nn, 0.0);
  vel_.assign(c * 3 * nn, 0.0);
  force_.assign(c * 3 * nn, 0.0);
  // No list built yet: an infinite reference makes update_neighbor_list rebuild.
  reference_.assign(c * 3 * nn, std::numeric_limits<double>::infinity());
  scratch_.assign(c * kScratchVectors * 3 * nn, 0.0);
  species_.assign(c * nn, 0);
  count_nb_.assign(c * nn, 0);
  count_upper_.assign(c * nn, 0);
  index_.assign(c * nn * capacity_, 0);
  cell_start_.assign(c * (cells_capacity_ + 1), 0);
  cell_particles_.assign(c * nn, 0);
  status_.assign(c * 2, 0);
  epochs_.renew_all(count);
}

ReplicaView ReplicaBatch::view(int r) {
  const std::size_t nn = n_;
  ReplicaView v;
  v.n = n_;
  v.box = box_;
  v.pos = pos(r);
  v.vel = vel(r);
  v.force = force(r);
  v.species = species(r);
  v.scratch = scratch_.data() + r * kScratchVectors * 3 * nn;
  NeighborListView& nl = v.nbr;
  nl.capacity = capacity_;
  nl.stride_row = capacity_;
  nl.stride_col = 1;
  nl.cutoff = cutoff_;
  nl.skin = skin_;
  nl.count = count_nb_.data() + r * nn;
  nl.count_upper = count_upper_.data() + r * nn;
  nl.index = index_.data() + r * nn * capacity_;
  nl.reference = reference_.data() + r * 3 * nn;
  nl.cell_start = cell_start_.data() + std::size_t(r) * (cells_capacity_ + 1);
  nl.cell_particles = cell_particles_.data() + r * nn;
  nl.n_cells_capacity = cells_capacity_;
  nl.status = status_.data() + std::size_t(r) * 2;
  return v;
}

bool ReplicaBatch::take_overflow(int r) {
  int& flag = status_[std::size_t(r) * 2];
  const bool was = flag != 0;
  flag = 0;
  return was;
}

void ReplicaBatch::grow_neighbor_capacity() {
  capacity_ = std::min(n_ - 1, capacity_ * 2);
  index_.assign(std::size_t(count_) * n_ * capacity_, 0);
  std::fill(reference_.begin(), reference_.end(), std::numeric_limits<double>::infinity());
  epochs_.renew_all(count_);
}

void ReplicaBatch::invalidate_neighbor_list(int r) {
  std::fill_n(reference_.begin() + std::size_t(r) * 3 * n_, 3 * n_, std::numeric_limits<double>::infinity());
  epochs_.renew(r);
}

void ReplicaBatch::copy_replica_from(const ReplicaBatch& other, int r_from, int r_to) {
  std::copy_n(other.pos(r_from), 3 * n_, pos(r_to));
  std::copy_n(other.vel(r_from), 3 * n_, vel(r_to));
  std::copy_n(other.species(r_from), n_, species(r_to));
  invalidate_neighbor_list(r_to);
}

}  // namespace tlsx
