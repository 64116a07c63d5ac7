#include "tlsx/pipeline/neb_stage.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/core/progress.hpp"
#include "tlsx/io/atomic_file.hpp"
#include "tlsx/io/hdf5_file.hpp"
#include "tlsx/model/model.hpp"
#include "tlsx/neb/atomistic_surface.hpp"
#include "tlsx/neb/surface_batcher.hpp"
#include "tlsx/pipeline/checkpoint.hpp"

namespace tlsx {

namespace {

constexpr const char* kCheckpointKind = "neb";
const double kNaN = std::numeric_limits<double>::quiet_NaN();

void validate(const NebStageOptions& o, const Library& lib) {
  if (o.images < 3) throw Error("neb: --images must be at least 3 (two minima and one moving image)");
  if (o.method == PathMethod::neb && !(o.spring > 0.0)) throw Error("neb: --spring must be > 0");
  if (!(o.force_tolerance > 0.0)) throw Error("neb: --ftol must be > 0");
  if (o.max_iterations < 1) throw Error("neb: --max-iterations must be at least 1");
  if (!(o.minimize_tolerance > 0.0)) throw Error("neb: --min-ftol must be > 0");
  if (o.max_bands < 1) throw Error("neb: --max-bands must be at least 1");
  if (o.pairs_in_flight < 1) throw Error("neb: --pairs-in-flight must be at least 1");
  if (lib.stage != "explore")
    throw Error("neb: the input library is at stage '" + lib.stage + "'; tlsx neb reads the output of tlsx explore");
  if (lib.n < 1) throw Error("neb: the input library has no particles");
}

// The columns of /double_wells that the stage fills, one visitor call per column (checkpoint I/O).
template <class Visit>
void for_each_column(LibraryDoubleWells& d, Visit&& visit) {
  for_each_neb_column([&](const LibraryColumn& c, auto column) { visit(c.name, d.*column); });
}

// Whether m is the inherent structure (energy, x): connect_minima's test (ConnectParams::same_minimum)
// as the atomistic surface applies it, minimum image per particle and the rigid translation removed.
bool same_minimum(const Library& lib, const ConnectParams& p, double energy, const double* x, const Minimum& m) {
  if (x == nullptr || !p.same_minimum(energy, m.energy, 0.0)) return false;  // the energy alone rules most out
  std::vector<double> d(3 * static_cast<std::size_t>(lib.n));
  minimum_image_displacement(lib.box, lib.n, x, m.x.data(), d.data());
  return p.same_minimum(energy, m.energy, largest_particle_displacement(std::move(d), lib.n, 3, true));
}

// The id of the input library's inherent structure of `glass` that m is, or -1.
int match_input_minimum(const Library& lib, const ConnectParams& p, std::int64_t glass, const Minimum& m) {
  const LibraryInherentStructures& is = lib.inherent_structures;
  for (std::size_t row = 0; row < is.size(); ++row)
    if (is.glass[row] == glass && same_minimum(lib, p, is.energy[row], lib.coordinates(static_cast<std::int64_t>(row)), m))
      return is.id[row];
  return -1;
}

// The dynamics sampled the transition between IS a and b of `glass` (a /transitions row exists).
bool sampled_by_dynamics(const Library& lib, std::int64_t glass, int a, int b) {
  const int lo = std::min(a, b), hi = std::max(a, b);
  const LibraryTransitions& t = lib.transitions;
  for (std::size_t k = 0; k < t.size(); ++k)
    if (t.glass[k] == glass && t.is_a[k] == lo && t.is_b[k] == hi) return true;
  return false;
}

// The path search of one item: depends on the input library and the parameters only (no rows of
// this stage), so items can run in any order and at once. nullopt: coordinates not stored.
std::optional<ConnectResult> search_item(SurfaceBatcher& batcher, const Library& lib, const ConnectParams& params,
                                         const NebWorkItem& item) {
  const IsRowIndex rows(lib.inherent_structures);
  const std::int64_t row_a = rows(item.glass, item.is_a), row_b = rows(item.glass, item.is_b);
  const double* a = row_a >= 0 ? lib.coordinates(row_a) : nullptr;
  const double* b = row_b >= 0 ? lib.coordinates(row_b) : nullptr;
  if (a == nullptr || b == nullptr) return std::nullopt;
  const std::size_t n = static_cast<std::size_t>(lib.n);
  const std::int64_t glass = item.glass;
  AtomisticSurface surface(batcher, std::vector<int>(lib.glasses.species.begin() + glass * n,
                                                     lib.glasses.species.begin() + (glass + 1) * n));
  surface.minimize_params.algorithm = MinimizeAlgorithm::cg;
  // Elementary pairs of a split path that the dynamics sampled are not run (paper Sec. II D).
  const KnownPair known = [&](const Minimum& u, const Minimum& v) {
    const int iu = match_input_minimum(lib, params, glass, u), iv = match_input_minimum(lib, params, glass, v);
    return iu >= 0 && iv >= 0 && sampled_by_dynamics(lib, glass, iu, iv);
  };
  return connect_minima(surface, std::vector<double>(a, a + 3 * n), std::vector<double>(b, b + 3 * n), params, known);
}

}  // namespace

// The searches in flight: a stream of jobs on one SurfaceBatcher, job k = item first + k.
struct NebStage::Searches {
  Backend* backend;
  std::size_t first;
  std::mutex mutex;  // guards results
  std::vector<std::optional<ConnectResult>> results;
  SurfaceBatcher batcher;  // last: destroyed first, cancelling the jobs before the results go

  Searches(Backend& b, const PairTable& table, const Box& box, double skin, std::size_t first_item, std::size_t count)
      : backend(&b), first(first_item), results(count), batcher(b, table, box, skin) {}
};

NebStage::NebStage(NebStage&&) noexcept = default;
NebStage& NebStage::operator=(NebStage&&) noexcept = default;
NebStage::~NebStage() = default;

std::string neb_config_json(const NebStageOptions& o) {
  JsonObject j;
  j.add("method", o.method == PathMethod::neb ? "neb" : "string")
      .add("images", o.images)
      .add("spring", o.spring)
      .add("force_tolerance", o.force_tolerance)
      .add("max_iterations", static_cast<long long>(o.max_iterations))
      .add("climb", o.climb)
      .add("climb_start_tolerance", o.climb_start_tolerance)
      .add("optimizer", o.optimizer == BandOptimizer::lbfgs ? "lbfgs" : "fire")
      .add("minimize_tolerance", o.minimize_tolerance)
      .add("max_bands", o.max_bands)
      .add("skin", o.skin);
  const NebParams defaults;
  j.add("intermediate_depth", defaults.intermediate_depth).add("fire_dt_max", defaults.fire.dt_max);
  return j.str();
}

ConnectParams connect_params(const NebStageOptions& o) {
  ConnectParams p;
  p.neb.method = o.method;
  p.neb.images = o.images;
  p.neb.spring = o.spring;
  p.neb.force_tolerance = o.force_tolerance;
  p.neb.max_iterations = o.max_iterations;
  p.neb.climb = o.climb;
  p.neb.climb_start_tolerance = o.climb_start_tolerance;
  p.neb.optimizer = o.optimizer;
  p.minimize_tolerance = o.minimize_tolerance;
  p.max_bands = o.max_bands;
  return p;
}

std::uint64_t neb_config_hash(const NebStageOptions& o, const Library& lib) {
  std::uint64_t h = fnv1a64(neb_config_json(o));
  h = fnv1a64(lib.model_toml, h);
  h = fnv1a64(lib.config_explore, h);
  h = fnv1a64(&lib.n, sizeof lib.n, h);
  const LibraryInherentStructures& is = lib.inherent_structures;
  h = fnv1a64(is.energy.data(), is.energy.size() * sizeof(double), h);
  h = fnv1a64(is.coordinates.data(), is.coordinates.size() * sizeof(double), h);
  const LibraryTransitions& t = lib.transitions;
  h = fnv1a64(t.is_a.data(), t.is_a.size() * sizeof(std::int32_t), h);
  h = fnv1a64(t.is_b.data(), t.is_b.size() * sizeof(std::int32_t), h);
  h = fnv1a64(t.count_ab.data(), t.count_ab.size() * sizeof(std::int64_t), h);
  h = fnv1a64(t.count_ba.data(), t.count_ba.size() * sizeof(std::int64_t), h);
  return h;
}

NebStage::NebStage(const Library& explored, const NebStageOptions& options)
    : in_(&explored), options_(options), params_(connect_params(options)) {
  validate(options_, explored);
  config_hash_ = neb_config_hash(options_, explored);
  const LibraryTransitions& t = explored.transitions;
  for (std::size_t k = 0; k < t.size(); ++k)
    if (t.candidate(k)) items_.push_back({static_cast<std::int64_t>(k), t.glass[k], t.is_a[k], t.is_b[k]});
  dw_.images = options_.images;
}

int NebStage::match_minimum(std::int64_t glass, const Minimum& m) const {
  const int id = match_input_minimum(*in_, params_, glass, m);
  if (id >= 0) return id;
  const std::size_t n3 = 3 * static_cast<std::size_t>(in_->n);
  for (std::size_t k = 0; k < new_is_.size(); ++k)
    if (new_is_.glass[k] == glass && same_minimum(*in_, params_, new_is_.energy[k], new_is_.coordinates.data() + k * n3, m))
      return new_is_.id[k];
  return -1;
}

int NebStage::add_minimum(std::int64_t glass, const Minimum& m) {
  int id = 0;
  const LibraryInherentStructures& is = in_->inherent_structures;
  for (std::size_t row = 0; row < is.size(); ++row)
    if (is.glass[row] == glass) id = std::max(id, is.id[row] + 1);
  for (std::size_t k = 0; k < new_is_.size(); ++k)
    if (new_is_.glass[k] == glass) id = std::max(id, new_is_.id[k] + 1);
  new_is_.glass.push_back(glass);
  new_is_.id.push_back(id);
  new_is_.energy.push_back(m.energy);
  new_is_.first_seen.push_back(kNaN);
  new_is_.first_quench.push_back(-1);
  new_is_.visits.push_back(0);
  new_is_.coordinate_row.push_back(static_cast<std::int64_t>(new_is_.size()) - 1);
  new_is_.coordinates.insert(new_is_.coordinates.end(), m.x.begin(), m.x.end());
  return id;
}

bool NebStage::is_known_pair(std::int64_t glass, int a, int b) const {
  if (sampled_by_dynamics(*in_, glass, a, b)) return true;
  // Already a row of this stage (from an earlier split).
  const int lo = std::min(a, b), hi = std::max(a, b);
  for (std::size_t k = 0; k < dw_.size(); ++k)
    if (dw_.glass[k] == glass && std::min(dw_.is_a[k], dw_.is_b[k]) == lo && std::max(dw_.is_a[k], dw_.is_b[k]) == hi)
      return true;
  return false;
}

void NebStage::add_row(const NebWorkItem& item, int is_first, int is_second, double e_first, double e_second,
                       const DoubleWell* dw, DoubleWellStatus status, const std::string& reason) {
  // The lower minimum is "a" (paper Fig. 5, left); the double well's own orientation decides.
  const bool swap = dw != nullptr ? !dw->first_is_lower : e_second < e_first;
  dw_.glass.push_back(item.glass);
  dw_.is_a.push_back(swap ? is_second : is_first);
  dw_.is_b.push_back(swap ? is_first : is_second);
  dw_.source_a.push_back(item.is_a);
  dw_.source_b.push_back(item.is_b);
  dw_.first_candidate_time.push_back(in_->transitions.first_candidate_time[static_cast<std::size_t>(item.transition_row)]);
  dw_.energy_a.push_back(swap ? e_second : e_first);
  dw_.energy_b.push_back(swap ? e_first : e_second);
  const std::size_t images = static_cast<std::size_t>(options_.images);
  if (dw != nullptr) {
    dw_.V_a.push_back(dw->barrier);
    dw_.dV.push_back(dw->asymmetry);
    dw_.V_b.push_back(dw->barrier_height);
    dw_.distance.push_back(dw->distance);
    dw_.distance_per_particle.push_back(dw->d);
    dw_.arc_length.push_back(dw->arc_length);
    dw_.participation_ratio.push_back(dw->participation_ratio);
    dw_.omega_1.push_back(dw->omega_1);
    dw_.omega_2.push_back(dw->omega_2);
    dw_.omega_ts.push_back(dw->omega_ts);
    dw_.mep_s.insert(dw_.mep_s.end(), dw->s.begin(), dw->s.end());
    dw_.mep_energy.insert(dw_.mep_energy.end(), dw->v.begin(), dw->v.end());
    dw_.mep_slope.insert(dw_.mep_slope.end(), dw->slope.begin(), dw->slope.end());
  } else {
    for (std::vector<double>* c : {&dw_.V_a, &dw_.dV, &dw_.V_b, &dw_.distance, &dw_.distance_per_particle,
                                   &dw_.arc_length, &dw_.participation_ratio, &dw_.omega_1, &dw_.omega_2, &dw_.omega_ts})
      c->push_back(kNaN);
    dw_.mep_s.insert(dw_.mep_s.end(), images, kNaN);
    dw_.mep_energy.insert(dw_.mep_energy.end(), images, kNaN);
    dw_.mep_slope.insert(dw_.mep_slope.end(), images, kNaN);
  }
  dw_.status.push_back(static_cast<std::int32_t>(status));
  dw_.reason.push_back(reason);
}

std::size_t NebStage::items_searched() const {
  if (!searches_) return next_;
  return searches_->first + static_cast<std::size_t>(searches_->batcher.jobs_ended());
}

void NebStage::step(Backend& backend) {
  if (finished()) return;
  if (searches_ && searches_->backend != &backend) throw Error("neb: NebStage::step called with another backend");
  if (!searches_) {
    // Start the stream at the next item: pairs_in_flight searches at once, the next starting as
    // soon as one ends. They only read the input library (search_item).
    const std::size_t count = items_.size() - next_;
    const PairTable table = model_from_toml_text(in_->model_toml, "the input library's model").pair_table();
    searches_ = std::make_unique<Searches>(backend, table, in_->box, options_.skin, next_, count);
    Searches* s = searches_.get();
    const Library* lib = in_;
    const ConnectParams params = params_;
    const std::vector<NebWorkItem> items(items_.begin() + static_cast<std::ptrdiff_t>(next_), items_.end());
    s->batcher.start_jobs(static_cast<int>(count), options_.pairs_in_flight, [s, lib, params, items](int k) {
      std::optional<ConnectResult> r = search_item(s->batcher, *lib, params, items[static_cast<std::size_t>(k)]);
      std::lock_guard<std::mutex> lock(s->mutex);
      s->results[static_cast<std::size_t>(k)] = std::move(r);
    });
  }
  const std::size_t k = next_ - searches_->first;
  searches_->batcher.serve_until_ended(static_cast<int>(k));  // rethrows the search's exception
  std::optional<ConnectResult> result;
  {
    std::lock_guard<std::mutex> lock(searches_->mutex);
    result = std::move(searches_->results[k]);
    searches_->results[k].reset();
  }
  record(items_[next_], result);
  ++next_;
  if (finished()) searches_.reset();
}

void NebStage::record(const NebWorkItem& item, const std::optional<ConnectResult>& result) {
  const std::int64_t row_a = IsRowIndex(in_->inherent_structures)(item.glass, item.is_a);
  const std::int64_t row_b = IsRowIndex(in_->inherent_structures)(item.glass, item.is_b);
  const double e_a = row_a >= 0 ? in_->inherent_structures.energy[row_a] : kNaN;
  const double e_b = row_b >= 0 ? in_->inherent_structures.energy[row_b] : kNaN;
  if (!result) {
    add_row(item, item.is_a, item.is_b, e_a, e_b, nullptr, DoubleWellStatus::failed,
            "coordinates of the inherent structures are not stored in the input library");
    return;
  }
  const ConnectResult& r = *result;
  const std::int64_t glass = item.glass;
  bands_ += r.bands;
  // IS ids of the minima of the result: A and B, then intermediate minima (matched or new).
  std::vector<int> ids{item.is_a, item.is_b};
  for (std::size_t k = 2; k < r.minima.size(); ++k) {
    int id = match_minimum(glass, r.minima[k]);
    if (id < 0) id = add_minimum(glass, r.minima[k]);
    ids.push_back(id);
  }
  const auto is_source = [](int i, int j) { return (i == 0 && j == 1) || (i == 1 && j == 0); };
  // An elementary pair that an earlier item of the same round has recorded meanwhile is skipped,
  // as connect_minima would have skipped it had the items run one after another.
  std::size_t known = r.known.size();
  const auto recorded_meanwhile = [&](int i, int j) {
    const bool skip = !is_source(i, j) && is_known_pair(glass, ids[i], ids[j]);
    known += skip ? 1 : 0;
    return skip;
  };
  bool source_done = false;
  for (const ElementaryPath& p : r.double_wells) {
    if (recorded_meanwhile(p.first, p.second)) continue;
    add_row(item, ids[p.first], ids[p.second], r.minima[p.first].energy, r.minima[p.second].energy, &p.double_well,
            DoubleWellStatus::good, "");
    source_done = source_done || is_source(p.first, p.second);
  }
  for (const PathFailure& f : r.failures) {
    if (recorded_meanwhile(f.first, f.second)) continue;
    add_row(item, ids[f.first], ids[f.second], r.minima[f.first].energy, r.minima[f.second].energy, nullptr,
            f.not_converged ? DoubleWellStatus::not_converged : DoubleWellStatus::failed, f.reason);
    source_done = source_done || is_source(f.first, f.second);
  }
  if (!source_done) {
    std::string why = "split at " + std::to_string(r.intermediate_minima()) + " intermediate minim" +
                      (r.intermediate_minima() == 1 ? "um" : "a") + ":";
    for (std::size_t k = 2; k < ids.size(); ++k) why += " IS " + std::to_string(ids[k]);
    if (known > 0) why += "; " + std::to_string(known) + " elementary pair(s) already sampled";
    add_row(item, item.is_a, item.is_b, r.minima[0].energy, r.minima[1].energy, nullptr, DoubleWellStatus::split, why);
  }
}

Library NebStage::library() const {
  Library lib = *in_;
  lib.stage = "neb";
  lib.config_neb = neb_config_json(options_);
  LibraryInherentStructures& is = lib.inherent_structures;
  const std::size_t n3 = 3 * static_cast<std::size_t>(lib.n);
  for (std::size_t k = 0; k < new_is_.size(); ++k) {
    is.glass.push_back(new_is_.glass[k]);
    is.id.push_back(new_is_.id[k]);
    is.energy.push_back(new_is_.energy[k]);
    is.first_seen.push_back(new_is_.first_seen[k]);
    is.first_quench.push_back(new_is_.first_quench[k]);
    is.visits.push_back(new_is_.visits[k]);
    is.coordinate_row.push_back(static_cast<std::int64_t>(is.coordinates.size() / n3));
    is.coordinates.insert(is.coordinates.end(), new_is_.coordinates.begin() + k * n3,
                          new_is_.coordinates.begin() + (k + 1) * n3);
  }
  lib.double_wells = dw_;
  return lib;
}

void NebStage::save_checkpoint(const std::string& path) const {
  write_atomically(path, [&](const std::string& tmp) {
    h5::File f = h5::File::create(tmp);
    write_checkpoint_header(f, kCheckpointKind, config_hash_, neb_config_json(options_));
    f.set_attribute("items_done", static_cast<std::int64_t>(next_));
    f.set_attribute("bands", static_cast<std::int64_t>(bands_));
    h5::Group d = f.create_group("double_wells");
    for_each_column(const_cast<LibraryDoubleWells&>(dw_), [&](const char* name, const auto& v) { d.write(name, v); });
    d.write("reason", dw_.reason);
    h5::Group s = f.create_group("new_inherent_structures");
    s.write("glass", new_is_.glass);
    s.write("id", new_is_.id);
    s.write("energy", new_is_.energy);
    s.write("coordinates", new_is_.coordinates);
    f.close();  // reports a full disk; the destructor cannot
  });
}

NebStage NebStage::resume(const std::string& path, const Library& explored, const NebStageOptions& options) {
  NebStage st(explored, options);
  const h5::File f = h5::File::open(path);
  check_checkpoint_header(f, path, kCheckpointKind, st.config_hash_);
  const std::int64_t done = f.attribute<std::int64_t>("items_done");
  if (done < 0 || done > static_cast<std::int64_t>(st.items_.size()))
    throw input_error(path, 0, "checkpoint has " + std::to_string(done) + " items done of " +
                                   std::to_string(st.items_.size()));
  st.next_ = static_cast<std::size_t>(done);
  st.bands_ = static_cast<long>(f.attribute<std::int64_t>("bands"));
  const h5::Group d = f.open_group("double_wells");
  for_each_column(st.dw_, [&](const char* name, auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    v = d.read<T>(name);
  });
  st.dw_.reason = d.read<std::string>("reason");
  const std::size_t rows = st.dw_.glass.size(), images = static_cast<std::size_t>(options.images);
  bool ok = st.dw_.reason.size() == rows && st.dw_.mep_s.size() == rows * images && st.dw_.mep_energy.size() == rows * images &&
            st.dw_.mep_slope.size() == rows * images;
  for_each_column(st.dw_, [&](const char* name, const auto& v) {
    const std::string c = name;
    if (c != "mep_s" && c != "mep_energy" && c != "mep_slope" && v.size() != rows) ok = false;
  });
  if (!ok) throw input_error(path, 0, "/double_wells columns disagree in length");
  const h5::Group s = f.open_group("new_inherent_structures");
  st.new_is_.glass = s.read<std::int64_t>("glass");
  st.new_is_.id = s.read<std::int32_t>("id");
  st.new_is_.energy = s.read<double>("energy");
  st.new_is_.coordinates = s.read<double>("coordinates");
  const std::size_t m = st.new_is_.glass.size(), n3 = 3 * static_cast<std::size_t>(explored.n);
  if (st.new_is_.id.size() != m || st.new_is_.energy.size() != m || st.new_is_.coordinates.size() != m * n3)
    throw input_error(path, 0, "/new_inherent_structures arrays disagree in length");
  for (std::size_t k = 0; k < m; ++k) {
    st.new_is_.first_seen.push_back(kNaN);
    st.new_is_.first_quench.push_back(-1);
    st.new_is_.visits.push_back(0);
    st.new_is_.coordinate_row.push_back(static_cast<std::int64_t>(k));
  }
  return st;
}

StageRunResult run_neb_stage(NebStage& stage, Backend& backend, const StageRunControl& control) {
  Progress progress("neb", static_cast<double>(stage.items_total()), "pairs");
  StageSteps steps;
  steps.finished = [&stage] { return stage.finished(); };
  steps.step = [&stage, &backend] { stage.step(backend); };
  steps.save_checkpoint = [&stage](const std::string& path) { stage.save_checkpoint(path); };
  steps.report = [&stage](Progress& line) {
    std::int64_t good = 0;
    for (const std::int32_t s : stage.double_wells().status) good += s == static_cast<int>(DoubleWellStatus::good);
    // The rate and ETA follow the searches done (in any order); pairs are recorded in order.
    const std::size_t searched = stage.items_searched();
    char extra[128];
    std::snprintf(extra, sizeof extra, "recorded %zu, good DW=%lld bands=%ld", stage.items_done(),
                  static_cast<long long>(good), stage.bands_run());
    line.update(static_cast<double>(searched), extra);
  };
  return run_checkpointed(steps, progress, control);
}

}  // namespace tlsx
