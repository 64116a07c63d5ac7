// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) with the project's own
// writers: configurations in every format, a glass set, libraries of the explore and splitting
// stages, and prepare / explore checkpoints made under checkpoint_fixture.hpp's options. HDF5 files
// are stored as recipes (h5_recipe.hpp). Run by hand after a format change:
//   build-sanitize/tests/fuzz/make_fuzz_seeds tests/fuzz/corpus
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <type_traits>
#include <vector>

#include "checkpoint_fixture.hpp"
#include "fuzz_support.hpp"
#include "h5_recipe.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/io/configuration.hpp"
#include "tlsx/io/h5md.hpp"
#include "tlsx/pipeline/library.hpp"

namespace {

using namespace tlsx;

std::string g_out;

std::string target_dir(const std::string& target) {
  const std::string dir = g_out + "/" + target;
  ::mkdir(g_out.c_str(), 0755);
  ::mkdir(dir.c_str(), 0755);
  return dir;
}

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::printf("%s (%zu bytes)\n", path.c_str(), bytes.size());
}

// An HDF5 file as a recipe seed of `target`; `prefix` bytes go first (the checkpoint target's stage).
void hdf5_seed(const std::string& h5, const std::string& target, const std::string& name,
               const std::vector<std::uint8_t>& prefix = {}) {
  std::vector<std::uint8_t> bytes = prefix;
  const std::vector<std::uint8_t> recipe = fuzz::recipe_of(h5);
  bytes.insert(bytes.end(), recipe.begin(), recipe.end());
  write_bytes(target_dir(target) + "/" + name, bytes);
  std::remove(h5.c_str());
}

void file_seed(const std::string& written, const std::string& target, const std::string& name) {
  std::ifstream in(written, std::ios::binary);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_bytes(target_dir(target) + "/" + name, bytes);
  std::remove(written.c_str());
}

// m^3 particles on a jittered lattice at the model's density; velocities optional.
Configuration lattice(const Model& model, int m, bool velocities) {
  Configuration c;
  const int n = m * m * m;
  const double l = model.box_length(n);
  c.box = Box::cubic(l);
  const std::vector<int> counts = model.composition(n);
  for (int s = 0; s < static_cast<int>(counts.size()); ++s) c.species.insert(c.species.end(), counts[s], s);
  c.pos.resize(3 * n);
  for (int i = 0; i < n; ++i) {
    const int cell[3] = {i / (m * m), (i / m) % m, i % m};
    for (int d = 0; d < 3; ++d) c.pos[d * n + i] = (cell[d] + 0.5 + 0.1 * std::sin(2.3 * i + d)) * l / m + (i % 5 == 0 ? l : 0.0);
  }
  if (velocities) {
    c.vel.resize(3 * n);
    for (int k = 0; k < 3 * n; ++k) c.vel[k] = std::cos(0.7 * k);
  }
  c.step = 1000;
  c.time = 2.5;
  return c;
}

// A library of the splitting stage with every table filled: 1 glass of 2 particles, 2 IS, one
// transition, one double well of 4 images, 2 masses.
Library tiny_splitting_library(const Model& model) {
  Library lib;
  lib.stage = "splitting";
  lib.model_toml = model_to_toml(model);
  lib.n = 2;
  lib.box = Box::cubic(3.0);
  lib.masses = {1.0, 2.0};
  lib.T_Q = {6.283185307179586, 3.141592653589793};
  lib.config_prepare = lib.config_explore = lib.config_neb = lib.config_splitting = "{}";
  LibraryGlasses& g = lib.glasses;
  g.id = {7};
  g.fictive_temperature = {0.617};
  g.exploration_temperature = {0.4};
  g.dt = {0.0025};
  g.tau_cg = {100};
  g.quenches = {3};
  g.failed_quenches = {0};
  g.n_is = {2};
  g.n_candidates = {1};
  g.initial_energy = {-7.0};
  g.species = {0, 1};
  LibraryInherentStructures& is = lib.inherent_structures;
  is.glass = {0, 0};
  is.id = {0, 1};
  is.energy = {-14.0, -13.9};
  is.first_seen = {0.25, 0.5};
  is.first_quench = {0, 1};
  is.visits = {2, 1};
  is.coordinate_row = {0, 1};
  is.coordinates = {0.1, 1.1, 0.2, 1.2, 0.3, 1.3, 0.1, 1.4, 0.2, 1.2, 0.3, 1.3};
  LibraryTransitions& t = lib.transitions;
  t.glass = {0};
  t.is_a = {0};
  t.is_b = {1};
  t.count_ab = {1};
  t.count_ba = {1};
  t.first_candidate_quench = {2};
  t.first_candidate_time = {0.75};
  LibraryExploration& e = lib.exploration;
  e.sequence = {0, 1, 0};
  e.sequence_offset = {0, 3};
  e.persistence_glass = {0};
  e.persistence_quenches = {1};
  LibraryDoubleWells& dw = lib.double_wells;
  dw.images = 4;
  const auto fill = [&](const LibraryColumn& c, auto member) {
    auto& v = dw.*member;
    using T = typename std::decay_t<decltype(v)>::value_type;
    const std::size_t width = c.width == ColumnWidth::one      ? 1
                              : c.width == ColumnWidth::images ? 4
                              : c.width == ColumnWidth::masses ? 2
                                                               : 2 * kLibraryLevels;
    v.assign(width, T{});
    for (std::size_t k = 0; k < width; ++k) v[k] = static_cast<T>(k % 2);
  };
  for_each_neb_column(fill);
  for_each_splitting_column(fill);
  dw.reason = {""};
  return lib;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_seeds CORPUS_DIR\n");
    return 2;
  }
  g_out = argv[1];
  const Model model = ka2_model();
  const std::string tmp = fuzz::scratch_file("seed");

  // Text configurations: a valid 7^3 (343 particles) file with velocities, a 2^3 one (too small a
  // box: rejected by validate_configuration, but a short reader path).
  const Configuration big = lattice(model, 7, true), small = lattice(model, 2, false);
  for (const char* ext : {"data", "xyz"}) {
    const std::string target = std::string(ext) == "data" ? "lammps_data" : "extxyz";
    write_configuration(tmp + "." + ext, big, model);
    file_seed(tmp + "." + ext, target, std::string("valid_343_velocities.") + ext);
    write_configuration(tmp + "." + ext, small, model);
    file_seed(tmp + "." + ext, target, std::string("small_box_8.") + ext);
  }
  // H5MD: the same two.
  write_h5md(tmp + ".h5", big, model);
  hdf5_seed(tmp + ".h5", "h5md", "valid_343_velocities");
  write_h5md(tmp + ".h5", small, model);
  hdf5_seed(tmp + ".h5", "h5md", "small_box_8");
  // The raw-bytes target (fuzz_hdf5_raw, not run by scripts/fuzz.sh) starts from the file itself.
  write_h5md(tmp + ".h5", small, model);
  file_seed(tmp + ".h5", "hdf5_raw", "small_box_8.h5");

  // A glass set (the checkpoint fixture's glass), and a library of the explore stage from two
  // exploration cycles of it; a checkpoint of each stage.
  CpuBackend cpu(1);
  const GlassSet glasses = fuzz::checkpoint_glass_set();
  write_glass_set(tmp + ".h5", glasses);
  hdf5_seed(tmp + ".h5", "glass_set", "one_glass_343");

  Exploration exploration(glasses, fuzz::checkpoint_explore_options());
  exploration.cycle(cpu);
  exploration.cycle(cpu);
  exploration.save_checkpoint(tmp + ".h5");
  hdf5_seed(tmp + ".h5", "checkpoint", "explore_2_quenches", {1});
  write_library(tmp + ".h5", exploration.library(glasses));
  hdf5_seed(tmp + ".h5", "library", "explore_stage");
  write_library(tmp + ".h5", tiny_splitting_library(model));
  hdf5_seed(tmp + ".h5", "library", "splitting_stage_tiny");

  Preparation preparation(fuzz::checkpoint_prepare_options(), model);
  for (int k = 0; k < 3; ++k) preparation.advance(cpu);  // the melt, then two sampled blocks
  preparation.save_checkpoint(tmp + ".h5");
  hdf5_seed(tmp + ".h5", "checkpoint", "prepare_sampling", {0});
  return 0;
}
