#include "tlsx/pipeline/neb_stage.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <optional>

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
  for_each_neb_column([&](const char* name, auto column) { visit(name, d.*column); });
}

}  // namespace

std::string neb_config_json(const NebStageOptions& o) {
  JsonObject j;
  j.add("method", o.method == PathMethod::neb ? "neb" : "string")
      .add("images", o.images)
      .add("spring", o.spring)
      .add("force_tolerance", o.force_tolerance)
      .add("max_iterations", static_cast<long long>(o.max_iterations))
      .add("climb", o.climb)
      .add("climb_start_tolerance", o.climb_start_tolerance)
      .add("minimize_tolerance", o.minimize_tolerance)
      .add("max_bands", o.max_bands)
      .add("pairs_in_flight", o.pairs_in_flight)
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

const double* NebStage::coordinates_of(std::int64_t glass, int id) const {
  const std::int64_t row = IsRowIndex(in_->inherent_structures)(glass, id);
  if (row >= 0) return in_->coordinates(row);
  const std::size_t n3 = 3 * static_cast<std::size_t>(in_->n);
  for (std::size_t k = 0; k < new_is_.size(); ++k)
    if (new_is_.glass[k] == glass && new_is_.id[k] == id) return new_is_.coordinates.data() + k * n3;
  return nullptr;
}

int NebStage::match_minimum(std::int64_t glass, const Minimum& m) const {
  // Same criteria as connect_minima's own identification of minima.
  const Box& box = in_->box;
  const int n = in_->n;
  const auto same = [&](double energy, const double* x) {
    if (x == nullptr || !(std::fabs(energy - m.energy) < params_.same_energy)) return false;
    for (int i = 0; i < n; ++i) {
      double r2 = 0.0;
      for (int d = 0; d < 3; ++d) {
        const double u = box.minimum_image(m.x[d * n + i] - x[d * n + i], d);
        r2 += u * u;
      }
      if (!(r2 < params_.same_distance * params_.same_distance)) return false;
    }
    return true;
  };
  const LibraryInherentStructures& is = in_->inherent_structures;
  for (std::size_t row = 0; row < is.size(); ++row)
    if (is.glass[row] == glass && same(is.energy[row], in_->coordinates(static_cast<std::int64_t>(row))))
      return is.id[row];
  const std::size_t n3 = 3 * static_cast<std::size_t>(n);
  for (std::size_t k = 0; k < new_is_.size(); ++k)
    if (new_is_.glass[k] == glass && same(new_is_.energy[k], new_is_.coordinates.data() + k * n3)) return new_is_.id[k];
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
  const int lo = std::min(a, b), hi = std::max(a, b);
  // Sampled by the dynamics: a transitions row exists.
  const LibraryTransitions& t = in_->transitions;
  for (std::size_t k = 0; k < t.size(); ++k)
    if (t.glass[k] == glass && t.is_a[k] == lo && t.is_b[k] == hi) return true;
  // Already a row of this stage (from an earlier split).
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

void NebStage::step(Backend& backend) {
  if (finished()) return;
  const std::size_t first = next_;
  const std::size_t count = std::min(items_.size() - first, static_cast<std::size_t>(options_.pairs_in_flight));
  const std::size_t n = static_cast<std::size_t>(in_->n);
  const PairTable table = model_from_toml_text(in_->model_toml, "the input library's model").pair_table();
  // The searches of this round of items run at once; their band images share Backend calls. They
  // see the rows of the items before the round only (nothing is recorded until all have ended).
  SurfaceBatcher batcher(backend, table, in_->box, options_.skin);
  std::vector<std::optional<ConnectResult>> results(count);
  std::mutex searched_mutex;
  std::size_t searched = 0;
  const auto searched_one = [&] {
    std::lock_guard<std::mutex> lock(searched_mutex);
    ++searched;
    if (on_pair_searched) on_pair_searched(searched);
  };
  batcher.run(static_cast<int>(count), [&](int k) {
    const NebWorkItem& item = items_[first + static_cast<std::size_t>(k)];
    const double* a = coordinates_of(item.glass, item.is_a);
    const double* b = coordinates_of(item.glass, item.is_b);
    if (a == nullptr || b == nullptr) {
      searched_one();
      return;
    }
    const std::int64_t glass = item.glass;
    AtomisticSurface surface(batcher, std::vector<int>(in_->glasses.species.begin() + glass * n,
                                                       in_->glasses.species.begin() + (glass + 1) * n));
    surface.minimize_params.algorithm = MinimizeAlgorithm::cg;
    const KnownPair known = [&](const Minimum& u, const Minimum& v) {
      const int iu = match_minimum(glass, u), iv = match_minimum(glass, v);
      return iu >= 0 && iv >= 0 && is_known_pair(glass, iu, iv);
    };
    results[static_cast<std::size_t>(k)] = connect_minima(surface, std::vector<double>(a, a + 3 * n),
                                                          std::vector<double>(b, b + 3 * n), params_, known);
    searched_one();
  });
  for (std::size_t k = 0; k < count; ++k) record(items_[first + k], results[k]);
  next_ = first + count;
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
  std::int64_t good = 0;  // good rows of the rounds done
  steps.report = [&stage, &good](Progress& line) {
    good = 0;
    for (const std::int32_t s : stage.double_wells().status) good += s == static_cast<int>(DoubleWellStatus::good);
    char extra[96];
    std::snprintf(extra, sizeof extra, "good DW=%lld bands=%ld", static_cast<long long>(good), stage.bands_run());
    line.update(static_cast<double>(stage.items_done()), extra);
  };
  // Inside a round (minutes to hours on a CPU), the line advances with every finished search.
  if (control.progress) stage.on_pair_searched = [&stage, &progress, &good](std::size_t done_in_round) {
    char extra[96];
    std::snprintf(extra, sizeof extra, "good DW=%lld before this round of %d pairs", static_cast<long long>(good),
                  stage.pairs_in_flight());
    progress.update(static_cast<double>(stage.items_done() + done_in_round), extra);
  };
  const StageRunResult result = run_checkpointed(steps, progress, control);
  stage.on_pair_searched = nullptr;
  return result;
}

}  // namespace tlsx
