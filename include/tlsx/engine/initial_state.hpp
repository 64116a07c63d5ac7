#pragma once
// Initial states of a glass's preparation (paper Sec. II C: random start -> melt -> swap MC/MD at
// T_f): random positions with the model's composition, Maxwell-Boltzmann velocities, and a capped
// steepest-descent "overlap removal" that makes a random start safe to integrate.
// Random numbers are keyed by (seed, glass) only (RngPurpose::initial_positions / initial_velocities),
// so glass g starts identically in any batch, shard or backend.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tlsx/core/error.hpp"
#include "tlsx/core/hd.hpp"
#include "tlsx/core/rng.hpp"
#include "tlsx/core/team.hpp"
#include "tlsx/engine/forces.hpp"
#include "tlsx/engine/neighbor_list.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/engine/thermostats.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx {

// Replica r of `batch`: positions uniform in the box, species in the model's composition in a
// random order, velocities zero. Stream initial_positions: step 0 gives (x, y) and step 1 z of
// particle i (index i); step 2, index k the Fisher-Yates draw for slot k.
inline void random_start(ReplicaBatch& batch, int r, const Model& model, std::uint64_t seed, std::uint32_t glass) {
  const int n = batch.n();
  const std::vector<int> counts = model.composition(n);
  int total = 0;
  for (int c : counts) total += c;
  if (total != n || n < 2) throw Error("random_start: composition of model '" + model.name + "' does not give " +
                                       std::to_string(n) + " particles");
  const RngStream stream{seed, glass, RngPurpose::initial_positions};
  const Box& box = batch.box();
  double* pos = batch.pos(r);
  for (int i = 0; i < n; ++i) {
    const TwoUniforms xy = two_uniforms(stream, 0, static_cast<std::uint32_t>(i));
    const TwoUniforms z = two_uniforms(stream, 1, static_cast<std::uint32_t>(i));
    pos[i] = xy.u0 * box.length[0];
    pos[n + i] = xy.u1 * box.length[1];
    pos[2 * n + i] = z.u0 * box.length[2];
  }
  int* species = batch.species(r);
  int i = 0;
  for (int s = 0; s < static_cast<int>(counts.size()); ++s)
    for (int c = 0; c < counts[s]; ++c) species[i++] = s;
  for (int k = n - 1; k > 0; --k) {
    const int j = static_cast<int>(uniform_index(stream.words(2, static_cast<std::uint32_t>(k))[0], k + 1u));
    const int t = species[k];
    species[k] = species[j];
    species[j] = t;
  }
  double* vel = batch.vel(r);
  for (int k = 0; k < 3 * n; ++k) vel[k] = 0.0;
}

// Velocities of replica r drawn from the Maxwell-Boltzmann distribution at `temperature`, then
// shifted to zero total momentum and rescaled so that 2K / (3N - 3) equals `temperature` exactly
// (as LAMMPS's velocity create ... dist gaussian mom yes). Stream `purpose` (initial_velocities for
// preparation, exploration_velocities for the exploration runs): step 0 gives (v_x, v_y), step 1 v_z
// of particle i (index i).
inline void maxwell_boltzmann_velocities(ReplicaBatch& batch, int r, double temperature, double mass,
                                         std::uint64_t seed, std::uint32_t glass,
                                         RngPurpose purpose = RngPurpose::initial_velocities) {
  if (!(temperature >= 0.0) || !std::isfinite(temperature))
    throw Error("maxwell_boltzmann_velocities: temperature must be >= 0, got " + std::to_string(temperature));
  if (!(mass > 0.0)) throw Error("maxwell_boltzmann_velocities: mass must be > 0");
  const int n = batch.n();
  double* vel = batch.vel(r);
  const RngStream stream{seed, glass, purpose};
  const double sigma = std::sqrt(temperature / mass);
  for (int i = 0; i < n; ++i) {
    const TwoGaussians xy = two_gaussians(stream, 0, static_cast<std::uint32_t>(i));
    const TwoGaussians z = two_gaussians(stream, 1, static_cast<std::uint32_t>(i));
    vel[i] = sigma * xy.g0;
    vel[n + i] = sigma * xy.g1;
    vel[2 * n + i] = sigma * z.g0;
  }
  double kinetic = 0.0;
  for (int d = 0; d < 3; ++d) {
    double mean = 0.0;
    for (int i = 0; i < n; ++i) mean += vel[d * n + i];
    mean /= n;
    for (int i = 0; i < n; ++i) {
      vel[d * n + i] -= mean;
      kinetic += 0.5 * mass * vel[d * n + i] * vel[d * n + i];
    }
  }
  if (kinetic > 0.0) {
    const double factor = std::sqrt(0.5 * degrees_of_freedom(n) * temperature / kinetic);
    for (int k = 0; k < 3 * n; ++k) vel[k] *= factor;
  }
}

// Overlap removal: capped steepest descent with backtracking,
//     x_i <- x_i + min(alpha |F_i|, max_displacement) F_i / |F_i|,
// until the largest force on a particle is below force_tolerance. A random start at density 1.35
// has pairs at r << sigma (forces up to ~1e30); the cap moves every particle at most
// max_displacement per iteration, so overlapping pairs separate in a few tens of iterations
// without flying apart. alpha grows by 1.2 after a step that lowered the energy; a step that
// raised it is undone (positions kept in replica.scratch) and alpha halved. The result can be
// melted with ordinary MD (dt = 0.005).
struct OverlapRemovalParams {
  int max_iterations = 5000;
  double max_displacement = 0.05;  // sigma_AA, below half the default skin
  double mobility = 1.0e-4;        // initial alpha: displacement per unit force below the cap
  double force_tolerance = 50.0;   // largest |F_i| at which the start is safe for MD
};

struct OverlapRemovalResult {
  int iterations = 0;
  double max_force = 0.0;   // largest |F_i| at the end
  double energy = 0.0;      // potential energy at the end
  int status = 0;           // 0 converged, 1 neighbour-list overflow (grow and call again), 2 iteration limit
};

template <class Team>
TLSX_HD OverlapRemovalResult remove_overlaps(const Team& team, const PairTable& table, const ReplicaView& r,
                                             const OverlapRemovalParams& params) {
  OverlapRemovalResult out;
  const int n = r.n;
  double* saved = r.scratch;
  team.single([&] { r.nbr.status[0] = 0; });
  build_neighbor_list(team, r);
  team.sync();
  if (r.nbr.status[0] != 0) {
    out.status = 1;
    return out;
  }
  auto force_norm2 = [&](int i) {
    const double fx = r.force[i], fy = r.force[n + i], fz = r.force[2 * n + i];
    return fx * fx + fy * fy + fz * fz;
  };
  double alpha = params.mobility;
  out.energy = compute_forces(team, table, r).energy;
  team.sync();
  out.max_force = sqrt(team.max(n, force_norm2));
  while (out.max_force >= params.force_tolerance) {
    if (out.iterations >= params.max_iterations) {
      out.status = 2;
      return out;
    }
    out.iterations += 1;
    team.for_each(n, [&](int i) {
      const double f = sqrt(force_norm2(i));
      const double step = f * alpha > params.max_displacement ? params.max_displacement / f : alpha;
      for (int d = 0; d < 3; ++d) {
        saved[d * n + i] = r.pos[d * n + i];
        r.pos[d * n + i] += step * r.force[d * n + i];
      }
    });
    team.sync();
    update_neighbor_list(team, r);
    if (r.nbr.status[0] != 0) {
      out.status = 1;
      return out;
    }
    const double energy = compute_forces(team, table, r).energy;
    team.sync();
    if (energy < out.energy) {
      out.energy = energy;
      out.max_force = sqrt(team.max(n, force_norm2));
      alpha *= 1.2;
    } else {  // undo
      team.for_each(3 * n, [&](int k) { r.pos[k] = saved[k]; });
      team.sync();
      update_neighbor_list(team, r);
      if (r.nbr.status[0] != 0) {
        out.status = 1;
        return out;
      }
      compute_forces(team, table, r);
      team.sync();
      alpha *= 0.5;
    }
  }
  return out;
}

// Runs remove_overlaps on every replica of the batch (serially, on the host). A replica whose list
// overflows is started again from its random start after the capacity grew, so that its result is
// the one a large enough capacity gives from the outset: each glass's start is the same whatever
// the other replicas of the batch (tlsx prepare: --glasses 64 equals two --first-glass halves).
// Throws when a replica does not reach the tolerance.
inline std::vector<OverlapRemovalResult> remove_overlaps(ReplicaBatch& batch, const PairTable& table,
                                                         const OverlapRemovalParams& params) {
  std::vector<OverlapRemovalResult> results(batch.size());
  std::vector<double> start(3 * static_cast<std::size_t>(batch.n()));
  for (int r = 0; r < batch.size(); ++r) {
    std::copy(batch.pos(r), batch.pos(r) + start.size(), start.begin());
    for (;;) {
      results[r] = remove_overlaps(SerialTeam{}, table, batch.view(r), params);
      if (results[r].status != 1) break;
      batch.take_overflow(r);
      if (batch.neighbor_capacity() >= batch.n() - 1)
        throw Error("remove_overlaps: neighbour list overflow with capacity n-1");
      batch.grow_neighbor_capacity();
      std::copy(start.begin(), start.end(), batch.pos(r));
    }
    if (results[r].status != 0)
      throw Error("remove_overlaps: replica " + std::to_string(r) + " still has a force of " +
                  std::to_string(results[r].max_force) + " after " + std::to_string(results[r].iterations) +
                  " iterations (force_tolerance " + std::to_string(params.force_tolerance) + ")");
  }
  return results;
}

}  // namespace tlsx
