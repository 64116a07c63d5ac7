#include "tlsx/pipeline/prepare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "tlsx/core/error.hpp"
#include "tlsx/core/progress.hpp"
#include "tlsx/engine/initial_state.hpp"

namespace tlsx {

double self_intermediate_scattering(const double* now, const double* start, int n, double q) {
  double s = 0.0;
  for (int k = 0; k < 3 * n; ++k) s += std::cos(q * (now[k] - start[k]));
  return s / (3.0 * n);
}

double relaxation_time(const std::vector<double>& time, const double* fs) {
  const double target = std::exp(-1.0);
  for (std::size_t k = 1; k < time.size(); ++k)
    if (fs[k] < target) {
      const double f = (fs[k - 1] - target) / (fs[k - 1] - fs[k]);
      return time[k - 1] + f * (time[k] - time[k - 1]);
    }
  return -1.0;
}

EquilibrationSummary summarize_equilibration(const GlassSet& g) {
  EquilibrationSummary out;
  const std::size_t s = g.series_time.size();
  const int count = g.size();
  if (count == 0) return out;
  double tau_sum = 0.0;
  for (int r = 0; r < count; ++r) {
    out.energy_mean += g.energy[r] / count;
    out.swap_acceptance += g.swap_acceptance[r] / count;
    if (s < 2) continue;
    const double* e = g.series_energy.data() + r * s;
    const double* fs = g.series_fs.data() + r * s;
    out.fs_final += fs[s - 1] / count;
    // Least-squares slope of e/N(t) over the second half, times its duration.
    const std::size_t first = s / 2;
    double mt = 0, me = 0;
    for (std::size_t k = first; k < s; ++k) mt += g.series_time[k], me += e[k];
    const double m = static_cast<double>(s - first);
    mt /= m;
    me /= m;
    double stt = 0, ste = 0, see = 0;
    for (std::size_t k = first; k < s; ++k) {
      stt += (g.series_time[k] - mt) * (g.series_time[k] - mt);
      ste += (g.series_time[k] - mt) * (e[k] - me);
      see += (e[k] - me) * (e[k] - me);
    }
    if (stt > 0) out.energy_drift += ste / stt * (g.series_time[s - 1] - g.series_time[first]) / count;
    out.energy_std_second_half += std::sqrt(see / m) / count;
    const double tau = relaxation_time(g.series_time, fs);
    if (tau > 0) {
      tau_sum += tau;
      ++out.relaxed;
    }
  }
  if (out.relaxed > 0) {
    out.tau_alpha = tau_sum / out.relaxed;
    if (s > 0) out.relaxations = g.series_time[s - 1] / out.tau_alpha;
  }
  return out;
}

std::string prepare_config_toml(const PrepareOptions& o) {
  std::ostringstream s;
  s.precision(17);
  s << "n = " << o.n << "\nglasses = " << o.glasses << "\nfirst_glass = " << o.first_glass
    << "\nfictive_temperature = " << o.fictive_temperature << "\nseed = " << o.seed
    << "\nmelt_temperature = " << o.melt_temperature << "\nmelt_steps = " << o.melt_steps << "\nsteps = " << o.steps
    << "\ndt = " << o.dt << "\nswap_every = " << o.swap_every << "\nswap_attempts = " << o.swap_attempts
    << "\ntau_t = " << o.tau_t << "\nsample_every = " << o.sample_every << "\nfs_wavenumber = " << o.fs_wavenumber
    << "\n";
  return s.str();
}

GlassSet prepare_glasses(const PrepareOptions& o, const Model& model, Backend& backend) {
  if (o.n <= 0 || o.glasses <= 0) throw Error("prepare: n and glasses must be positive");
  const PairTable table = model.pair_table();
  const double skin = 0.3;
  const Box box = Box::cubic(model.box_length(o.n));
  if (box.min_length() < 2.0 * (table.max_cutoff + skin))
    throw Error("prepare: a box of " + std::to_string(o.n) + " particles (edge " + std::to_string(box.length[0]) +
                ") is too small for the cutoff " + std::to_string(table.max_cutoff) + " + skin " +
                std::to_string(skin) + ": use more particles");
  ReplicaBatch batch(o.n, o.glasses, box, table.max_cutoff + skin, skin);
  std::vector<MdReplicaState> states(o.glasses);
  for (int r = 0; r < o.glasses; ++r) {
    states[r].glass = static_cast<std::uint32_t>(o.first_glass + r);
    random_start(batch, r, model, o.seed, states[r].glass);
  }
  const std::int64_t sample_every = o.sample_every > 0 ? o.sample_every : std::max<std::int64_t>(1, o.steps / 100);
  const std::int64_t total = o.melt_steps + o.steps;
  Progress progress("prepare", static_cast<double>(total), "steps");

  // Random starts put particles on top of each other: a capped steepest descent removes the
  // divergent repulsions before any dynamics (initial_state.hpp).
  remove_overlaps(batch, table, OverlapRemovalParams{});

  MdParams melt;
  melt.dt = o.dt;
  melt.temperature = o.melt_temperature;
  melt.thermostat = Thermostat::nose_hoover;
  melt.tau_t = o.tau_t > 0 ? o.tau_t : 100.0 * o.dt;
  melt.seed = o.seed;
  melt.mass = model.species[0].mass;
  for (int r = 0; r < o.glasses; ++r) maxwell_boltzmann_velocities(batch, r, o.melt_temperature, melt.mass, o.seed, states[r].glass);
  const std::int64_t melt_chunk = std::max<std::int64_t>(1, std::min<std::int64_t>(o.melt_steps, 1000));
  for (std::int64_t done = 0; done < o.melt_steps;) {
    const std::int64_t k = std::min(melt_chunk, o.melt_steps - done);
    backend.run_md(batch, states, table, melt, k);
    done += k;
    progress.update(static_cast<double>(done), "melt");
  }

  MdParams swap = melt;
  swap.temperature = o.fictive_temperature;
  swap.swap_every = o.swap_every;
  swap.swap_attempts = o.swap_every > 0 ? (o.swap_attempts >= 0 ? o.swap_attempts : static_cast<int>(std::lround(1.75 * o.n))) : 0;
  // Rescale the melt's velocities to T_f so the thermostat does not start far from its target.
  const double cool = std::sqrt(o.fictive_temperature / o.melt_temperature);
  for (int r = 0; r < o.glasses; ++r)
    for (int k = 0; k < 3 * o.n; ++k) batch.vel(r)[k] *= cool;

  GlassSet g;
  g.model = model;
  g.n = o.n;
  g.box = box;
  g.fictive_temperature = o.fictive_temperature;
  g.seed = o.seed;
  g.config = prepare_config_toml(o);
  g.fs_wavenumber = o.fs_wavenumber;
  const std::size_t n3 = 3 * static_cast<std::size_t>(o.n);
  std::vector<double> start(o.glasses * n3);
  for (int r = 0; r < o.glasses; ++r) std::copy_n(batch.pos(r), n3, start.begin() + r * n3);
  const double dof = 3.0 * o.n - 3.0;
  std::vector<std::vector<double>> energy(o.glasses), temperature(o.glasses), fs(o.glasses);
  for (int r = 0; r < o.glasses; ++r) states[r].reset_statistics();
  auto sample = [&](double t) {
    g.series_time.push_back(t);
    for (int r = 0; r < o.glasses; ++r) {
      energy[r].push_back(states[r].potential_energy / o.n);
      temperature[r].push_back(2.0 * states[r].kinetic_energy / dof);
      fs[r].push_back(self_intermediate_scattering(batch.pos(r), start.data() + r * n3, o.n, o.fs_wavenumber));
    }
  };
  backend.run_md(batch, states, table, swap, 0);  // energies of the starting configuration
  sample(0.0);
  for (std::int64_t done = 0; done < o.steps;) {
    const std::int64_t k = std::min(sample_every, o.steps - done);
    backend.run_md(batch, states, table, swap, k);
    done += k;
    sample(done * o.dt);
    double e = 0.0;
    for (int r = 0; r < o.glasses; ++r) e += states[r].potential_energy / o.n;
    char extra[64];
    std::snprintf(extra, sizeof extra, "T_f=%.3f <e/N>=%.5f", o.fictive_temperature, e / o.glasses);
    progress.update(static_cast<double>(o.melt_steps + done), extra);
  }
  progress.finish();

  for (int r = 0; r < o.glasses; ++r) {
    g.ids.push_back(states[r].glass);
    g.positions.insert(g.positions.end(), batch.pos(r), batch.pos(r) + n3);
    g.velocities.insert(g.velocities.end(), batch.vel(r), batch.vel(r) + n3);
    g.species.insert(g.species.end(), batch.species(r), batch.species(r) + o.n);
    g.energy.push_back(states[r].potential_energy / o.n);
    g.swap_acceptance.push_back(states[r].swap_attempted
                                    ? static_cast<double>(states[r].swap_accepted) / states[r].swap_attempted
                                    : 0.0);
    g.series_energy.insert(g.series_energy.end(), energy[r].begin(), energy[r].end());
    g.series_temperature.insert(g.series_temperature.end(), temperature[r].begin(), temperature[r].end());
    g.series_fs.insert(g.series_fs.end(), fs[r].begin(), fs[r].end());
  }
  return g;
}

}  // namespace tlsx
