// Configuration files: write -> read gives back the same configuration in every format and across
// formats; files written by LAMMPS and by ASE-style writers are read as those programs define them;
// the H5MD layout is what h5py (and so MDAnalysis / pyh5md) sees.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "io_test_support.hpp"
#include "tlsx/io/configuration.hpp"
#include "tlsx/io/extxyz.hpp"
#include "tlsx/io/h5md.hpp"
#include "tlsx/io/hdf5_file.hpp"
#include "tlsx/io/lammps_data.hpp"

namespace tlsx::testing {
namespace {

class FormatRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(FormatRoundTrip, WriteThenReadGivesTheSameConfiguration) {
  const Model model = ka2_model();
  for (bool velocities : {true, false}) {
    const Configuration c = io_configuration(model, 7, 11 + velocities, velocities);
    const std::string path = scratch_path("roundtrip." + GetParam());
    write_configuration(path, c, model);
    const Configuration back = read_configuration(path, model);
    // LAMMPS data files hold wrapped positions and image flags: unwrapping rounds once.
    expect_same_configuration(c, back, GetParam() != "data");
    EXPECT_EQ(back.has_velocities(), velocities);
    EXPECT_EQ(back.step, c.step);
    EXPECT_EQ(back.time, c.time);
    validate_configuration(back, model, path);
    EXPECT_FALSE(std::ifstream(path + ".tmp." + std::to_string(::getpid())).good()) << "temporary left behind";
    std::remove(path.c_str());
  }
}

INSTANTIATE_TEST_SUITE_P(AllFormats, FormatRoundTrip, ::testing::Values("data", "lmp", "xyz", "extxyz", "h5", "hdf5"));

TEST(ConfigurationIo, CrossFormatConversionsPreserveTheConfiguration) {
  const Model model = ka2_model();
  const Configuration c = io_configuration(model, 7, 5, true);
  // data -> xyz -> h5 -> data -> h5 -> xyz: only the LAMMPS step may round positions (once per pass).
  Configuration current = c;
  for (const char* ext : {"data", "xyz", "h5", "data", "h5", "xyz"}) {
    const std::string path = scratch_path(std::string("chain.") + ext);
    write_configuration(path, current, model);
    current = read_configuration(path, model);
    std::remove(path.c_str());
  }
  const int n = c.n();
  for (int k = 0; k < 3 * n; ++k)
    ASSERT_LE(std::fabs(current.pos[k] - c.pos[k]), 2e-15 * std::max(std::fabs(c.pos[k]), c.box.length[0]));
  EXPECT_EQ(current.species, c.species);
  EXPECT_EQ(current.vel, c.vel);
  EXPECT_EQ(current.step, c.step);
}

// tests/data/lammps_ka2_small.data was written by LAMMPS 29 Sep 2021 (write_data, see
// tests/data/README.md): atoms out of id order, image flags, xlo = 0, Velocities.
TEST(ConfigurationIo, ReadsAFileWrittenByLammps) {
  const Model model = ka2_model();
  const std::string path = data_file("lammps_ka2_small.data");
  const Configuration c = read_configuration(path, model);
  ASSERT_EQ(c.n(), 343);
  EXPECT_EQ(c.box.length[0], 6.33364110538811);
  EXPECT_EQ(c.box.length[2], 6.33364110538811);
  EXPECT_EQ(model.composition(343), (std::vector<int>{229, 57, 57}));
  std::vector<int> counts(3, 0);
  for (int s : c.species) ++counts[s];
  EXPECT_EQ(counts, model.composition(343));
  ASSERT_TRUE(c.has_velocities());
  validate_configuration(c, model, path);
  // Independently of the reader: the file's own lines for atom ids 227 and 286.
  std::ifstream in(path);
  std::string line;
  int checked = 0;
  bool in_atoms = false, in_velocities = false;
  while (std::getline(in, line)) {
    if (line.rfind("Atoms", 0) == 0) in_atoms = true, in_velocities = false;
    if (line.rfind("Velocities", 0) == 0) in_atoms = false, in_velocities = true;
    std::istringstream f(line);
    long id = 0;
    if (!(f >> id) || (id != 227 && id != 286)) continue;
    const int i = static_cast<int>(id - 1);
    if (in_atoms) {
      int type, ix, iy, iz;
      double x, y, z;
      ASSERT_TRUE(f >> type >> x >> y >> z >> ix >> iy >> iz);
      EXPECT_EQ(c.species[i], type - 1);
      const double l = c.box.length[0];
      EXPECT_NEAR(c.pos[i], x + ix * l, 1e-14);
      EXPECT_NEAR(c.pos[343 + i], y + iy * l, 1e-14);
      EXPECT_NEAR(c.pos[686 + i], z + iz * l, 1e-14);
      ++checked;
    } else if (in_velocities) {
      double vx, vy, vz;
      ASSERT_TRUE(f >> vx >> vy >> vz);
      EXPECT_EQ(c.vel[i], vx);
      EXPECT_EQ(c.vel[343 + i], vy);
      EXPECT_EQ(c.vel[686 + i], vz);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 4);
}

TEST(ConfigurationIo, LammpsReaderShiftsTheOriginSortsIdsAndTakesOptionalImageFlags) {
  const Model model = ka2_model();
  const std::string path = scratch_path("shifted.data");
  write_text(path,
             "LAMMPS data file via write_data, version 29 Sep 2021, timestep = 77, units = lj\n"
             "\n"
             "3 atoms\n"
             "3 atom types\n"
             "-1.5 8.5 xlo xhi\n"
             "0 10 ylo yhi\n"
             "2 12 zlo zhi  # comment\n"
             "\n"
             "PairIJ Coeffs # lj/cut\n"
             "\n1 1 1 1\n1 2 1 1\n1 3 1 1\n2 2 1 1\n2 3 1 1\n3 3 1 1\n"
             "\n"
             "Atoms\n"
             "\n"
             "3 3 0.5 1.0 2.5 1 0 -1\n"
             "1 1 -1.5 0.0 2.0 0 0 0\n"
             "2 2 8.0 5.0 11.0 -2 1 0\n"
             "\n"
             "Velocities\n"
             "\n"
             "2 0.2 0.0 0.0\n"
             "3 0.3 0.0 0.0\n"
             "1 0.1 0.0 0.0\n");
  const Configuration c = read_configuration(path, model);
  ASSERT_EQ(c.n(), 3);
  EXPECT_EQ(c.step, 77);
  EXPECT_EQ(c.species, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(c.box.length[0], 10.0);
  // x - xlo + ix Lx etc.
  const std::vector<double> expected = {0.0, 9.5 - 20.0, 2.0 + 10.0,  // x of ids 1, 2, 3
                                        0.0, 5.0 + 10.0, 1.0,         // y
                                        0.0, 9.0,        0.5 - 10.0}; // z
  for (int k = 0; k < 9; ++k) EXPECT_DOUBLE_EQ(c.pos[k], expected[k]) << k;
  EXPECT_EQ(c.vel[0], 0.1);
  EXPECT_EQ(c.vel[1], 0.2);
  EXPECT_EQ(c.vel[2], 0.3);
  // Without image flags (5 columns) the coordinates are taken as they are.
  write_text(path, "title\n2 atoms\n2 atom types\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\nMasses\n\n1 1.0\n2 1\n\n"
                   "Atoms # atomic\n\n2 2 11.0 1 1\n1 1 -0.5 2 2\n");
  const Configuration d = read_configuration(path, model);
  EXPECT_EQ(d.pos, (std::vector<double>{-0.5, 11.0, 2, 1, 2, 1}));
  EXPECT_FALSE(d.has_velocities());
  std::remove(path.c_str());
}

TEST(ConfigurationIo, WrittenLammpsFileHasImageFlagsMassesAndWrappedPositions) {
  const Model model = ka2_model();
  const Configuration c = io_configuration(model, 7, 3, true);
  const std::string path = scratch_path("written.data");
  write_configuration(path, c, model);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("343 atoms\n3 atom types\n"), std::string::npos);
  EXPECT_NE(text.find("\nAtoms # atomic\n"), std::string::npos);
  EXPECT_NE(text.find("\nMasses\n\n1 1 # A\n2 1 # B\n3 1 # C\n"), std::string::npos);
  EXPECT_NE(text.find("\nVelocities\n"), std::string::npos);
  EXPECT_NE(text.find("timestep = 123456"), std::string::npos);
  // Every Atoms line: 8 columns, wrapped coordinates in [0, L), integer image flags.
  std::istringstream s(text.substr(text.find("Atoms # atomic")));
  std::string line;
  std::getline(s, line);
  std::getline(s, line);
  int atoms = 0, nonzero_images = 0;
  while (std::getline(s, line) && !line.empty()) {
    std::istringstream f(line);
    long id, type, image[3];
    double x[3];
    ASSERT_TRUE(f >> id >> type >> x[0] >> x[1] >> x[2] >> image[0] >> image[1] >> image[2]) << line;
    for (int d = 0; d < 3; ++d) {
      EXPECT_GE(x[d], 0.0);
      EXPECT_LT(x[d], c.box.length[d]);
      nonzero_images += image[d] != 0;
    }
    ++atoms;
  }
  EXPECT_EQ(atoms, 343);
  EXPECT_GT(nonzero_images, 50);  // io_configuration displaces every third particle
  std::remove(path.c_str());
}

TEST(ConfigurationIo, ExtxyzReadsAseStyleFiles) {
  const Model model = ka2_model();
  const std::string path = scratch_path("ase.xyz");
  // As ASE writes it (keys in another order, momenta instead of velocities, padded species),
  // with species given both as element symbols and as model species names, and an Origin.
  write_text(path,
             "3\n"
             "Properties=species:S:1:pos:R:3:momenta:R:3 Lattice=\"10.0 0.0 0.0 0.0 11.0 0.0 0.0 0.0 12.0\" "
             "energy=-3.5 pbc=\"T T T\" Origin=\"1.0 0.0 0.0\" flag time=2.5\n"
             "Ni       2.00000000       3.00000000       4.00000000       0.10000000       0.00000000       0.00000000\n"
             "B        5.00000000       6.00000000       7.00000000       0.20000000       0.00000000       0.00000000\n"
             "Co      -1.00000000      13.00000000       0.50000000       0.30000000       0.00000000      -1.00000000\n");
  const Configuration c = read_configuration(path, model);
  ASSERT_EQ(c.n(), 3);
  EXPECT_EQ(c.species, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(c.box.length[1], 11.0);
  EXPECT_EQ(c.time, 2.5);
  EXPECT_EQ(c.pos, (std::vector<double>{1, 4, -2, 3, 6, 13, 4, 7, 0.5}));
  EXPECT_EQ(c.vel, (std::vector<double>{0.1, 0.2, 0.3, 0, 0, 0, 0, 0, -1}));  // masses 1
  // Two frames: the last one is read.
  write_text(path,
             "1\nLattice=\"9 0 0 0 9 0 0 0 9\" Properties=pos:R:3:species:S:1\n1 2 3 Ni\n"
             "1\nLattice=\"9 0 0 0 9 0 0 0 9\" Properties=pos:R:3:species:S:1\n4 5 6 P\n\n");
  const Configuration last = read_configuration(path, model);
  EXPECT_EQ(last.pos, (std::vector<double>{4, 5, 6}));
  EXPECT_EQ(last.species, (std::vector<int>{1}));
  std::remove(path.c_str());
}

TEST(ConfigurationIo, ExtxyzHeaderIsWhatAseAndOvitoExpect) {
  const Model model = ka2_model();
  const Configuration c = io_configuration(model, 7, 9, true);
  const std::string path = scratch_path("header.xyz");
  write_configuration(path, c, model);
  std::ifstream in(path);
  std::string count, header, first;
  std::getline(in, count);
  std::getline(in, header);
  std::getline(in, first);
  EXPECT_EQ(count, "343");
  EXPECT_EQ(header.rfind("Lattice=\"", 0), 0u) << header;
  EXPECT_NE(header.find(" 0 0 0 "), std::string::npos);
  EXPECT_NE(header.find("Properties=species:S:1:pos:R:3:vel:R:3:type:I:1 "), std::string::npos) << header;
  EXPECT_NE(header.find("pbc=\"T T T\""), std::string::npos);
  EXPECT_NE(header.find("Time=308.63999999999999"), std::string::npos) << header;
  const std::string element = first.substr(0, first.find(' '));
  EXPECT_EQ(element, model.species[c.species[0]].element);
  EXPECT_EQ(first.substr(first.rfind(' ') + 1), std::to_string(c.species[0] + 1));
  std::remove(path.c_str());
}

// The python interpreter with h5py, or "" (then the check is skipped).
std::string python_with_h5py() {
  for (const char* py : {"python3", "/usr/bin/python3"})
    if (std::system((std::string(py) + " -c 'import h5py' >/dev/null 2>&1").c_str()) == 0) return py;
  return "";
}

TEST(ConfigurationIo, H5mdLayoutAsH5pySeesIt) {
  const std::string py = python_with_h5py();
  if (py.empty()) GTEST_SKIP() << "python3 with h5py not available";
  const Model model = ka2_model();
  const Configuration c = io_configuration(model, 7, 21, true);
  const std::string path = scratch_path("layout.h5");
  const std::string report = scratch_path("layout.txt");
  write_configuration(path, c, model);
  // What MDAnalysis's H5MDReader and pyh5md read: /h5md version, box attributes, time-dependent
  // edges/position/velocity/species with step, time and value[frame].
  const std::string script =
      "import h5py, sys\n"
      "f = h5py.File(sys.argv[1], 'r')\n"
      "out = open(sys.argv[2], 'w')\n"
      "assert list(f['h5md'].attrs['version']) == [1, 1]\n"
      "assert f['h5md/creator'].attrs['name'] == 'tlsx'\n"
      "assert 'version' in f['h5md/creator'].attrs and 'name' in f['h5md/author'].attrs\n"
      "box = f['particles/all/box']\n"
      "assert box.attrs['dimension'] == 3\n"
      "assert [str(b) for b in box.attrs['boundary']] == ['periodic'] * 3\n"
      "p = f['particles/all/position']\n"
      "assert p['value'].shape == (1, 343, 3) and p['step'].shape == (1,) and p['time'].shape == (1,)\n"
      "assert f['particles/all/velocity/value'].shape == (1, 343, 3)\n"
      "assert f['particles/all/species/value'].shape == (1, 343)\n"
      "assert box['edges/value'].shape == (1, 3)\n"
      "out.write('%d %.17g %.17g %.17g %.17g %d %.17g\\n' % (p['step'][0], p['time'][0], box['edges/value'][0, 1],\n"
      "          p['value'][0, 5, 2], f['particles/all/velocity/value'][0, 7, 0],\n"
      "          f['particles/all/species/value'][0, 9], p['value'][0, :, :].sum()))\n";
  const std::string script_path = scratch_path("layout.py");
  write_text(script_path, script);
  ASSERT_EQ(std::system((py + " " + script_path + " " + path + " " + report).c_str()), 0) << "h5py layout check failed";
  std::ifstream in(report);
  long step;
  double time, edge, z5, vx7, sum;
  int species9;
  ASSERT_TRUE(in >> step >> time >> edge >> z5 >> vx7 >> species9 >> sum);
  const int n = c.n();
  EXPECT_EQ(step, c.step);
  EXPECT_EQ(time, c.time);
  EXPECT_EQ(edge, c.box.length[1]);
  EXPECT_EQ(z5, c.pos[2 * n + 5]);
  EXPECT_EQ(vx7, c.vel[7]);
  EXPECT_EQ(species9, c.species[9]);
  double expected_sum = 0.0;
  for (double x : c.pos) expected_sum += x;
  EXPECT_NEAR(sum, expected_sum, 1e-9 * std::fabs(expected_sum) + 1e-9);
  for (const std::string& p : {path, report, script_path}) std::remove(p.c_str());
}

TEST(ConfigurationIo, H5mdReaderAcceptsFixedEdgesAndOneBasedSpecies) {
  const Model model = ka2_model();
  const std::string path = scratch_path("foreign.h5");
  {
    // The other legal layout: fixed box edges, species as 1-based types (LAMMPS dump h5md), no names.
    h5::File f = h5::File::create(path);
    f.create_group("h5md").set_attribute("version", std::vector<int>{1, 0});
    h5::Group box = f.create_group("particles/atoms/box");
    box.set_attribute("dimension", 3);
    box.set_attribute("boundary", std::vector<std::string>{"periodic", "periodic", "periodic"});
    box.write("edges", std::vector<double>{7, 8, 9});
    h5::Group pos = f.create_group("particles/atoms/position");
    pos.write("step", std::vector<std::int64_t>{0, 100});
    pos.write("time", std::vector<double>{0.0, 0.5});
    pos.write("value", std::vector<double>{0, 0, 0, 1, 1, 1, /* frame 1 */ 1, 2, 3, 4, 5, 6}, {2, 2, 3});
    f.open_group("particles/atoms").write("species", std::vector<std::int32_t>{3, 1});
  }
  const Configuration c = read_configuration(path, model);
  ASSERT_EQ(c.n(), 2);
  EXPECT_EQ(c.box.length[2], 9.0);
  EXPECT_EQ(c.step, 100);
  EXPECT_EQ(c.time, 0.5);
  EXPECT_EQ(c.pos, (std::vector<double>{1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(c.species, (std::vector<int>{2, 0}));
  EXPECT_FALSE(c.has_velocities());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace tlsx::testing
