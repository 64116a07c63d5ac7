#include "tlsx/pipeline/explore.hpp"

#include <cstdio>
#include <cmath>
#include <cstring>
#include <limits>

#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/core/progress.hpp"
#include "tlsx/engine/initial_state.hpp"
#include "tlsx/engine/md_params.hpp"
#include "tlsx/engine/md_params_check.hpp"
#include "tlsx/engine/thermostats.hpp"
#include "tlsx/io/atomic_file.hpp"
#include "tlsx/io/hdf5_file.hpp"
#include "tlsx/pipeline/checkpoint.hpp"

namespace tlsx {

namespace {

constexpr const char* kCheckpointKind = "explore";

double resolved_thermostat_tau(const ExploreOptions& o) { return o.thermostat_tau > 0 ? o.thermostat_tau : 100.0 * o.dt; }

void validate(const ExploreOptions& o, const GlassSet& g) {
  if (!(o.temperature > 0.0) || !std::isfinite(o.temperature)) throw Error("explore: --temperature must be > 0");
  if (!(o.dt > 0.0) || !std::isfinite(o.dt)) throw Error("explore: --dt must be > 0");
  if (o.tau_cg < 1) throw Error("explore: --tau-cg must be at least 1 MD step");
  if (o.n_cg < 1) throw Error("explore: --n-cg must be at least 1");
  if (!(o.screen_tolerance >= 0.0) || !std::isfinite(o.screen_tolerance))
    throw Error("explore: --screen-tolerance must be >= 0 (0: one-stage quenches)");
  if (g.size() < 1) throw Error("explore: the glass set holds no glasses");
  for (const Species& s : g.model.species)
    if (s.mass != g.model.species[0].mass)
      throw Error("explore: the MD integrator assumes equal masses; model " + g.model.name + " has unequal ones");
  for (const std::int64_t id : g.ids)
    if (id < 0 || id > static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max()))
      throw Error("explore: glass id " + std::to_string(id) + " does not fit the 32-bit random-stream key");
}

}  // namespace

std::string explore_config_json(const ExploreOptions& o, bool with_n_cg) {
  JsonObject j;
  j.add("temperature", o.temperature).add("dt", o.dt).add("tau_cg", static_cast<long long>(o.tau_cg));
  if (with_n_cg) j.add("n_cg", static_cast<long long>(o.n_cg));
  j.add("thermostat", "berendsen")
      .add("thermostat_tau", resolved_thermostat_tau(o))
      .add("seed", static_cast<unsigned long>(o.seed));
  const MinimizeParams& m = o.minimize;
  JsonObject mj;
  mj.add("algorithm", minimize_algorithm_name(m.algorithm))
      .add("force_tolerance", m.force_tolerance)
      .add("max_iterations", m.max_iterations)
      .add("fire_dt_start", m.fire_dt_start)
      .add("fire_dt_max", m.fire_dt_max)
      .add("fire_dt_min", m.fire_dt_min)
      .add("fire_n_delay", m.fire_n_delay)
      .add("fire_f_inc", m.fire_f_inc)
      .add("fire_f_dec", m.fire_f_dec)
      .add("fire_alpha_start", m.fire_alpha_start)
      .add("fire_f_alpha", m.fire_f_alpha)
      .add("fire_max_step", m.fire_max_step)
      .add("cg_max_step", m.cg_max_step)
      .add("cg_curvature", m.cg_curvature);
  if (m.algorithm == MinimizeAlgorithm::lbfgs)  // (absent otherwise: earlier checkpoints stay valid)
    mj.add("lbfgs_memory", kLbfgsMemory).add("lbfgs_max_step", m.lbfgs_max_step).add("lbfgs_curvature", m.lbfgs_curvature);
  // (absent without a screen: earlier checkpoints stay valid)
  if (o.screen_tolerance > 0.0) mj.add("screen_tolerance", o.screen_tolerance).add("screen_fraction", IsRegistry::kScreenFraction);
  j.add("minimize", mj);
  j.add("is_energy_tolerance_per_particle", o.tolerance.energy_per_particle)
      .add("is_distance_tolerance", o.tolerance.distance)
      .add("skin", o.skin);
  if (with_n_cg) j.add("store_is", o.store_all_is ? "all" : "candidates");
  return j.str();
}

std::uint64_t explore_config_hash(const ExploreOptions& o, const GlassSet& g) {
  std::uint64_t h = fnv1a64(explore_config_json(o, false));
  h = fnv1a64(model_to_toml(g.model), h);
  h = fnv1a64(&g.n, sizeof g.n, h);
  h = fnv1a64(g.box.length, sizeof g.box.length, h);
  h = fnv1a64(g.ids.data(), g.ids.size() * sizeof(std::int64_t), h);
  h = fnv1a64(g.positions.data(), g.positions.size() * sizeof(double), h);
  h = fnv1a64(g.species.data(), g.species.size() * sizeof(int), h);
  return h;
}

Exploration::Exploration(const ExploreOptions& options, const GlassSet& g, bool fresh)
    : options_(options), n_(g.n), box_(g.box), table_(g.model.pair_table()) {
  validate(options_, g);
  check_md_params(md_params(), "explore");
  config_hash_ = explore_config_hash(options_, g);
  const int count = g.size();
  const double cutoff = table_.max_cutoff + options_.skin;
  md_batch_ = ReplicaBatch(n_, count, box_, cutoff, options_.skin);
  quench_batch_ = ReplicaBatch(n_, count, box_, cutoff, options_.skin);
  md_states_.assign(static_cast<std::size_t>(count), MdReplicaState{});
  glasses_.resize(static_cast<std::size_t>(count));
  const std::size_t n3 = 3 * static_cast<std::size_t>(n_);
  for (int r = 0; r < count; ++r) {
    std::copy_n(g.positions.data() + r * n3, n3, md_batch_.pos(r));
    std::copy_n(g.species.data() + static_cast<std::size_t>(r) * n_, n_, md_batch_.species(r));
    md_states_[r].glass = static_cast<std::uint32_t>(g.ids[r]);
    // A glass whose preparation blew up is not explored: its MD never starts (md_integrator.hpp).
    prepared_blown_up_.push_back(g.blown_up(r) ? 1 : 0);
    if (g.blown_up(r)) md_states_[r].status = kMdBlownUp;
    glasses_[r].glass_id = g.ids[r];
    glasses_[r].registry = IsRegistry(n_, box_, options_.tolerance);
    // The quench to T_exp: the equilibrium configuration at T_f with velocities at T_exp.
    if (fresh)
      maxwell_boltzmann_velocities(md_batch_, r, options_.temperature, g.model.species[0].mass, options_.seed,
                                   md_states_[r].glass, RngPurpose::exploration_velocities);
  }
}

Exploration::Exploration(const GlassSet& glasses, const ExploreOptions& options)
    : Exploration(options, glasses, true) {}

MdParams Exploration::md_params() const {
  MdParams p;
  p.dt = options_.dt;
  p.temperature = options_.temperature;
  p.thermostat = Thermostat::berendsen;
  p.tau_t = resolved_thermostat_tau(options_);
  p.seed = options_.seed;
  return p;
}

double Exploration::quench_time(std::int64_t k) const {
  return static_cast<double>(k + 1) * static_cast<double>(options_.tau_cg) * options_.dt;
}

// Quenches (with `params`: the first stage of a two-stage quench, or the whole) a copy of every
// active replica into quench_batch_. A blown-up replica is not quenched (its
// last good state may be far from sane); the others then go through a batch of their own, which does
// not change them (every replica's minimisation is its own).
std::vector<MinimizeResult> Exploration::quench_active(Backend& backend, const std::vector<char>& active,
                                                      const MinimizeParams& params) {
  const int count = md_batch_.size();
  std::vector<int> rows;
  for (int r = 0; r < count; ++r)
    if (active[r]) rows.push_back(r);
  if (static_cast<int>(rows.size()) == count) {
    for (int r = 0; r < count; ++r) quench_batch_.copy_replica_from(md_batch_, r, r);
    return backend.minimize(quench_batch_, table_, params);
  }
  std::vector<MinimizeResult> quenched(static_cast<std::size_t>(count));
  if (rows.empty()) return quenched;
  ReplicaBatch part(n_, static_cast<int>(rows.size()), box_, quench_batch_.list_cutoff(), quench_batch_.skin());
  for (std::size_t k = 0; k < rows.size(); ++k) part.copy_replica_from(md_batch_, rows[k], static_cast<int>(k));
  const std::vector<MinimizeResult> q = backend.minimize(part, table_, params);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    quench_batch_.copy_replica_from(part, static_cast<int>(k), rows[k]);
    quenched[static_cast<std::size_t>(rows[k])] = q[k];
  }
  return quenched;
}

void Exploration::cycle(Backend& backend) {
  const int count = md_batch_.size();
  backend.run_md(md_batch_, md_states_, table_, md_params(), options_.tau_cg);
  std::vector<char> active(static_cast<std::size_t>(count), 1);
  for (int r = 0; r < count; ++r) {
    if (md_states_[r].status == kMdBlownUp) {
      // Its quenches stop here (the log has one entry per cycle it took part in); the others go on.
      active[r] = 0;
      if (glasses_[r].log.quenches() == quenches_ && !prepared_blown_up_[r])
        std::fprintf(stderr, "explore: glass %lld blew up at MD step %llu (--dt %g too large?): its exploration "
                     "stops after %lld quenches (status 1 in the library); the other glasses go on\n",
                     static_cast<long long>(glasses_[r].glass_id),
                     static_cast<unsigned long long>(md_states_[r].step + 1), options_.dt,
                     static_cast<long long>(quenches_));
      continue;
    }
    if (!std::isfinite(md_states_[r].potential_energy) || !std::isfinite(md_states_[r].kinetic_energy))
      throw Error("explore: glass " + std::to_string(glasses_[r].glass_id) + ": MD diverged before step " +
                  std::to_string(md_states_[r].step) + " (non-finite energy); try a smaller --dt");
  }
  const double time = quench_time(quenches_);
  const std::int64_t k = quenches_;
  const bool two_stage = options_.screen_tolerance > options_.minimize.force_tolerance;
  MinimizeParams first = options_.minimize;
  if (two_stage) first.force_tolerance = options_.screen_tolerance;
  std::vector<MinimizeResult> quenched = quench_active(backend, active, first);
  // Registered IS (>= 0), failed quench, or kUnresolved: the second stage decides.
  constexpr int kUnresolved = -2;
  std::vector<int> outcome(static_cast<std::size_t>(count), kUnresolved);
  std::vector<int> finish;  // replicas whose first stage did not place them in a known IS
  for (int r = 0; r < count; ++r) {
    if (!active[r]) continue;
    ++stats_.quenches;
    const MinimizeResult& q = quenched[r];
    stats_.force_evaluations += q.force_evaluations;
    if (!q.converged() || !std::isfinite(q.energy)) {
      outcome[r] = TransitionLog::kFailedQuench;
    } else if (two_stage && q.max_force >= options_.minimize.force_tolerance) {
      const int known = glasses_[r].registry.screen(quench_batch_.pos(r), q.energy);
      if (known >= 0) {
        outcome[r] = known;
        ++stats_.screened;
      } else {
        finish.push_back(r);
      }
    }
  }
  // Second stage: from where the first stopped to the full tolerance (the minimiser's history,
  // e.g. CG's direction, starts afresh, as after a neighbour-list overflow).
  std::vector<int> row_of(static_cast<std::size_t>(count), -1);  // replica r's row in finish_batch_
  if (!finish.empty()) {
    const int m = static_cast<int>(finish.size());
    if (finish_batch_.size() != m)
      finish_batch_ = ReplicaBatch(n_, m, box_, quench_batch_.list_cutoff(), quench_batch_.skin());
    for (int j = 0; j < m; ++j) {
      finish_batch_.copy_replica_from(quench_batch_, finish[j], j);
      row_of[finish[j]] = j;
    }
    const std::vector<MinimizeResult> done = backend.minimize(finish_batch_, table_, options_.minimize);
    for (int j = 0; j < m; ++j) {
      stats_.force_evaluations += done[j].force_evaluations;
      quenched[finish[j]] = done[j];
      if (!done[j].converged() || !std::isfinite(done[j].energy)) outcome[finish[j]] = TransitionLog::kFailedQuench;
    }
  }
  // Each glass's registry is its own: register in parallel.
#pragma omp parallel for schedule(dynamic, 1)
  for (int r = 0; r < count; ++r) {
    if (!active[r]) continue;
    GlassExploration& g = glasses_[r];
    if (outcome[r] == kUnresolved) {
      const double* pos = row_of[r] >= 0 ? finish_batch_.pos(row_of[r]) : quench_batch_.pos(r);
      g.log.record(g.registry.add(pos, quenched[r].energy, time, k).id);
    } else if (outcome[r] == TransitionLog::kFailedQuench) {
      g.log.record(TransitionLog::kFailedQuench);
    } else {
      g.log.record(g.registry.revisit(outcome[r]).id);
    }
  }
  ++quenches_;
}

double Exploration::mean_md_energy_per_particle() const {
  double s = 0.0;
  for (const MdReplicaState& st : md_states_) s += st.potential_energy / n_;
  return s / static_cast<double>(md_states_.size());
}

double Exploration::mean_md_temperature() const {
  double s = 0.0;
  for (const MdReplicaState& st : md_states_) s += 2.0 * st.kinetic_energy / degrees_of_freedom(n_);
  return s / static_cast<double>(md_states_.size());
}

void Exploration::save_checkpoint(const std::string& path) const {
  write_atomically(path, [&](const std::string& tmp) {
    h5::File f = h5::File::create(tmp);
    write_checkpoint_header(f, kCheckpointKind, config_hash_, explore_config_json(options_, false));
    f.set_attribute("quenches_done", static_cast<std::int64_t>(quenches_));
    const std::size_t count = md_states_.size(), n3 = 3 * static_cast<std::size_t>(n_);
    ReplicaBatch& md = const_cast<ReplicaBatch&>(md_batch_);  // accessors are non-const only
    h5::Group g = f.create_group("md");
    g.write("positions", md.positions(), {count, n3});
    g.write("velocities", md.velocities(), {count, n3});
    // MdReplicaState is plain data (md_params.hpp): thermostat chain, step and swap counters.
    std::vector<std::uint8_t> bytes(count * sizeof(MdReplicaState));
    std::memcpy(bytes.data(), md_states_.data(), bytes.size());
    h5::Dataset s = g.write("states", bytes);
    s.set_attribute("state_size", static_cast<std::int64_t>(sizeof(MdReplicaState)));
    for (std::size_t r = 0; r < count; ++r) {
      const GlassExploration& ge = glasses_[r];
      h5::Group gg = f.create_group("glass/" + std::to_string(r));
      gg.set_attribute("glass_id", static_cast<std::int64_t>(ge.glass_id));
      const auto& is = ge.registry.structures();
      std::vector<double> energy, first_seen, pos;
      std::vector<std::int64_t> first_quench, visits;
      pos.reserve(is.size() * n3);
      for (const InherentStructure& x : is) {
        energy.push_back(x.energy);
        first_seen.push_back(x.first_seen);
        first_quench.push_back(x.first_quench);
        visits.push_back(x.visits);
        pos.insert(pos.end(), x.pos.begin(), x.pos.end());
      }
      gg.write("is_energy", energy);
      gg.write("is_first_seen", first_seen);
      gg.write("is_first_quench", first_quench);
      gg.write("is_visits", visits);
      gg.write("is_positions", pos, {is.size(), n3});
      const std::vector<int>& seq = ge.log.sequence();
      gg.write("sequence", std::vector<std::int32_t>(seq.begin(), seq.end()));
    }
    f.close();  // reports a full disk; the destructor cannot
  });
}

Exploration Exploration::resume(const std::string& path, const GlassSet& glasses, const ExploreOptions& options) {
  Exploration e(options, glasses, false);
  const h5::File f = h5::File::open(path);
  check_checkpoint_header(f, path, kCheckpointKind, e.config_hash_);
  e.quenches_ = f.attribute<std::int64_t>("quenches_done");
  if (e.quenches_ > options.n_cg)
    throw input_error(path, 0, "checkpoint has " + std::to_string(e.quenches_) + " quenches per glass, more than --n-cg " +
                                   std::to_string(options.n_cg));
  const std::size_t count = e.md_states_.size(), n3 = 3 * static_cast<std::size_t>(e.n_);
  std::vector<double> pos = f.read<double>("md/positions"), vel = f.read<double>("md/velocities");
  if (pos.size() != count * n3 || vel.size() != count * n3)
    throw input_error(path, 0, "/md arrays do not match " + std::to_string(count) + " glasses of n = " + std::to_string(e.n_));
  e.md_batch_.positions() = std::move(pos);
  e.md_batch_.velocities() = std::move(vel);
  const h5::Dataset sd = f.open_dataset("md/states");
  if (sd.attribute<std::int64_t>("state_size") != static_cast<std::int64_t>(sizeof(MdReplicaState)))
    throw input_error(path, 0, "/md/states was written by a build with a different MD state layout");
  const std::vector<std::uint8_t> bytes = sd.read<std::uint8_t>();
  if (bytes.size() != count * sizeof(MdReplicaState)) throw input_error(path, 0, "/md/states has the wrong size");
  std::memcpy(e.md_states_.data(), bytes.data(), bytes.size());
  for (std::size_t r = 0; r < count; ++r) {
    const h5::Group gg = f.open_group("glass/" + std::to_string(r));
    GlassExploration& ge = e.glasses_[r];
    if (gg.attribute<std::int64_t>("glass_id") != ge.glass_id)
      throw input_error(path, 0, "/glass/" + std::to_string(r) + " belongs to another glass");
    const std::vector<double> energy = gg.read<double>("is_energy"), first_seen = gg.read<double>("is_first_seen");
    const std::vector<std::int64_t> first_quench = gg.read<std::int64_t>("is_first_quench");
    const std::vector<std::int64_t> visits = gg.read<std::int64_t>("is_visits");
    const std::vector<double> is_pos = gg.read<double>("is_positions");
    const std::size_t m = energy.size();
    if (first_seen.size() != m || first_quench.size() != m || visits.size() != m || is_pos.size() != m * n3)
      throw input_error(path, 0, "/glass/" + std::to_string(r) + ": IS arrays disagree in length");
    for (const double u : energy)
      if (!std::isfinite(u)) throw input_error(path, 0, "/glass/" + std::to_string(r) + "/is_energy: non-finite energy");
    std::vector<InherentStructure> is(m);
    for (std::size_t k = 0; k < m; ++k) {
      is[k].id = static_cast<int>(k);
      is[k].energy = energy[k];
      is[k].first_seen = first_seen[k];
      is[k].first_quench = first_quench[k];
      is[k].visits = visits[k];
      is[k].pos.assign(is_pos.begin() + k * n3, is_pos.begin() + (k + 1) * n3);
    }
    ge.registry = IsRegistry::restore(e.n_, e.box_, options.tolerance, std::move(is));
    const std::vector<std::int32_t> seq = gg.read<std::int32_t>("sequence");
    // A glass that blew up stopped recording at that cycle: its sequence may be shorter.
    const bool blown_up = e.md_states_[r].status == kMdBlownUp;
    if (blown_up ? static_cast<std::int64_t>(seq.size()) > e.quenches_ : static_cast<std::int64_t>(seq.size()) != e.quenches_)
      throw input_error(path, 0, "/glass/" + std::to_string(r) + "/sequence has " + std::to_string(seq.size()) +
                                     " quenches, expected " + std::to_string(e.quenches_));
    for (const std::int32_t id : seq)
      if (id < TransitionLog::kFailedQuench || id >= static_cast<std::int32_t>(m))
        throw input_error(path, 0, "/glass/" + std::to_string(r) + "/sequence names an unknown IS");
    ge.log = TransitionLog::replay(std::vector<int>(seq.begin(), seq.end()));
  }
  return e;
}

Library Exploration::library(const GlassSet& g) const {
  Library lib;
  lib.stage = "explore";
  lib.model_toml = model_to_toml(g.model);
  lib.n = n_;
  lib.box = box_;
  lib.config_prepare = g.config;
  lib.config_explore = explore_config_json(options_);
  const std::size_t n3 = 3 * static_cast<std::size_t>(n_);
  LibraryGlasses& gl = lib.glasses;
  LibraryInherentStructures& it = lib.inherent_structures;
  LibraryTransitions& tr = lib.transitions;
  LibraryExploration& ex = lib.exploration;
  ex.sequence_offset.push_back(0);
  for (std::size_t r = 0; r < glasses_.size(); ++r) {
    const GlassExploration& ge = glasses_[r];
    const std::int64_t row = static_cast<std::int64_t>(r);
    gl.id.push_back(ge.glass_id);
    gl.fictive_temperature.push_back(g.fictive_temperature);
    gl.exploration_temperature.push_back(options_.temperature);
    gl.dt.push_back(options_.dt);
    gl.tau_cg.push_back(options_.tau_cg);
    gl.quenches.push_back(ge.log.quenches());
    gl.failed_quenches.push_back(ge.log.failed_quenches());
    gl.n_is.push_back(ge.registry.size());
    gl.n_candidates.push_back(ge.log.candidate_count());
    gl.initial_energy.push_back(r < g.energy.size() ? g.energy[r] : std::nan(""));
    gl.status.push_back(static_cast<std::int32_t>(
        g.blown_up(static_cast<int>(r)) ? GlassStatus::blown_up_prepare
        : md_states_[r].status == kMdBlownUp ? GlassStatus::blown_up_explore
                                             : GlassStatus::explored));
    gl.species.insert(gl.species.end(), g.species.begin() + r * n_, g.species.begin() + (r + 1) * n_);

    const std::vector<IsPairTransitions> pairs = ge.log.pairs();
    std::vector<bool> in_candidate(static_cast<std::size_t>(ge.registry.size()), false);
    for (const IsPairTransitions& p : pairs) {
      tr.glass.push_back(row);
      tr.is_a.push_back(p.is_a);
      tr.is_b.push_back(p.is_b);
      tr.count_ab.push_back(p.count_ab);
      tr.count_ba.push_back(p.count_ba);
      tr.first_candidate_quench.push_back(p.first_candidate_quench);
      tr.first_candidate_time.push_back(p.candidate() ? quench_time(p.first_candidate_quench) : std::nan(""));
      if (p.candidate()) in_candidate[p.is_a] = in_candidate[p.is_b] = true;
    }
    for (const InherentStructure& s : ge.registry.structures()) {
      it.glass.push_back(row);
      it.id.push_back(s.id);
      it.energy.push_back(s.energy);
      it.first_seen.push_back(s.first_seen);
      it.first_quench.push_back(s.first_quench);
      it.visits.push_back(s.visits);
      if (options_.store_all_is || in_candidate[static_cast<std::size_t>(s.id)]) {
        it.coordinate_row.push_back(static_cast<std::int64_t>(it.coordinates.size() / n3));
        it.coordinates.insert(it.coordinates.end(), s.pos.begin(), s.pos.end());
      } else {
        it.coordinate_row.push_back(-1);
      }
    }
    const std::vector<int>& seq = ge.log.sequence();
    ex.sequence.insert(ex.sequence.end(), seq.begin(), seq.end());
    ex.sequence_offset.push_back(static_cast<std::int64_t>(ex.sequence.size()));
    for (const std::int64_t len : ge.log.persistence_runs()) {
      ex.persistence_glass.push_back(row);
      ex.persistence_quenches.push_back(len);
    }
  }
  return lib;
}

StageRunResult run_exploration(Exploration& e, Backend& backend, const StageRunControl& control) {
  Progress progress("explore", static_cast<double>(e.options().n_cg), "quenches");
  StageSteps steps;
  steps.finished = [&e] { return e.finished(); };
  steps.step = [&e, &backend] { e.cycle(backend); };
  steps.save_checkpoint = [&e](const std::string& path) { e.save_checkpoint(path); };
  steps.report = [&e](Progress& line) {
    double n_is = 0.0;
    std::int64_t candidates = 0;
    for (const GlassExploration& g : e.glasses()) {
      n_is += g.registry.size();
      candidates += g.log.candidate_count();
    }
    char extra[160];
    std::snprintf(extra, sizeof extra, "T=%.3f e/N=%.4f n_IS/glass=%.1f candidates=%lld", e.mean_md_temperature(),
                  e.mean_md_energy_per_particle(), n_is / static_cast<double>(e.glasses().size()),
                  static_cast<long long>(candidates));
    line.update(static_cast<double>(e.quenches_done()), extra);
  };
  return run_checkpointed(steps, progress, control);
}

}  // namespace tlsx
