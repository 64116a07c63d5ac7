// The single-configuration computations shared by the CLI and the Python module.
#include "tlsx/pipeline/one_configuration.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/engine/initial_state.hpp"
#include "tlsx/engine/md_params_check.hpp"

namespace tlsx {

ReplicaBatch batch_from_configuration(const Configuration& c, const Model& model, double skin) {
  ReplicaBatch batch(c.n(), 1, c.box, model.pair_table().max_cutoff + skin, skin);
  std::copy(c.pos.begin(), c.pos.end(), batch.pos(0));
  if (c.has_velocities()) std::copy(c.vel.begin(), c.vel.end(), batch.vel(0));
  std::copy(c.species.begin(), c.species.end(), batch.species(0));
  return batch;
}

void store_replica(ReplicaBatch& batch, int r, Configuration& c, bool with_velocities) {
  const int n = batch.n();
  c.box = batch.box();
  c.pos.assign(batch.pos(r), batch.pos(r) + 3 * n);
  c.species.assign(batch.species(r), batch.species(r) + n);
  if (with_velocities) {
    c.vel.assign(batch.vel(r), batch.vel(r) + 3 * n);
  } else {
    c.vel.clear();
  }
}

ConfigurationEnergy configuration_energy(const Configuration& c, const Model& model) {
  ReplicaBatch batch = batch_from_configuration(c, model);
  CpuBackend cpu(1);
  const ForceResult f = cpu.forces(batch, model.pair_table())[0];
  const int n = c.n();
  const double* force = batch.force(0);
  ConfigurationEnergy out;
  out.energy = f.energy;
  out.virial = f.virial;
  out.virial_pressure = f.virial / (3.0 * c.box.volume());
  out.max_force = std::abs(*std::max_element(force, force + 3 * n, [](double a, double b) {
    return std::abs(a) < std::abs(b);
  }));
  out.force.assign(force, force + 3 * n);
  return out;
}

MinimizeResult minimize_configuration(Configuration& c, const Model& model, const MinimizeParams& params,
                                      Backend& backend) {
  ReplicaBatch batch = batch_from_configuration(c, model);
  const MinimizeResult res = backend.minimize(batch, model.pair_table(), params)[0];
  store_replica(batch, 0, c, false);
  return res;
}

MdParams md_params(const MdRequest& request, const Model& model, int n) {
  MdParams p;
  p.dt = request.dt;
  p.temperature = request.temperature;
  p.thermostat = request.thermostat;
  p.tau_t = request.tau_t > 0 ? request.tau_t : 100.0 * request.dt;
  p.swap_every = request.swap_every;
  p.swap_attempts = request.swap_every > 0
                        ? (request.swap_attempts >= 0 ? request.swap_attempts : static_cast<int>(std::lround(1.75 * n)))
                        : 0;
  p.seed = request.seed;
  p.mass = model.species[0].mass;
  check_md_params(p, "md");
  return p;
}

MdReplicaState md_configuration(Configuration& c, const Model& model, const MdParams& p, std::int64_t steps,
                                Backend& backend, std::int64_t chunk, const MdChunkDone& after_chunk) {
  ReplicaBatch batch = batch_from_configuration(c, model);
  std::vector<MdReplicaState> states(1);
  if (!c.has_velocities()) maxwell_boltzmann_velocities(batch, 0, p.temperature, p.mass, p.seed, states[0].glass);
  const PairTable table = model.pair_table();
  chunk = std::max<std::int64_t>(1, chunk);
  for (std::int64_t done = 0; done < steps;) {
    const std::int64_t k = std::min(chunk, steps - done);
    backend.run_md(batch, states, table, p, k);
    done += k;
    const MdReplicaState& s = states[0];
    if (s.status == kMdBlownUp) break;  // md_integrator.hpp: the replica stopped at its last good state
    if (after_chunk) after_chunk(done, s);
    if (!std::isfinite(s.potential_energy) || !std::isfinite(s.kinetic_energy))
      throw Error("md: the energy became non-finite at step " + std::to_string(s.step) +
                  " (time step too large or overlapping particles)");
  }
  // s.step counts the steps taken: all of them, or those before a blow-up.
  const std::int64_t taken = states[0].status == kMdBlownUp ? static_cast<std::int64_t>(states[0].step) : steps;
  store_replica(batch, 0, c, true);
  c.step += static_cast<long>(taken);
  c.time += static_cast<double>(taken) * p.dt;
  return states[0];
}

}  // namespace tlsx
