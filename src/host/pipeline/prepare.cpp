#include "tlsx/pipeline/prepare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>

#include "tlsx/core/error.hpp"
#include "tlsx/core/progress.hpp"
#include "tlsx/engine/initial_state.hpp"
#include "tlsx/engine/md_params_check.hpp"
#include "tlsx/engine/thermostats.hpp"
#include "tlsx/io/atomic_file.hpp"
#include "tlsx/io/hdf5_file.hpp"
#include "tlsx/pipeline/checkpoint.hpp"

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
  s << "n = " << o.n << "\nglasses = " << o.glasses << "\nfirst_glass = " << o.first_glass;
  // Only a strided (sharded) set says so: an unsharded run's text, hash and checkpoints stay as before.
  if (o.glass_stride != 1) s << "\nglass_stride = " << o.glass_stride;
  s << "\nfictive_temperature = " << o.fictive_temperature << "\nseed = " << o.seed
    << "\nmelt_temperature = " << o.melt_temperature << "\nmelt_steps = " << o.melt_steps << "\nsteps = " << o.steps
    << "\ndt = " << o.dt << "\nswap_every = " << o.swap_every << "\nswap_attempts = " << o.swap_attempts
    << "\ntau_t = " << o.tau_t << "\nsample_every = " << o.sample_every << "\nfs_wavenumber = " << o.fs_wavenumber
    << "\n";
  return s.str();
}

std::uint64_t prepare_config_hash(const PrepareOptions& o, const Model& model) {
  return fnv1a64(model_to_toml(model), fnv1a64(prepare_config_toml(o)));
}

namespace {

constexpr const char* kCheckpointKind = "prepare";
constexpr double kSkin = 0.3;  // neighbour-list skin

void validate(const PrepareOptions& o, const Model& model) {
  if (o.n <= 0 || o.glasses <= 0) throw Error("prepare: n and glasses must be positive");
  if (!(o.dt > 0.0) || !std::isfinite(o.dt)) throw Error("prepare: --dt must be > 0");
  if (!(o.fictive_temperature > 0.0) || !std::isfinite(o.fictive_temperature))
    throw Error("prepare: --temperature must be > 0");
  if (!(o.melt_temperature > 0.0) || !std::isfinite(o.melt_temperature))
    throw Error("prepare: --melt-temperature must be > 0");
  if (o.melt_steps < 0 || o.steps < 0 || o.sample_every < 0 || o.swap_every < 0)
    throw Error("prepare: step counts must be >= 0");
  if (o.glass_stride < 1) throw Error("prepare: --glass-stride must be >= 1");
  const std::int64_t last_glass = o.first_glass + (o.glasses - 1) * o.glass_stride;
  if (o.first_glass < 0 || last_glass > static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max()))
    throw Error("prepare: glass ids " + std::to_string(o.first_glass) + ".." + std::to_string(last_glass) +
                " do not fit the 32-bit random-stream key");
  for (const Species& s : model.species)
    if (s.mass != model.species[0].mass)
      throw Error("prepare: the MD integrator assumes equal masses; model " + model.name + " has unequal ones");
}

}  // namespace

Preparation::Preparation(const PrepareOptions& options, const Model& model, bool fresh)
    : options_(options), model_(model), table_(model.pair_table()) {
  validate(options_, model_);
  check_md_params(melt_params(), "prepare (melt)");
  check_md_params(swap_params(), "prepare");
  config_hash_ = prepare_config_hash(options_, model_);
  const PrepareOptions& o = options_;
  sample_every_ = o.sample_every > 0 ? o.sample_every : std::max<std::int64_t>(1, o.steps / 100);
  const Box box = Box::cubic(model_.box_length(o.n));
  if (box.min_length() < 2.0 * (table_.max_cutoff + kSkin))
    throw Error("prepare: a box of " + std::to_string(o.n) + " particles (edge " + std::to_string(box.length[0]) +
                ") is too small for the cutoff " + std::to_string(table_.max_cutoff) + " + skin " +
                std::to_string(kSkin) + ": use more particles");
  batch_ = ReplicaBatch(o.n, o.glasses, box, table_.max_cutoff + kSkin, kSkin);
  states_.assign(static_cast<std::size_t>(o.glasses), MdReplicaState{});
  series_energy_.resize(static_cast<std::size_t>(o.glasses));
  series_temperature_.resize(static_cast<std::size_t>(o.glasses));
  series_fs_.resize(static_cast<std::size_t>(o.glasses));
  for (int r = 0; r < o.glasses; ++r) states_[r].glass = static_cast<std::uint32_t>(glass_id(o, r));
  if (!fresh) return;
  for (int r = 0; r < o.glasses; ++r) random_start(batch_, r, model_, o.seed, states_[r].glass);
  // Random starts put particles on top of each other: a capped steepest descent removes the
  // divergent repulsions before any dynamics (initial_state.hpp).
  remove_overlaps(batch_, table_, OverlapRemovalParams{});
  for (int r = 0; r < o.glasses; ++r)
    maxwell_boltzmann_velocities(batch_, r, o.melt_temperature, model_.species[0].mass, o.seed, states_[r].glass);
}

Preparation::Preparation(const PrepareOptions& options, const Model& model) : Preparation(options, model, true) {}

MdParams Preparation::melt_params() const {
  MdParams p;
  p.dt = options_.dt;
  p.temperature = options_.melt_temperature;
  p.thermostat = Thermostat::nose_hoover;
  p.tau_t = options_.tau_t > 0 ? options_.tau_t : 100.0 * options_.dt;
  p.seed = options_.seed;
  p.mass = model_.species[0].mass;
  return p;
}

MdParams Preparation::swap_params() const {
  const PrepareOptions& o = options_;
  MdParams p = melt_params();
  p.temperature = o.fictive_temperature;
  p.swap_every = o.swap_every;
  p.swap_attempts =
      o.swap_every > 0 ? (o.swap_attempts >= 0 ? o.swap_attempts : static_cast<int>(std::lround(1.75 * o.n))) : 0;
  return p;
}

void Preparation::run_block(Backend& backend, const MdParams& p, std::int64_t steps) {
  std::vector<char> was_blown_up(states_.size());
  for (std::size_t r = 0; r < states_.size(); ++r) was_blown_up[r] = states_[r].status == kMdBlownUp;
  backend.run_md(batch_, states_, table_, p, steps);
  for (std::size_t r = 0; r < states_.size(); ++r) {
    const MdReplicaState& s = states_[r];
    if (s.status == kMdBlownUp) {
      // The other glasses go on; this one keeps its last good state and is marked in the output.
      if (!was_blown_up[r])
        std::fprintf(stderr, "prepare: glass %u blew up at MD step %llu (--dt %g too large?); its last good state is "
                     "kept, marked status 1 in the glass set, and the other glasses go on\n",
                     s.glass, static_cast<unsigned long long>(s.step + 1), p.dt);
      continue;
    }
    if (!std::isfinite(s.potential_energy) || !std::isfinite(s.kinetic_energy))
      throw Error("prepare: glass " + std::to_string(s.glass) + ": MD diverged before step " +
                  std::to_string(s.step) + " (non-finite energy); try a smaller --dt");
  }
  std::size_t blown = 0;
  for (const MdReplicaState& s : states_) blown += s.status == kMdBlownUp;
  if (blown == states_.size()) throw Error("prepare: the MD of every glass blew up: try a smaller --dt");
}

void Preparation::sample() {
  const int n = options_.n;
  const std::size_t n3 = 3 * static_cast<std::size_t>(n);
  series_time_.push_back(static_cast<double>(swap_done_) * options_.dt);
  for (int r = 0; r < options_.glasses; ++r) {
    series_energy_[r].push_back(states_[r].potential_energy / n);
    series_temperature_[r].push_back(2.0 * states_[r].kinetic_energy / degrees_of_freedom(n));
    series_fs_[r].push_back(
        self_intermediate_scattering(batch_.pos(r), start_.data() + r * n3, n, options_.fs_wavenumber));
  }
}

void Preparation::begin_sampling(Backend& backend) {
  // Rescale the melt's velocities to T_f so the thermostat does not start far from its target.
  const double cool = std::sqrt(options_.fictive_temperature / options_.melt_temperature);
  for (double& v : batch_.velocities()) v *= cool;
  start_ = batch_.positions();  // t = 0 of F_s
  for (MdReplicaState& s : states_) s.reset_statistics();
  run_block(backend, swap_params(), 0);  // energies of the starting configuration
  sampling_ = true;
  sample();
}

void Preparation::advance(Backend& backend) {
  if (finished()) return;
  if (!sampling_) {
    if (melt_done_ < options_.melt_steps) {
      const std::int64_t k = std::min(kMeltChunk, options_.melt_steps - melt_done_);
      run_block(backend, melt_params(), k);
      melt_done_ += k;
    }
    if (melt_done_ >= options_.melt_steps) begin_sampling(backend);
    return;
  }
  const std::int64_t k = std::min(sample_every_, options_.steps - swap_done_);
  run_block(backend, swap_params(), k);
  swap_done_ += k;
  sample();
}

double Preparation::mean_energy_per_particle() const {
  double e = 0.0;
  for (const MdReplicaState& s : states_) e += s.potential_energy / options_.n;
  return e / static_cast<double>(states_.size());
}

GlassSet Preparation::glass_set() const {
  const PrepareOptions& o = options_;
  GlassSet g;
  g.model = model_;
  g.n = o.n;
  g.box = batch_.box();
  g.fictive_temperature = o.fictive_temperature;
  g.seed = o.seed;
  g.config = prepare_config_toml(o);
  g.fs_wavenumber = o.fs_wavenumber;
  g.series_time = series_time_;
  const std::size_t n3 = 3 * static_cast<std::size_t>(o.n);
  for (int r = 0; r < o.glasses; ++r) {
    const MdReplicaState& s = states_[r];
    g.ids.push_back(s.glass);
    g.positions.insert(g.positions.end(), batch_.pos(r), batch_.pos(r) + n3);
    g.velocities.insert(g.velocities.end(), batch_.vel(r), batch_.vel(r) + n3);
    g.species.insert(g.species.end(), batch_.species(r), batch_.species(r) + o.n);
    g.energy.push_back(s.potential_energy / o.n);
    g.swap_acceptance.push_back(s.swap_attempted ? static_cast<double>(s.swap_accepted) / s.swap_attempted : 0.0);
    g.status.push_back(s.status == kMdBlownUp ? 1 : 0);
    g.series_energy.insert(g.series_energy.end(), series_energy_[r].begin(), series_energy_[r].end());
    g.series_temperature.insert(g.series_temperature.end(), series_temperature_[r].begin(),
                                series_temperature_[r].end());
    g.series_fs.insert(g.series_fs.end(), series_fs_[r].begin(), series_fs_[r].end());
  }
  return g;
}

namespace {

std::vector<double> flatten(const std::vector<std::vector<double>>& rows) {
  std::vector<double> out;
  for (const std::vector<double>& row : rows) out.insert(out.end(), row.begin(), row.end());
  return out;
}

}  // namespace

// Checkpoint layout (HDF5, written atomically):
//   /  attrs: checkpoint header (checkpoint.hpp), melt_done, swap_done, sampling (0/1)
//   /replicas/positions, velocities [G][3n]; species [G][n]; states (MdReplicaState bytes, attr state_size)
//   /series/start [G][3n] (when sampling), time [S], energy, temperature, fs [G][S]
void Preparation::save_checkpoint(const std::string& path) const {
  write_atomically(path, [&](const std::string& tmp) {
    h5::File f = h5::File::create(tmp);
    write_checkpoint_header(f, kCheckpointKind, config_hash_, prepare_config_toml(options_));
    f.set_attribute("melt_done", static_cast<std::int64_t>(melt_done_));
    f.set_attribute("swap_done", static_cast<std::int64_t>(swap_done_));
    f.set_attribute("sampling", static_cast<std::int64_t>(sampling_ ? 1 : 0));
    const std::size_t count = states_.size(), n = static_cast<std::size_t>(options_.n), n3 = 3 * n;
    h5::Group rg = f.create_group("replicas");
    rg.write("positions", std::vector<double>(batch_.pos(0), batch_.pos(0) + count * n3), {count, n3});
    rg.write("velocities", std::vector<double>(batch_.vel(0), batch_.vel(0) + count * n3), {count, n3});
    rg.write("species", std::vector<std::int32_t>(batch_.species(0), batch_.species(0) + count * n), {count, n});
    // MdReplicaState is plain data (md_params.hpp): Nose-Hoover chain, step and swap counters,
    // swap statistics, energies.
    std::vector<std::uint8_t> bytes(count * sizeof(MdReplicaState));
    std::memcpy(bytes.data(), states_.data(), bytes.size());
    rg.write("states", bytes).set_attribute("state_size", static_cast<std::int64_t>(sizeof(MdReplicaState)));
    h5::Group sg = f.create_group("series");
    const std::size_t s = series_time_.size();
    sg.write("start", start_, {start_.empty() ? 0 : count, n3});
    sg.write("time", series_time_);
    sg.write("energy", flatten(series_energy_), {count, s});
    sg.write("temperature", flatten(series_temperature_), {count, s});
    sg.write("fs", flatten(series_fs_), {count, s});
    f.close();  // reports a full disk; the destructor cannot
  });
}

Preparation Preparation::resume(const std::string& path, const PrepareOptions& options, const Model& model) {
  Preparation p(options, model, false);
  const h5::File f = h5::File::open(path);
  check_checkpoint_header(f, path, kCheckpointKind, p.config_hash_);
  p.melt_done_ = f.attribute<std::int64_t>("melt_done");
  p.swap_done_ = f.attribute<std::int64_t>("swap_done");
  p.sampling_ = f.attribute<std::int64_t>("sampling") != 0;
  if (p.melt_done_ < 0 || p.melt_done_ > options.melt_steps || p.swap_done_ < 0 || p.swap_done_ > options.steps ||
      (!p.sampling_ && p.swap_done_ != 0) || (p.sampling_ && p.melt_done_ != options.melt_steps))
    throw input_error(path, 0, "inconsistent step counters (melt " + std::to_string(p.melt_done_) + ", swap " +
                                   std::to_string(p.swap_done_) + ")");
  const std::size_t count = p.states_.size(), n = static_cast<std::size_t>(options.n), n3 = 3 * n;
  std::vector<double> pos = f.read<double>("replicas/positions"), vel = f.read<double>("replicas/velocities");
  const std::vector<std::int32_t> species = f.read<std::int32_t>("replicas/species");
  if (pos.size() != count * n3 || vel.size() != count * n3 || species.size() != count * n)
    throw input_error(path, 0, "/replicas arrays do not match " + std::to_string(count) + " glasses of n = " +
                                   std::to_string(n));
  p.batch_.positions() = std::move(pos);
  p.batch_.velocities() = std::move(vel);
  p.batch_.species_array().assign(species.begin(), species.end());
  const h5::Dataset sd = f.open_dataset("replicas/states");
  if (sd.attribute<std::int64_t>("state_size") != static_cast<std::int64_t>(sizeof(MdReplicaState)))
    throw input_error(path, 0, "/replicas/states was written by a build with a different MD state layout");
  const std::vector<std::uint8_t> bytes = sd.read<std::uint8_t>();
  if (bytes.size() != count * sizeof(MdReplicaState)) throw input_error(path, 0, "/replicas/states has the wrong size");
  std::memcpy(p.states_.data(), bytes.data(), bytes.size());
  for (std::size_t r = 0; r < count; ++r)
    if (p.states_[r].glass != static_cast<std::uint32_t>(glass_id(options, r)))
      throw input_error(path, 0, "/replicas/states: replica " + std::to_string(r) + " belongs to another glass");

  p.start_ = f.read<double>("series/start");
  p.series_time_ = f.read<double>("series/time");
  const std::size_t s = p.series_time_.size();
  // One sample at t = 0, then one per completed block.
  const std::size_t expected = p.sampling_ ? 1 + static_cast<std::size_t>((p.swap_done_ + p.sample_every_ - 1) /
                                                                           p.sample_every_)
                                           : 0;
  if (s != expected || p.start_.size() != (p.sampling_ ? count * n3 : 0))
    throw input_error(path, 0, "/series holds " + std::to_string(s) + " samples, expected " + std::to_string(expected));
  const char* names[] = {"energy", "temperature", "fs"};
  std::vector<std::vector<double>>* rows[] = {&p.series_energy_, &p.series_temperature_, &p.series_fs_};
  for (int k = 0; k < 3; ++k) {
    const std::vector<double> flat = f.read<double>(std::string("series/") + names[k]);
    if (flat.size() != count * s) throw input_error(path, 0, std::string("/series/") + names[k] + " has the wrong size");
    for (std::size_t r = 0; r < count; ++r) (*rows[k])[r].assign(flat.begin() + r * s, flat.begin() + (r + 1) * s);
  }
  return p;
}

StageRunResult run_preparation(Preparation& p, Backend& backend, const StageRunControl& control) {
  // The progress line (rate, ETA) counts the steps of this call, so a resumed run's ETA is right.
  const std::int64_t first = p.steps_done(), total = p.total_steps();
  Progress progress("prepare", static_cast<double>(std::max<std::int64_t>(total - first, 0)), "steps");
  StageSteps steps;
  steps.finished = [&p] { return p.finished(); };
  steps.step = [&p, &backend] { p.advance(backend); };
  steps.save_checkpoint = [&p](const std::string& path) { p.save_checkpoint(path); };
  steps.report = [&p, first, total](Progress& line) {
    char extra[128];
    std::snprintf(extra, sizeof extra, "step %lld/%lld %s T=%.3f <e/N>=%.5f", static_cast<long long>(p.steps_done()),
                  static_cast<long long>(total), p.melting() ? "melt" : "swap",
                  p.melting() ? p.options().melt_temperature : p.options().fictive_temperature,
                  p.mean_energy_per_particle());
    line.update(static_cast<double>(p.steps_done() - first), extra);
  };
  return run_checkpointed(steps, progress, control);
}

GlassSet prepare_glasses(const PrepareOptions& o, const Model& model, Backend& backend) {
  Preparation p(o, model);
  StageRunControl control;
  control.checkpoint_every = 0;
  run_preparation(p, backend, control);
  return p.glass_set();
}

}  // namespace tlsx
