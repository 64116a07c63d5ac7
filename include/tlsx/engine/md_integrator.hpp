#pragma once
// Velocity-Verlet molecular dynamics of one replica with swap Monte Carlo sweeps between blocks of
// steps (paper Sec. II C-D). The contract is stated in md.hpp; the thermostats in thermostats.hpp;
// the swaps in swap_mc.hpp.
//
// One step (dt, mass m, forces F of the current positions):
//     Nose-Hoover:  (xi, v_xi) half step, v <- s v              exp(iL_NHC dt/2)
//     v <- v + dt/2 F/m ;  x <- x + dt v ;  F <- F(x) ;  v <- v + dt/2 F/m
//     Nose-Hoover:  (xi, v_xi) half step, v <- s v              exp(iL_NHC dt/2)
//     Berendsen:    v <- lambda v
//     step += 1, kinetic statistics; when step % swap_every == 0: a swap sweep (and F <- F(x)).
// A step boundary is the state between two such steps: (x, v, species, chain, counters) with F the
// forces of (x, species). Everything after a boundary is a function of that state alone:
//   - the neighbour-list rows are sorted (neighbor_list.hpp), so forces and swap energies do not
//     depend on where the list was last built, and a call that rebuilds the list and recomputes F
//     at entry continues bitwise as if it had never stopped;
//   - a neighbour-list overflow can only occur at the rebuild after the drift; the step's starting
//     x and v are kept in replica.scratch (and the chain in registers), restored on overflow, and
//     md_run returns at the boundary before the failed step with state.status = 1;
//   - the potential energy and virial are evaluated only with the forces of the last step of a call
//     (and at entry), as nothing reads them in between (forces.hpp: ForceTerms); the forces are
//     bitwise the same either way. A state returned with status 1 carries NaN for both: the host
//     calls again, and that call evaluates them.
//   - a replica that blows up (a time step too large for the forces, overlapping particles: the
//     integration is unstable and the energy runs away) is caught within the step where it happens:
//     its kinetic energy is no longer finite, or a particle has moved more than the whole skin since
//     the list was built, i.e. more than skin/2 in this one step (the list is rebuilt whenever
//     a particle moved skin/2), which at the default skin 0.3 and dt = 0.005 is a speed of 30
//     (one particle's kinetic temperature ~ 300). The step is undone (x, v and the chain of its
//     start, kept for the overflow case) and md_run returns with state.status = kMdBlownUp and
//     state.step the last good step; every later call leaves such a replica as it is, so the other
//     replicas of a batch go on and the host reports the one that failed.
// Every worker keeps a private copy of the replica's scalar state (counters, chain, statistics),
// updated redundantly from team reductions, and publishes it to `state` in team.single on return.
#include <cstdint>

#include "tlsx/core/hd.hpp"
#include "tlsx/engine/forces.hpp"
#include "tlsx/engine/md_params.hpp"
#include "tlsx/engine/neighbor_list.hpp"
#include "tlsx/engine/swap_mc.hpp"
#include "tlsx/engine/thermostats.hpp"

namespace tlsx {

// K = m/2 sum v^2.
template <class Team>
TLSX_HD double kinetic_energy(const Team& team, const ReplicaView& r, double mass) {
  return 0.5 * mass * team.sum(3 * r.n, [&](int k) { return r.vel[k] * r.vel[k]; });
}

template <class Team>
TLSX_HD void scale_velocities(const Team& team, const ReplicaView& r, double factor) {
  team.for_each(3 * r.n, [&](int k) { r.vel[k] *= factor; });
  team.sync();
}

template <class Team>
TLSX_HD void md_run(const Team& team, const PairTable& table, const ReplicaView& r, const MdParams& params,
                    MdReplicaState& state, std::uint64_t target_step) {
  MdReplicaState s = state;  // this worker's copy
  if (s.status == kMdBlownUp) return;  // stays at its last good state (every worker read the same)
  s.status = 0;
  const int n3 = 3 * r.n;
  const double dof = degrees_of_freedom(r.n);
  const double dt = params.dt, half_kick = 0.5 * params.dt / params.mass;
  const bool nose_hoover = params.thermostat == Thermostat::nose_hoover;
  const bool berendsen = params.thermostat == Thermostat::berendsen;
  double* saved_pos = r.scratch;
  double* saved_vel = r.scratch + n3;

  ForceResult f;
  double kinetic = 0.0;
  auto publish = [&] {
    s.potential_energy = f.energy;
    s.virial = f.virial;
    s.kinetic_energy = kinetic;
    team.sync();
    team.single([&] { state = s; });
  };
  auto publish_overflow = [&] {
    s.status = 1;
    f.energy = f.virial = nan("");
    publish();
  };
  auto undo_step = [&](const double* chain_x, const double* chain_v) {
    team.for_each(n3, [&](int k) {
      r.pos[k] = saved_pos[k];
      r.vel[k] = saved_vel[k];
    });
    team.sync();
    for (int k = 0; k < kNoseHooverChain; ++k) {
      s.nhc_position[k] = chain_x[k];
      s.nhc_velocity[k] = chain_v[k];
    }
  };
  auto publish_blown_up = [&] {
    kinetic = kinetic_energy(team, r, params.mass);  // of the last good state
    s.status = kMdBlownUp;
    f.energy = f.virial = nan("");
    publish();
  };
  // A particle farther than the skin from where the list was built: more than skin/2 in one step.
  const double skin = r.nbr.skin;
  const double half = 0.5 * skin, half2 = half * half, blown_up2 = skin > 0 ? skin * skin : 1.7976931348623157e308;
  // Without swap moves the species stay fixed, and the neighbour list can hold each pair only
  // within its own cutoff (neighbor_list.hpp: ListCutoffs); swaps need the largest cutoff for all.
  const bool swaps = params.swap_every > 0 && params.swap_attempts > 0;
  const PairTable* const own_cutoffs = swaps ? nullptr : &table;

  team.sync();  // every worker has read `state` before anything is written
  team.single([&] { r.nbr.status[0] = 0; });
  build_neighbor_list(team, r, own_cutoffs);
  team.sync();
  kinetic = kinetic_energy(team, r, params.mass);
  if (r.nbr.status[0] != 0) {
    publish_overflow();
    return;
  }
  f = compute_forces(team, table, r);
  team.sync();

  while (s.step < target_step) {
    double chain_x[kNoseHooverChain], chain_v[kNoseHooverChain];
    for (int k = 0; k < kNoseHooverChain; ++k) {
      chain_x[k] = s.nhc_position[k];
      chain_v[k] = s.nhc_velocity[k];
    }
    double scale = 1.0;
    if (nose_hoover)
      scale = nose_hoover_half_step(s.nhc_position, s.nhc_velocity, kinetic, dof, params.temperature, params.tau_t,
                                    dt);
    // Half-kick and drift, remembering the boundary.
    team.for_each(n3, [&](int k) {
      saved_vel[k] = r.vel[k];
      saved_pos[k] = r.pos[k];
      const double v = r.vel[k] * scale + half_kick * r.force[k];
      r.vel[k] = v;
      r.pos[k] += dt * v;
    });
    team.sync();
    // update_neighbor_list, with the blow-up test on the same displacement (NaN fails it too).
    const double moved2 = max_displacement2(team, r);
    if (!(moved2 <= blown_up2)) {
      undo_step(chain_x, chain_v);
      publish_blown_up();
      return;
    }
    if (moved2 > half2) {
      team.sync();
      build_neighbor_list(team, r, own_cutoffs);
      team.sync();
    }
    if (r.nbr.status[0] != 0) {
      undo_step(chain_x, chain_v);
      publish_overflow();
      return;
    }
    // Only the state published at the end needs the potential energy and the virial.
    const bool last_step = s.step + 1 == target_step;
    f = compute_forces(team, table, r, last_step ? ForceTerms::energy_and_virial : ForceTerms::forces_only);
    team.sync();
    team.for_each(n3, [&](int k) { r.vel[k] += half_kick * r.force[k]; });
    team.sync();
    kinetic = kinetic_energy(team, r, params.mass);
    if (nose_hoover) {
      scale = nose_hoover_half_step(s.nhc_position, s.nhc_velocity, kinetic, dof, params.temperature, params.tau_t,
                                    dt);
      scale_velocities(team, r, scale);
      kinetic = kinetic_energy(team, r, params.mass);
    } else if (berendsen) {
      scale_velocities(team, r, berendsen_scale(kinetic, dof, params.temperature, dt, params.tau_t));
      kinetic = kinetic_energy(team, r, params.mass);
    }
    if (!(kinetic <= 1.7976931348623157e308)) {  // inf or NaN: forces beyond what a double holds
      undo_step(chain_x, chain_v);
      publish_blown_up();
      return;
    }
    s.step += 1;
    s.kinetic_sum += kinetic;
    s.kinetic_samples += 1;

    if (swaps && s.step % static_cast<std::uint64_t>(params.swap_every) == 0) {
      const SwapCounts c = swap_sweep(team, table, r, params, s.glass, s.swap_sweeps);
      s.swap_sweeps += 1;
      s.swap_attempted += c.attempted;
      s.swap_accepted += c.accepted;
      if (c.accepted > 0) {  // new species, new forces
        team.sync();
        f = compute_forces(team, table, r, last_step ? ForceTerms::energy_and_virial : ForceTerms::forces_only);
        team.sync();
      }
    }
  }
  publish();
}

}  // namespace tlsx
