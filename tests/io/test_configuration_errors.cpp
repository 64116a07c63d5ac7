// Bad input: every malformed file gives one line naming the file and the line (text formats) or the
// HDF5 object; validate_configuration rejects small boxes and overlapping particles.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>

#include "io_test_support.hpp"
#include "tlsx/io/configuration.hpp"
#include "tlsx/io/hdf5_file.hpp"

namespace tlsx::testing {
namespace {

// A valid 4-atom LAMMPS file whose lines the cases below break one at a time.
std::string lammps_text(const std::string& atoms_body, const std::string& header_extra = "",
                        const std::string& tail = "", const std::string& count = "4") {
  return "LAMMPS data file\n\n" + count + " atoms\n3 atom types\n" + header_extra +
         "0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\nAtoms # atomic\n\n" + atoms_body + tail;
}

const char* kGoodAtoms = "1 1 1 1 1 0 0 0\n2 2 3 3 3 0 0 0\n3 3 5 5 5 0 0 0\n4 1 7 7 7 0 0 0\n";

struct BadFile {
  const char* name;
  std::string extension;
  std::string text;
  std::vector<std::string> fragments;  // beyond the file name
};

class BadTextFile : public ::testing::TestWithParam<BadFile> {};

// Test names read "Lammps/BadTextFile.GivesOneLineNamingFileAndLine/truncated" instead of the bytes.
std::string bad_file_name(const ::testing::TestParamInfo<BadFile>& info) { return info.param.name; }

TEST_P(BadTextFile, GivesOneLineNamingFileAndLine) {
  const BadFile& b = GetParam();
  const std::string path = scratch_path(std::string(b.name) + "." + b.extension);
  write_text(path, b.text);
  std::vector<std::string> fragments = b.fragments;
  fragments.push_back(path);
  expect_error([&] { read_configuration(path, ka2_model()); }, fragments);
  std::remove(path.c_str());
}

const std::string kXyzHeader = "Lattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n";

INSTANTIATE_TEST_SUITE_P(
    Lammps, BadTextFile,
    ::testing::Values(
        BadFile{"truncated", "data", lammps_text("1 1 1 1 1 0 0 0\n2 2 3 3 3 0 0 0\n"), {":12:", "ends after 2 of 4 atom lines"}},
        BadFile{"truncated_before_velocities", "data",
                lammps_text("1 1 1 1 1\n2 2 3 3 3\n3 3 5 5 5\n", "", "\nVelocities\n\n1 0 0 0\n"),
                {":15:", "Atoms section (line 9) ends after 3 of 4"}},
        BadFile{"too_many_lines", "data", lammps_text(std::string(kGoodAtoms) + "5 1 8 8 8 0 0 0\n"),
                {":15:", "expected a section keyword, found '5 1 8 8 8 0 0 0'"}},
        BadFile{"wrong_count_velocities", "data",
                lammps_text(kGoodAtoms, "", "\nVelocities\n\n1 0 0 0\n2 0 0 0\n3 0 0 0\n"), {"Velocities section", "ends after 3 of 4"}},
        BadFile{"duplicate_id", "data", lammps_text("1 1 1 1 1\n2 2 3 3 3\n2 3 5 5 5\n4 1 7 7 7\n"),
                {":13:", "duplicate atom id 2 (also on line 12)"}},
        BadFile{"id_out_of_range", "data", lammps_text("1 1 1 1 1\n2 2 3 3 3\n3 3 5 5 5\n5 1 7 7 7\n"),
                {":14:", "atom id 5 out of range 1..4"}},
        BadFile{"type_out_of_range", "data", lammps_text("1 1 1 1 1\n2 4 3 3 3\n3 3 5 5 5\n4 1 7 7 7\n"),
                {":12:", "atom type 4 out of range 1..3"}},
        BadFile{"too_many_types", "data",
                "t\n\n4 atoms\n5 atom types\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\nAtoms\n\n" + std::string(kGoodAtoms),
                {":4:", "5 atom types, but model KA2 has 3 species"}},
        BadFile{"non_numeric", "data", lammps_text("1 1 1 1 1\n2 2 3 abc 3\n3 3 5 5 5\n4 1 7 7 7\n"),
                {":12:", "y coordinate of atom 2: 'abc' is not a number"}},
        BadFile{"nan", "data", lammps_text("1 1 1 1 1\n2 2 3 3 3\n3 3 nan 5 5\n4 1 7 7 7\n"),
                {":13:", "x coordinate of atom 3 is not finite"}},
        BadFile{"inf", "data", lammps_text("1 1 1 1 1\n2 2 3 3 3\n3 3 5 5 -inf\n4 1 7 7 7\n"),
                {":13:", "z coordinate of atom 3 is not finite"}},
        BadFile{"columns", "data", lammps_text("1 1 1 1 1\n2 2 3 3\n3 3 5 5 5\n4 1 7 7 7\n"), {":12:", "expected 5 or 8 columns"}},
        BadFile{"tilt", "data", lammps_text(kGoodAtoms, "0 0 0 xy xz yz\n"), {":5:", "triclinic"}},
        BadFile{"style", "data", "t\n4 atoms\n3 atom types\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\nAtoms # full\n\n",
                {":7:", "atom style 'full' is not supported"}},
        BadFile{"no_box", "data", "t\n4 atoms\n3 atom types\n0 10 xlo xhi\n0 10 zlo zhi\nAtoms\n\n" + std::string(kGoodAtoms),
                {":6:", "no 'ylo yhi' line"}},
        BadFile{"inverted_box", "data", "t\n4 atoms\n3 atom types\n0 10 xlo xhi\n5 1 ylo yhi\n", {":5:", "yhi must exceed ylo"}},
        BadFile{"bad_header", "data", lammps_text(kGoodAtoms, "4 ellipsoids\n"), {":5:", "unrecognised header line"}},
        BadFile{"mass", "data", lammps_text(kGoodAtoms, "", "\nMasses\n\n1 1\n2 58.69\n3 1\n"),
                {":19:", "mass of type 2 is 58.69"}},
        BadFile{"negative_atoms", "data", lammps_text(kGoodAtoms, "", "", "-4"), {":3:", "number of atoms must be positive"}},
        BadFile{"no_atoms_section", "data", "t\n4 atoms\n3 atom types\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n",
                {"no Atoms section"}},
        BadFile{"empty", "lmp", "", {"empty file"}}),
    bad_file_name);

INSTANTIATE_TEST_SUITE_P(
    Extxyz, BadTextFile,
    ::testing::Values(
        BadFile{"truncated", "xyz", "3\n" + kXyzHeader + "Ni 1 1 1\nP 2 2 2\n", {":4:", "file ends after 2 of 3 atom lines"}},
        BadFile{"count_line", "xyz", "three\n" + kXyzHeader, {":1:", "number of atoms: 'three' is not an integer"}},
        BadFile{"unknown_element", "xyz", "2\n" + kXyzHeader + "Ni 1 1 1\nXe 2 2 2\n",
                {":4:", "unknown species 'Xe'", "Ni/A, P/B, Co/C"}},
        BadFile{"non_numeric", "xyz", "2\n" + kXyzHeader + "Ni 1 1 1\nP 2 two 2\n", {":4:", "y coordinate of atom 2: 'two'"}},
        BadFile{"nan", "xyz", "2\n" + kXyzHeader + "Ni 1 NaN 1\nP 2 2 2\n", {":3:", "y coordinate of atom 1 is not finite"}},
        BadFile{"columns", "xyz", "2\n" + kXyzHeader + "Ni 1 1 1 1\nP 2 2 2\n", {":3:", "expected 4 columns"}},
        BadFile{"no_lattice", "xyz", "1\nProperties=species:S:1:pos:R:3\nNi 1 1 1\n", {":2:", "no Lattice"}},
        BadFile{"triclinic", "xyz", "1\nLattice=\"10 0 0 1 10 0 0 0 10\"\nNi 1 1 1\n", {":2:", "not orthogonal"}},
        BadFile{"open_boundaries", "xyz", "1\nLattice=\"10 0 0 0 10 0 0 0 10\" pbc=\"T T F\"\nNi 1 1 1\n", {":2:", "periodic"}},
        BadFile{"no_pos", "xyz", "1\nLattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:xyz:R:3\nNi 1 1 1\n",
                {":2:", "no pos:R:3"}},
        BadFile{"type_disagrees", "xyz",
                "1\nLattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:pos:R:3:type:I:1\nNi 1 1 1 2\n",
                {":3:", "type 2 disagrees with species 'Ni'"}},
        BadFile{"unterminated", "xyz", "1\nLattice=\"10 0 0 0 10 0 0 0 10\n", {":2:", "unterminated"}},
        BadFile{"empty", "xyz", "\n\n", {"empty file"}}),
    bad_file_name);

TEST(ConfigurationErrors, MissingFileAndUnknownExtension) {
  const Model model = ka2_model();
  for (const char* ext : {"data", "xyz", "h5"}) {
    const std::string path = scratch_path(std::string("missing.") + ext);
    expect_error([&] { read_configuration(path, model); }, {path, "cannot open file"});
  }
  expect_error([&] { read_configuration("glass.pdb", model); }, {"glass.pdb", "unknown configuration format '.pdb'"});
  const Configuration c = io_configuration(model, 7, 1, false);
  expect_error([&] { write_configuration("/nonexistent-dir/out.data", c, model); }, {"/nonexistent-dir/out.data"});
  expect_error([&] { write_configuration("/nonexistent-dir/out.h5", c, model); }, {"/nonexistent-dir/out.h5"});
}

TEST(ConfigurationErrors, H5mdErrorsNameTheObject) {
  const Model model = ka2_model();
  const Configuration c = io_configuration(model, 7, 1, true);
  const std::string path = scratch_path("broken.h5");
  // Not H5MD at all.
  h5::File::create(path).write("x", std::vector<double>{1});
  expect_error([&] { read_configuration(path, model); }, {path, "not an H5MD file"});
  // Missing position group.
  write_configuration(path, c, model);
  h5::File::open(path, true).remove("particles/all/position");
  expect_error([&] { read_configuration(path, model); }, {path, "/particles/all/position", "no such dataset"});
  // Non-finite coordinate.
  write_configuration(path, c, model);
  {
    h5::File f = h5::File::open(path, true);
    std::vector<double> v = f.read<double>("particles/all/position/value");
    v[3 * 10 + 1] = std::numeric_limits<double>::quiet_NaN();
    f.remove("particles/all/position/value");
    f.write("particles/all/position/value", v, {1, 343, 3});
  }
  expect_error([&] { read_configuration(path, model); }, {path, "/particles/all/position/value", "non-finite position of particle 11"});
  // Species outside the model and wrong particle counts.
  write_configuration(path, c, model);
  {
    h5::File f = h5::File::open(path, true);
    f.remove("particles/all/species/value");
    std::vector<std::int32_t> s(343, 0);
    s[42] = 7;
    f.write("particles/all/species/value", s, {1, 343});
  }
  expect_error([&] { read_configuration(path, model); }, {path, "/particles/all/species/value", "species value 7 of particle 43"});
  write_configuration(path, c, model);
  {
    h5::File f = h5::File::open(path, true);
    f.remove("particles/all/velocity/value");
    f.write("particles/all/velocity/value", std::vector<double>(3 * 342, 0.0), {1, 342, 3});
  }
  expect_error([&] { read_configuration(path, model); }, {path, "/particles/all/velocity/value", "expected 343 x 3"});
  // Open boundaries.
  write_configuration(path, c, model);
  h5::File::open(path, true).open_group("particles/all/box").set_attribute(
      "boundary", std::vector<std::string>{"periodic", "none", "periodic"});
  expect_error([&] { read_configuration(path, model); }, {path, "/particles/all/box", "boundary 'none'"});
  std::remove(path.c_str());
}

TEST(ValidateConfiguration, AcceptsAGoodConfigurationAndRejectsASmallBox) {
  const Model model = ka2_model();
  const Configuration good = io_configuration(model, 7, 2, true);
  validate_configuration(good, model, "good.data");
  // 216 particles at density 1.35: L = 5.49 < 2 (2.5 + 0.3) = 5.6.
  const Configuration small = io_configuration(model, 6, 2, false);
  expect_error([&] { validate_configuration(small, model, "small.data"); },
               {"small.data: box too small for model KA2", "smallest edge 5.4", "2 x (largest pair cutoff 2.5 + skin 0.3) = 5.6"});
}

TEST(ValidateConfiguration, FindsOverlapsAcrossThePeriodicBoundaryLikeAllPairs) {
  const Model model = ka2_model();
  Configuration c = io_configuration(model, 8, 4, false);
  const int n = c.n();
  // Put particle 101 just across the x boundary from particle 7 (minimum image), four images away.
  const int i = 6, j = 100;
  const double l = c.box.length[0];
  const double target = 0.1 * model.sig(c.species[i], c.species[j]);
  // Translate everything along x (distances unchanged) so that particle 7 sits at x = 0.01 + 3 L.
  const double shift = 0.01 + 3 * l - c.pos[i];
  for (int k = 0; k < n; ++k) c.pos[k] += shift;
  c.pos[j] = 0.01 - target - l;
  c.pos[n + j] = c.pos[n + i] + 2 * l;
  c.pos[2 * n + j] = c.pos[2 * n + i];
  // Brute force over all pairs: exactly one pair is below 0.5 sigma_ij.
  int close = 0;
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b) {
      double r2 = 0;
      for (int d = 0; d < 3; ++d) {
        const double dx = c.pos[d * n + a] - c.pos[d * n + b];
        const double w = dx - c.box.length[d] * std::round(dx / c.box.length[d]);
        r2 += w * w;
      }
      close += std::sqrt(r2) < 0.5 * model.sig(c.species[a], c.species[b]);
    }
  ASSERT_EQ(close, 1);
  char distance[32];
  std::snprintf(distance, sizeof distance, "%.6g", target);
  expect_error([&] { validate_configuration(c, model, "c.h5"); },
               {"c.h5: overlapping particles 7 and 101 at distance " + std::string(distance)});
}

TEST(ValidateConfiguration, RejectsNonFiniteValuesAndForeignSpecies) {
  const Model model = ka2_model();
  Configuration c = io_configuration(model, 7, 8, true);
  c.vel[343 + 20] = std::numeric_limits<double>::infinity();
  expect_error([&] { validate_configuration(c, model, "v.data"); }, {"v.data", "non-finite velocity of particle 21"});
  c = io_configuration(model, 7, 8, true);
  c.pos[30] = std::nan("");
  expect_error([&] { validate_configuration(c, model, "p.data"); }, {"p.data", "non-finite position of particle 31"});
  c = io_configuration(model, 7, 8, true);
  c.species[5] = 3;
  expect_error([&] { validate_configuration(c, model, "s.data"); }, {"s.data", "particle 6 has species index 3"});
}

}  // namespace
}  // namespace tlsx::testing
