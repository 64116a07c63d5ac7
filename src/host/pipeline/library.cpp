#include "tlsx/pipeline/library.hpp"

#include <cmath>
#include <ctime>
#include <limits>
#include <type_traits>

#include "tlsx/core/error.hpp"
#include "tlsx/io/atomic_file.hpp"
#include "tlsx/io/hdf5_file.hpp"
#include "tlsx/io/plain_files.hpp"

namespace tlsx {

const char* to_string(DoubleWellStatus s) {
  switch (s) {
    case DoubleWellStatus::good: return "good";
    case DoubleWellStatus::split: return "split";
    case DoubleWellStatus::not_converged: return "not_converged";
    case DoubleWellStatus::failed: return "failed";
  }
  return "unknown";
}

namespace {
std::uint64_t is_key(std::int64_t glass, int id) {
  return (static_cast<std::uint64_t>(glass) << 32) | static_cast<std::uint32_t>(id);
}
}  // namespace

IsRowIndex::IsRowIndex(const LibraryInherentStructures& t) {
  rows_.reserve(t.size());
  for (std::size_t k = 0; k < t.size(); ++k) rows_.emplace(is_key(t.glass[k], t.id[k]), static_cast<std::int64_t>(k));
}

std::int64_t IsRowIndex::operator()(std::int64_t glass, int id) const {
  const auto it = rows_.find(is_key(glass, id));
  return it == rows_.end() ? -1 : it->second;
}

const double* Library::coordinates(std::int64_t row) const {
  if (row < 0 || static_cast<std::size_t>(row) >= inherent_structures.size()) return nullptr;
  const std::int64_t c = inherent_structures.coordinate_row[static_cast<std::size_t>(row)];
  if (c < 0) return nullptr;
  return inherent_structures.coordinates.data() + static_cast<std::size_t>(c) * 3 * static_cast<std::size_t>(n);
}

namespace {

// A column with its meaning attached, so that the file explains itself in h5py / h5dump.
template <class T>
void column(h5::Group& g, const std::string& name, const std::vector<T>& data, const std::string& description,
            const h5::Shape& shape = {}) {
  h5::Dataset d = g.write(name, data, shape);
  d.set_attribute("description", description);
}

template <class T>
std::vector<T> read_column(const h5::Group& g, const std::string& name, std::size_t rows, std::size_t per_row,
                           const std::string& file) {
  std::vector<T> v = g.read<T>(name);
  if (v.size() != rows * per_row)
    throw input_error(file, 0, g.path() + "/" + name + " has " + std::to_string(v.size()) + " values, expected " +
                                   std::to_string(rows) + " x " + std::to_string(per_row));
  return v;
}

// Values per row of a /double_wells column.
std::size_t column_width(ColumnWidth w, std::size_t images, std::size_t masses) {
  switch (w) {
    case ColumnWidth::one: return 1;
    case ColumnWidth::images: return images;
    case ColumnWidth::masses: return masses;
    case ColumnWidth::masses_levels: return masses * kLibraryLevels;
  }
  return 1;
}

// The dataset shape of a /double_wells column (rows, rows x images, rows x masses x levels, ...).
h5::Shape shape_of(ColumnWidth w, std::size_t rows, std::size_t images, std::size_t masses) {
  switch (w) {
    case ColumnWidth::one: return {rows};
    case ColumnWidth::images: return {rows, images};
    case ColumnWidth::masses: return {rows, masses};
    case ColumnWidth::masses_levels: return {rows, masses, static_cast<std::size_t>(kLibraryLevels)};
  }
  return {rows};
}

}  // namespace

void write_library(const std::string& path, Library lib) {
  lib.program_version = TLSX_VERSION;
  lib.created = utc_now();
  const std::size_t n = static_cast<std::size_t>(lib.n);
  write_atomically(path, [&](const std::string& tmp) {
    h5::File f = h5::File::create(tmp);
    f.set_attribute("format", kLibraryFormat);
    f.set_attribute("format_version", kLibraryFormatVersion);
    f.set_attribute("stage", lib.stage);
    f.set_attribute("program_version", lib.program_version);
    f.set_attribute("created", lib.created);
    f.set_attribute("units", "reduced LJ: length sigma_AA, energy eps_AA, mass m, time tau_LJ = sqrt(m sigma^2/eps)");
    f.set_attribute("model", lib.model_toml);
    f.set_attribute("n", static_cast<std::int64_t>(lib.n));
    f.set_attribute("box", std::vector<double>{lib.box.length[0], lib.box.length[1], lib.box.length[2]});
    f.set_attribute("masses", lib.masses);
    f.set_attribute("T_Q", lib.T_Q);
    f.set_attribute("config_prepare", lib.config_prepare);
    f.set_attribute("config_explore", lib.config_explore);
    f.set_attribute("config_neb", lib.config_neb);
    f.set_attribute("config_splitting", lib.config_splitting);
    f.set_attribute("config_run", lib.config_run);

    const LibraryGlasses& gl = lib.glasses;
    h5::Group g = f.create_group("glasses");
    column(g, "id", gl.id, "global glass id (key of its random streams)");
    column(g, "fictive_temperature", gl.fictive_temperature, "T_f of the equilibrium configuration");
    column(g, "exploration_temperature", gl.exploration_temperature, "T_exp of the exploration MD");
    column(g, "dt", gl.dt, "MD time step of the exploration (tau_LJ)");
    column(g, "tau_cg", gl.tau_cg, "MD steps between quenches (the paper's Table I tau_cg, in units of dt)");
    column(g, "quenches", gl.quenches, "quenches done: N_cg");
    column(g, "failed_quenches", gl.failed_quenches, "quenches that did not converge (sequence entry -1)");
    column(g, "n_is", gl.n_is, "distinct inherent structures found by the exploration: n_IS");
    column(g, "n_candidates", gl.n_candidates, "IS pairs with T(a->b) >= 1 and T(b->a) >= 1");
    column(g, "initial_energy", gl.initial_energy, "potential energy per particle of the starting configuration");
    if (!gl.status.empty() && gl.status.size() != gl.size())
      throw Error(path + ": /glasses/status has " + std::to_string(gl.status.size()) + " rows for " +
                  std::to_string(gl.size()) + " glasses");
    column(g, "status", gl.status.empty() ? std::vector<std::int32_t>(gl.size(), 0) : gl.status,
           "0 explored; 1 its exploration MD blew up (quenches stop there); 2 its preparation MD blew up (not explored)");
    column(g, "species", gl.species, "0-based species index per particle", {gl.size(), n});

    const LibraryInherentStructures& is = lib.inherent_structures;
    h5::Group i = f.create_group("inherent_structures");
    column(i, "glass", is.glass, "row of /glasses");
    column(i, "id", is.id, "IS id within the glass, in order of discovery");
    column(i, "energy", is.energy, "total potential energy U (eps); e = U/N is paper Eq. 6");
    std::vector<double> per_particle(is.energy.size());
    for (std::size_t k = 0; k < per_particle.size(); ++k) per_particle[k] = is.energy[k] / lib.n;
    column(i, "energy_per_particle", per_particle, "U/N (paper Eq. 6)");
    column(i, "first_seen", is.first_seen, "exploration time of the first visit (tau_LJ); NaN: found by NEB");
    column(i, "first_quench", is.first_quench, "quench index of the first visit; -1: found by NEB");
    column(i, "visits", is.visits, "quenches that ended in this IS");
    column(i, "coordinate_row", is.coordinate_row, "row of /inherent_structures/coordinates, -1: not stored");
    const std::size_t stored = n ? is.coordinates.size() / (3 * n) : 0;
    column(i, "coordinates", is.coordinates, "positions, SoA per row: x[0..N), y[0..N), z[0..N); unwrapped",
           {stored, 3 * n});

    const LibraryTransitions& tr = lib.transitions;
    h5::Group t = f.create_group("transitions");
    column(t, "glass", tr.glass, "row of /glasses");
    column(t, "is_a", tr.is_a, "IS id (is_a < is_b)");
    column(t, "is_b", tr.is_b, "IS id");
    column(t, "count_ab", tr.count_ab, "T(a->b): consecutive quenches a then b");
    column(t, "count_ba", tr.count_ba, "T(b->a)");
    column(t, "first_candidate_quench", tr.first_candidate_quench, "quench at which both counts became >= 1; -1: never");
    column(t, "first_candidate_time", tr.first_candidate_time, "its exploration time (tau_LJ); NaN: never");

    const LibraryExploration& ex = lib.exploration;
    h5::Group e = f.create_group("exploration");
    column(e, "sequence", ex.sequence, "IS id of every quench, glass after glass; -1: quench did not converge");
    column(e, "sequence_offset", ex.sequence_offset, "glass g's quenches are sequence[offset[g]:offset[g+1]]");
    column(e, "persistence_glass", ex.persistence_glass, "row of /glasses");
    column(e, "persistence_quenches", ex.persistence_quenches,
           "length of a complete run of one IS, in quenches (tau_p = length * tau_cg * dt)");

    const LibraryDoubleWells& dw = lib.double_wells;
    if (lib.stage != "explore") {
      const std::size_t rows = dw.size(), m = lib.masses.size(), images = static_cast<std::size_t>(dw.images);
      h5::Group d = f.create_group("double_wells");
      d.set_attribute("images", static_cast<std::int64_t>(dw.images));
      // A column that the code which filled the library predates (empty) is written as unknown (NaN).
      const auto write = [&](const LibraryColumn& c, const auto& values) {
        using T = typename std::decay_t<decltype(values)>::value_type;
        const std::size_t width = column_width(c.width, images, m);
        if constexpr (std::is_same_v<T, double>) {
          if (c.may_be_missing && values.empty() && rows > 0) {
            column(d, c.name, std::vector<double>(rows * width, std::nan("")), c.description, shape_of(c.width, rows, images, m));
            return;
          }
        }
        column(d, c.name, values, c.description, shape_of(c.width, rows, images, m));
      };
      for_each_neb_column([&](const LibraryColumn& c, auto member) { write(c, dw.*member); });
      column(d, "reason", dw.reason, "why a row is not good");
      if (lib.stage == "splitting") for_each_splitting_column([&](const LibraryColumn& c, auto member) { write(c, dw.*member); });
    }
    f.close();  // reports a full disk; the destructor cannot
  });
}

Library read_library(const std::string& path) {
  h5::File f = h5::File::open(path);
  if (!f.has_attribute("format") || f.attribute<std::string>("format") != kLibraryFormat)
    throw input_error(path, 0, std::string("not a tlsx double-well library (attribute format != ") + kLibraryFormat + ")");
  const std::int64_t version = f.attribute<std::int64_t>("format_version");
  if (version != kLibraryFormatVersion)
    throw input_error(path, 0, "library format version " + std::to_string(version) + ", this program reads " +
                                   std::to_string(kLibraryFormatVersion));
  Library lib;
  lib.stage = f.attribute<std::string>("stage");
  lib.program_version = f.attribute<std::string>("program_version");
  lib.created = f.attribute<std::string>("created");
  lib.model_toml = f.attribute<std::string>("model");
  const std::int64_t n_stored = f.attribute<std::int64_t>("n");
  const std::vector<double> box = f.attribute<std::vector<double>>("box");
  if (box.size() != 3 || n_stored <= 0 || n_stored > std::numeric_limits<int>::max() / 3)
    throw input_error(path, 0, "root attributes n/box are malformed");
  for (const double l : box)
    if (!std::isfinite(l) || l <= 0.0) throw input_error(path, 0, "root attribute box: edge lengths must be positive and finite");
  lib.n = static_cast<int>(n_stored);
  lib.box = Box::orthorhombic(box[0], box[1], box[2]);
  lib.masses = f.attribute<std::vector<double>>("masses");
  lib.T_Q = f.attribute<std::vector<double>>("T_Q");
  if (lib.T_Q.size() != lib.masses.size()) throw input_error(path, 0, "attributes masses and T_Q differ in length");
  lib.config_prepare = f.attribute<std::string>("config_prepare");
  lib.config_explore = f.attribute<std::string>("config_explore");
  lib.config_neb = f.attribute<std::string>("config_neb");
  lib.config_splitting = f.attribute<std::string>("config_splitting");
  if (f.has_attribute("config_run")) lib.config_run = f.attribute<std::string>("config_run");
  const std::size_t n = static_cast<std::size_t>(lib.n);

  const h5::Group g = f.open_group("glasses");
  LibraryGlasses& gl = lib.glasses;
  gl.id = g.read<std::int64_t>("id");
  const std::size_t glasses = gl.id.size();
  gl.fictive_temperature = read_column<double>(g, "fictive_temperature", glasses, 1, path);
  gl.exploration_temperature = read_column<double>(g, "exploration_temperature", glasses, 1, path);
  gl.dt = read_column<double>(g, "dt", glasses, 1, path);
  gl.tau_cg = read_column<std::int64_t>(g, "tau_cg", glasses, 1, path);
  gl.quenches = read_column<std::int64_t>(g, "quenches", glasses, 1, path);
  gl.failed_quenches = read_column<std::int64_t>(g, "failed_quenches", glasses, 1, path);
  gl.n_is = read_column<std::int64_t>(g, "n_is", glasses, 1, path);
  gl.n_candidates = read_column<std::int64_t>(g, "n_candidates", glasses, 1, path);
  gl.initial_energy = read_column<double>(g, "initial_energy", glasses, 1, path);
  // (absent from libraries written before it existed: every glass explored)
  gl.status = g.exists("status") ? read_column<std::int32_t>(g, "status", glasses, 1, path)
                                 : std::vector<std::int32_t>(glasses, 0);
  gl.species = read_column<std::int32_t>(g, "species", glasses, n, path);

  auto check_glass = [&](const std::vector<std::int64_t>& col, const std::string& table) {
    for (const std::int64_t v : col)
      if (v < 0 || static_cast<std::size_t>(v) >= glasses)
        throw input_error(path, 0, "/" + table + "/glass: row " + std::to_string(v) + " out of range");
  };

  const h5::Group i = f.open_group("inherent_structures");
  LibraryInherentStructures& is = lib.inherent_structures;
  is.glass = i.read<std::int64_t>("glass");
  const std::size_t rows = is.glass.size();
  check_glass(is.glass, "inherent_structures");
  is.id = read_column<std::int32_t>(i, "id", rows, 1, path);
  is.energy = read_column<double>(i, "energy", rows, 1, path);
  is.first_seen = read_column<double>(i, "first_seen", rows, 1, path);
  is.first_quench = read_column<std::int64_t>(i, "first_quench", rows, 1, path);
  is.visits = read_column<std::int64_t>(i, "visits", rows, 1, path);
  is.coordinate_row = read_column<std::int64_t>(i, "coordinate_row", rows, 1, path);
  is.coordinates = i.read<double>("coordinates");
  if (is.coordinates.size() % (3 * n) != 0)
    throw input_error(path, 0, "/inherent_structures/coordinates is not rows x 3N");
  const std::int64_t stored = static_cast<std::int64_t>(is.coordinates.size() / (3 * n));
  for (const std::int64_t c : is.coordinate_row)
    if (c < -1 || c >= stored) throw input_error(path, 0, "/inherent_structures/coordinate_row out of range");

  const h5::Group t = f.open_group("transitions");
  LibraryTransitions& tr = lib.transitions;
  tr.glass = t.read<std::int64_t>("glass");
  const std::size_t pairs = tr.glass.size();
  check_glass(tr.glass, "transitions");
  tr.is_a = read_column<std::int32_t>(t, "is_a", pairs, 1, path);
  tr.is_b = read_column<std::int32_t>(t, "is_b", pairs, 1, path);
  tr.count_ab = read_column<std::int64_t>(t, "count_ab", pairs, 1, path);
  tr.count_ba = read_column<std::int64_t>(t, "count_ba", pairs, 1, path);
  tr.first_candidate_quench = read_column<std::int64_t>(t, "first_candidate_quench", pairs, 1, path);
  tr.first_candidate_time = read_column<double>(t, "first_candidate_time", pairs, 1, path);

  const h5::Group e = f.open_group("exploration");
  LibraryExploration& ex = lib.exploration;
  ex.sequence = e.read<std::int32_t>("sequence");
  ex.sequence_offset = read_column<std::int64_t>(e, "sequence_offset", glasses + 1, 1, path);
  if (ex.sequence_offset.front() != 0 || ex.sequence_offset.back() != static_cast<std::int64_t>(ex.sequence.size()))
    throw input_error(path, 0, "/exploration/sequence_offset does not span /exploration/sequence");
  for (std::size_t g = 0; g < glasses; ++g)
    if (ex.sequence_offset[g + 1] < ex.sequence_offset[g])
      throw input_error(path, 0, "/exploration/sequence_offset decreases at glass row " + std::to_string(g));
  ex.persistence_glass = e.read<std::int64_t>("persistence_glass");
  check_glass(ex.persistence_glass, "exploration/persistence");
  ex.persistence_quenches = read_column<std::int64_t>(e, "persistence_quenches", ex.persistence_glass.size(), 1, path);

  if (f.exists("double_wells")) {
    const h5::Group d = f.open_group("double_wells");
    LibraryDoubleWells& dw = lib.double_wells;
    const std::int64_t images_stored = d.attribute<std::int64_t>("images");
    if (images_stored < 0 || images_stored > std::numeric_limits<int>::max())
      throw input_error(path, 0, "/double_wells: attribute images = " + std::to_string(images_stored) + " out of range");
    dw.images = static_cast<int>(images_stored);
    dw.glass = d.read<std::int64_t>("glass");
    const std::size_t m = dw.glass.size(), images = static_cast<std::size_t>(dw.images);
    check_glass(dw.glass, "double_wells");
    const std::size_t masses = lib.masses.size();
    const auto read = [&](const LibraryColumn& c, auto& values) {
      using T = typename std::decay_t<decltype(values)>::value_type;
      const std::size_t width = column_width(c.width, images, masses);
      if constexpr (std::is_same_v<T, double>) {
        if (c.may_be_missing && !d.exists(c.name)) {  // a file from before the column existed
          values.assign(m * width, std::nan(""));
          return;
        }
      }
      values = read_column<T>(d, c.name, m, width, path);
    };
    for_each_neb_column([&](const LibraryColumn& c, auto member) {
      if (std::string(c.name) != "glass") read(c, dw.*member);
    });
    dw.reason = read_column<std::string>(d, "reason", m, 1, path);
    if (d.exists("splitting")) for_each_splitting_column([&](const LibraryColumn& c, auto member) { read(c, dw.*member); });
  }
  return lib;
}

}  // namespace tlsx
