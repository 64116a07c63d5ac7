#pragma once
// Parameters and per-replica persistent state of MD and swap Monte Carlo (plain data: a replica's
// state can be checkpointed and copied to the device as is).
#include <cstdint>

namespace tlsx {

enum class Thermostat : int { none = 0, berendsen = 1, nose_hoover = 2 };

struct MdParams {
  double dt = 0.005;
  double temperature = 1.0;        // target T (k_B = 1)
  Thermostat thermostat = Thermostat::none;
  double tau_t = 0.5;              // thermostat time constant (Berendsen tau; Nose-Hoover damping time 1/omega, LAMMPS's Tdamp)
  int swap_every = 0;              // MD steps per block between swap sweeps (0: no swaps)
  int swap_attempts = 0;           // attempted swaps per sweep (the paper: 1.75 N)
  std::uint64_t seed = 1;
  double mass = 1.0;               // all particles (model masses are equal)
};

constexpr int kNoseHooverChain = 3;

// MdReplicaState::status of a replica that blew up (non-finite kinetic energy, or a particle that
// moved more than the skin since the neighbour list was built, i.e. more than skin/2 in one step):
// it holds its last good step boundary and every later md_run leaves it there.
constexpr int kMdBlownUp = 2;

struct MdReplicaState {
  std::uint32_t glass = 0;         // global glass id: the key of this replica's random streams
  std::uint64_t step = 0;          // MD steps done (schedules the swap sweeps)
  std::uint64_t swap_sweeps = 0;   // swap sweeps done (counter of the swap streams)
  double nhc_position[kNoseHooverChain] = {0, 0, 0};
  double nhc_velocity[kNoseHooverChain] = {0, 0, 0};
  // Statistics since the last reset_statistics().
  std::uint64_t swap_attempted = 0, swap_accepted = 0;
  double kinetic_sum = 0.0;        // sum over steps of the kinetic energy
  std::uint64_t kinetic_samples = 0;
  // After the last step.
  double potential_energy = 0.0;
  double kinetic_energy = 0.0;
  double virial = 0.0;
  int status = 0;                  // 0 ok; 1 neighbour list overflow (backend grows and resumes);
                                   // kMdBlownUp: the replica blew up and stopped (md_integrator.hpp)

  void reset_statistics() {
    swap_attempted = swap_accepted = 0;
    kinetic_sum = 0.0;
    kinetic_samples = 0;
  }
};

}  // namespace tlsx
