#pragma once
// The computations on one configuration that `tlsx energy`, `tlsx minimize` and `tlsx md` run, as
// library functions: the CLI (src/host/cli/cmd_*.cpp) and the Python module (python/src/) call
// these very functions, so both give the same numbers to the last bit. Each takes a Configuration
// that validate_configuration has accepted.
#include <cstdint>
#include <functional>
#include <vector>

#include "tlsx/backend/backend.hpp"
#include "tlsx/engine/md_params.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/io/configuration.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx {

// Neighbour-list skin (sigma) of the single-configuration commands: rebuilds when a particle moved skin/2.
constexpr double kConfigurationSkin = 0.3;

// A one-replica batch holding configuration c (velocities copied when present).
ReplicaBatch batch_from_configuration(const Configuration& c, const Model& model, double skin = kConfigurationSkin);
// Copies replica r's positions, velocities and species back into c.
void store_replica(ReplicaBatch& batch, int r, Configuration& c, bool with_velocities);

// What `tlsx energy` reports: the numbers of LAMMPS's thermo keywords pe, the virial part of press
// and fmax.
struct ConfigurationEnergy {
  double energy = 0.0;           // total potential energy U
  double virial = 0.0;           // W = sum_{i<j} r_ij . f_ij
  double virial_pressure = 0.0;  // W / (3V): the kinetic part N k T / V left out
  double max_force = 0.0;        // largest force component |F_i,a|
  std::vector<double> force;     // 3n, SoA like Configuration::pos
};
ConfigurationEnergy configuration_energy(const Configuration& c, const Model& model);

// Quenches c to its inherent structure in place (positions; velocities cleared), as `tlsx minimize`.
MinimizeResult minimize_configuration(Configuration& c, const Model& model, const MinimizeParams& params,
                                      Backend& backend);

// The options of `tlsx md`, with its defaults.
struct MdRequest {
  double temperature = 0.0;      // target T of the thermostat and of drawn velocities
  double dt = 0.005;
  Thermostat thermostat = Thermostat::berendsen;
  double tau_t = 0.0;            // <= 0: 100 dt (LAMMPS's recommended damping: 100 steps)
  int swap_every = 0;            // MD steps between swap sweeps (0: no swaps; the paper: 10)
  int swap_attempts = -1;        // < 0: 1.75 N (the paper)
  std::uint64_t seed = 1;
};
// The MdParams a request stands for with n particles, checked (check_md_params: "md.tau_t must be > dt ...").
MdParams md_params(const MdRequest& request, const Model& model, int n);

// Called after every chunk of steps with the steps done so far and the replica's state.
using MdChunkDone = std::function<void(std::int64_t done, const MdReplicaState& state)>;

// `steps` MD steps of c in place, as `tlsx md`: Maxwell-Boltzmann velocities at p.temperature
// (glass 0, seed p.seed) when c has none, then chunks of `chunk` steps (a non-finite energy after a
// chunk is an Error naming the step), then positions, velocities, species, step and time stored
// back into c. The trajectory does not depend on the chunk size. Returns the replica's final state.
// A replica that blew up (md_integrator.hpp) returns early with status kMdBlownUp and c holding its
// last good state (s.step steps after the start): the caller reports it.
MdReplicaState md_configuration(Configuration& c, const Model& model, const MdParams& p, std::int64_t steps,
                                Backend& backend, std::int64_t chunk, const MdChunkDone& after_chunk = {});

}  // namespace tlsx
