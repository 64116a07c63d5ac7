// What fuzzing the pipeline's readers guards against (docs/reliability.md, "Fuzzing"): a glass
// set, library or preset whose values are out of range gets a one-line error naming the file
// instead of an inconsistent object for a later stage to index past its end, and no value from a
// file reaches an undefined conversion or overflow (the sanitizer build runs these).
#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "pipeline_fixtures.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/io/hdf5_file.hpp"
#include "tlsx/pipeline/glass_set.hpp"
#include "tlsx/pipeline/is_registry.hpp"
#include "tlsx/pipeline/library.hpp"
#include "tlsx/pipeline/run_plan.hpp"

namespace {

using namespace tlsx;
using tlsx::testing::temp_path;

template <class F>
void expect_refused(F&& f, const std::vector<std::string>& fragments) {
  try {
    f();
    ADD_FAILURE() << "no error; expected '" << fragments.front() << "'";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    for (const std::string& s : fragments) EXPECT_NE(what.find(s), std::string::npos) << what << " lacks " << s;
  }
}

// Two glasses of two particles, with a two-sample equilibration series.
GlassSet two_glasses() {
  GlassSet g;
  g.model = ka2_model();
  g.n = 2;
  g.box = Box::cubic(4.0);
  g.ids = {0, 1};
  g.positions.assign(2 * 6, 1.0);
  g.velocities.assign(2 * 6, 0.0);
  g.species = {0, 1, 2, 0};
  g.energy = {-7.0, -7.1};
  g.swap_acceptance = {0.1, 0.2};
  g.series_time = {0.0, 1.0};
  g.series_energy = g.series_temperature = g.series_fs = {1, 2, 3, 4};
  return g;
}

// A library of the neb stage with two glasses, two IS each, no double wells yet.
Library two_glass_library() {
  Library lib;
  lib.stage = "neb";
  lib.model_toml = model_to_toml(ka2_model());
  lib.n = 2;
  lib.box = Box::cubic(4.0);
  lib.double_wells.images = 4;
  LibraryGlasses& g = lib.glasses;
  g.id = {0, 1};
  g.fictive_temperature = g.exploration_temperature = g.dt = g.initial_energy = {1.0, 1.0};
  g.tau_cg = g.quenches = g.failed_quenches = g.n_is = g.n_candidates = {1, 1};
  g.species = {0, 1, 0, 1};
  LibraryInherentStructures& is = lib.inherent_structures;
  is.glass = {0, 0, 1, 1};
  is.id = {0, 1, 0, 1};
  is.energy = is.first_seen = {-1.0, -2.0, -1.0, -2.0};
  is.first_quench = is.visits = {0, 1, 0, 1};
  is.coordinate_row = {-1, -1, -1, -1};
  lib.exploration.sequence = {0, 1, 0, 1};
  lib.exploration.sequence_offset = {0, 2, 4};
  return lib;
}

TEST(MalformedGlassSet, ColumnsShorterThanTheGlassCountAreRefused) {
  const std::string path = temp_path("short_columns.h5");
  write_glass_set(path, two_glasses());
  EXPECT_NO_THROW(read_glass_set(path));
  h5::File::open(path, true).write("glasses/energy", std::vector<double>{-7.0});
  expect_refused([&] { read_glass_set(path); }, {path, "/glasses datasets disagree with n = 2 and 2 glasses"});
  write_glass_set(path, two_glasses());
  h5::File::open(path, true).write("equilibration/energy", std::vector<double>{1, 2, 3});
  expect_refused([&] { read_glass_set(path); }, {path, "/equilibration series disagree with 2 glasses and 2 samples"});
  std::remove(path.c_str());
}

TEST(MalformedGlassSet, ParticleNumberAndBoxOutOfRangeAreRefused) {
  const std::string path = temp_path("bad_attributes.h5");
  write_glass_set(path, two_glasses());
  h5::File::open(path, true).set_attribute("n", std::int64_t{4294967298});  // 2 after truncation to int
  expect_refused([&] { read_glass_set(path); }, {path, "attributes n/box are malformed"});
  write_glass_set(path, two_glasses());
  h5::File::open(path, true).set_attribute("box", std::vector<double>{4.0, -4.0, 4.0});
  expect_refused([&] { read_glass_set(path); }, {path, "box: edge lengths must be positive and finite"});
  std::remove(path.c_str());
}

TEST(MalformedLibrary, RootAttributesOutOfRangeAreRefused) {
  const std::string path = temp_path("lib_root.h5");
  write_library(path, two_glass_library());
  EXPECT_NO_THROW(read_library(path));
  h5::File::open(path, true).set_attribute("n", std::int64_t{4294967298});  // 2 after truncation to int
  expect_refused([&] { read_library(path); }, {path, "root attributes n/box are malformed"});
  write_library(path, two_glass_library());
  h5::File::open(path, true).set_attribute("box", std::vector<double>{4.0, 4.0, std::numeric_limits<double>::infinity()});
  expect_refused([&] { read_library(path); }, {path, "edge lengths must be positive and finite"});
  std::remove(path.c_str());
}

TEST(MalformedLibrary, NegativeImageCountIsRefused) {
  const std::string path = temp_path("lib_images.h5");
  write_library(path, two_glass_library());
  h5::File::open(path, true).open_group("double_wells").set_attribute("images", std::int64_t{-1});
  expect_refused([&] { read_library(path); }, {path, "/double_wells: attribute images = -1 out of range"});
  std::remove(path.c_str());
}

TEST(MalformedLibrary, SequenceOffsetsThatDecreaseAreRefused) {
  const std::string path = temp_path("lib_offsets.h5");
  write_library(path, two_glass_library());
  // Spans the sequence (first 0, last its length) but glass 1's range would run backwards.
  h5::File::open(path, true).write("exploration/sequence_offset", std::vector<std::int64_t>{0, 5, 4});
  expect_refused([&] { read_library(path); }, {path, "/exploration/sequence_offset decreases at glass row 1"});
  std::remove(path.c_str());
}

// Energies far outside any bucket range (a checkpoint's is_energy can hold anything finite) are
// registered and found again; the bucket index conversion is clamped, not undefined.
TEST(MalformedCheckpoint, RegistryAcceptsHugeFiniteEnergiesAndRefusesNonFiniteOnes) {
  const Box box = Box::cubic(4.0);
  std::vector<double> pos(6, 1.0);
  pos[1] = 3.0;
  IsRegistry reg(2, box);
  EXPECT_TRUE(reg.add(pos.data(), 1e300, 0.0, 0).is_new);
  EXPECT_FALSE(reg.add(pos.data(), 1e300, 1.0, 1).is_new);
  EXPECT_TRUE(reg.add(pos.data(), -1e300, 2.0, 2).is_new);
  std::vector<InherentStructure> stored(1);
  stored[0].pos = pos;
  stored[0].energy = std::numeric_limits<double>::quiet_NaN();
  expect_refused([&] { IsRegistry::restore(2, box, {}, stored); }, {"IS 0 has a non-finite energy"});
}

TEST(MalformedPreset, GlassIdsThatOverflowAndNonFiniteTemperaturesAreRefused) {
  const std::string rest = "glasses = 2\ntau_cg = 5\nn_cg = 10\n";
  expect_refused([&] {
    make_run_plan_from_text("[[column]]\nfictive_temperature = 0.6\nfirst_glass = 9223372036854775807\n" + rest, "ids.toml",
                            ".", "out");
  }, {"ids.toml:1:", "first_glass + glasses overflows"});
  for (const char* t : {"nan", "inf"})
    expect_refused([&] {
      make_run_plan_from_text(std::string("[[column]]\nfictive_temperature = ") + t + "\n" + rest, "tf.toml", ".", "out");
    }, {"tf.toml:2:", "fictive_temperature"});
}

}  // namespace
