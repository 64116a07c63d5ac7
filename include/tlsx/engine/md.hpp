#pragma once
// Molecular dynamics of one replica (Team-templated): velocity Verlet with Berendsen, Nose-Hoover
// chain or no thermostat, and swap Monte Carlo sweeps between blocks of MD steps (paper Sec. II C).
//
// Contract (used by both backends):
//   md_run(team, table, replica, params, state, target_step)
//     - starts by building the neighbour list and computing forces (so it can be called on any
//       state, e.g. after the host grew the neighbour capacity or changed the batch);
//     - advances until state.step == target_step, a swap sweep after every params.swap_every steps
//       (counted by state.step), updating the neighbour list when needed;
//     - leaves forces, state.potential_energy, kinetic_energy, virial of the final positions;
//     - on a neighbour-list overflow sets state.status = 1 and returns at once with positions and
//       counters consistent, so the host can grow the capacity and call again: the trajectory is
//       the same as if no overflow had happened (state.potential_energy and virial are then NaN
//       until that call).
//   Random numbers (the swap moves only; the thermostats are deterministic): RngStream{params.seed,
//   state.glass, purpose} counted by state.swap_sweeps, so the draws are independent of batch,
//   threads and backend, and a run is bitwise reproducible on one backend (the CPU and the GPU
//   round differently: their trajectories agree to rounding, tests/gpu/test_conformance.cpp).
// Implemented in md_integrator.hpp (MD) and swap_mc.hpp (swaps).
#include "tlsx/engine/md_integrator.hpp"
