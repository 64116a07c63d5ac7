// What fuzzing the readers found or guards against (docs/reliability.md, "Fuzzing"), one test per
// finding, each from the input that showed it: rejections stay one line whatever the file quotes,
// counts and extents in a file never size a buffer beyond what the file holds, and no conversion
// or arithmetic on file values is undefined (the sanitizer build, scripts/sanitize.sh, runs these).
#include <gtest/gtest.h>

#include <hdf5.h>

#include <cstdio>
#include <string>
#include <vector>

#include "io_test_support.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/io/configuration.hpp"
#include "tlsx/io/hdf5_file.hpp"

namespace {

using namespace tlsx;
using tlsx::testing::expect_error;
using tlsx::testing::io_configuration;
using tlsx::testing::scratch_path;
using tlsx::testing::write_text;

TEST(ErrorMessages, ControlCharactersBecomeVisibleEscapesOnOneLine) {
  const Error e(std::string("a\nb\rc\x1b[31md\te\x7f") + "\xc3\xa9");
  EXPECT_EQ(std::string(e.what()), "a\\nb\\rc\\x1b[31md\te\\x7f\xc3\xa9");
  EXPECT_EQ(std::string(input_error("f.data", 3, "x\ny").what()), "f.data:3: x\\ny");
}

// Found by fuzz_extxyz: a count line starting with a carriage return was quoted raw.
TEST(MalformedText, ExtxyzLineWithACarriageReturnGivesAOneLineError) {
  const std::string path = scratch_path("cr.xyz");
  write_text(path, std::string("\rjt\x1ftie=\x89\"6 02\nLattice:1:p1 10 0latti02\n 0 0 0\n"));
  expect_error([&] { read_configuration(path, ka2_model()); }, {":1:", "expected the number of atoms", "\\rjt\\x1ftie"});
  std::remove(path.c_str());
}

TEST(MalformedText, LammpsAtomCountBeyondTheFileIsRefusedBeforeSizingArrays) {
  const std::string path = scratch_path("count.data");
  for (const char* count : {"3000000000", "2147483648", "40"}) {
    write_text(path, std::string("t\n\n") + count +
                         " atoms\n1 atom types\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\nAtoms\n\n1 1 1 1 1\n");
    expect_error([&] { read_configuration(path, ka2_model()); },
                 {":11:", "Atoms section (line 9) ends after 1 of " + std::string(count) + " atom lines"});
  }
  std::remove(path.c_str());
}

TEST(MalformedText, ExtxyzColumnCountsThatWouldOverflowAreRefused) {
  const std::string path = scratch_path("columns.xyz");
  write_text(path, "1\nLattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:pos:R:3:f:R:2147483647:g:R:2147483647\n"
                   "Ni 1 1 1\n");
  expect_error([&] { read_configuration(path, ka2_model()); }, {":2:", "more than 65536 fields per line"});
  std::remove(path.c_str());
}

// A huge, sparse box must not size the overlap check's cell grid (the cell count was the box
// edge over 0.5 sigma per axis, cubed, and its conversion to int overflowed); the coarser grid
// still finds an overlap across the periodic boundary, as the all-pairs definition does.
TEST(MalformedText, OverlapCheckInAHugeBoxIsBoundedAndStillFindsOverlaps) {
  const Model model = ka2_model();
  Configuration c;
  const double l = 1e8;  // 2e8 cells of 0.5 sigma per axis: 8e24 cells before the bound
  c.box = Box::cubic(l);
  c.species = {0, 0, 1};
  c.pos = {0.1, l - 0.1, 5e7, /*y*/ 1.0, 1.0, 5e7, /*z*/ 1.0, 1.0, 5e7};
  expect_error([&] { validate_configuration(c, model, "huge.data"); }, {"overlapping particles 1 and 2"});
  c.pos[1] = 3.0;  // now 2 sigma apart: valid
  EXPECT_NO_THROW(validate_configuration(c, model, "huge.data"));
}

// Found by fuzz_h5md: a coordinate of 1.2e289 in a box of 7 reached the overlap grid's cell index as
// an out-of-range float-to-int conversion. A coordinate so far outside the box has lost the digits
// that place it inside: refused with its particle named; unwrapped coordinates a few boxes away stay valid.
TEST(MalformedText, CoordinateFarOutsideTheBoxIsRefusedNamingTheParticle) {
  const Model model = ka2_model();
  Configuration c = io_configuration(model, 7, 8, true);
  const double l = c.box.length[1];
  c.pos[343 + 12] += 3.0 * l;  // particle 13, three boxes away in y: an unwrapped coordinate
  EXPECT_NO_THROW(validate_configuration(c, model, "far.h5"));
  c.pos[343 + 12] = 1.23093e289;
  expect_error([&] { validate_configuration(c, model, "far.h5"); }, {"far.h5", "particle 13 lies", "box lengths from the box"});
}

// A dataset whose extents promise more values than the file stores (made without data, as a
// corrupt or truncated file has it) is refused before a buffer of that size is allocated.
TEST(MalformedHdf5, DatasetWithExtentsButNoStoredValuesIsRefused) {
  const std::string path = scratch_path("unwritten.h5");
  {
    const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t dims[2] = {4000000000ull, 3};
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    const hid_t d = H5Dcreate2(f, "x", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(d, 0);
    H5Dclose(d);
    H5Sclose(space);
    H5Fclose(f);
  }
  const h5::File f = h5::File::open(path);
  expect_error([&] { f.read<double>("x"); }, {path, "/x", "12000000000 values stores only 0 bytes"});
  expect_error([&] { f.open_dataset("x").read_rows<double>(5, 1); }, {path, "/x", "never written"});
  std::remove(path.c_str());
}

// Replaces the position element's step array by H5MD's fixed interval: a scalar step dataset (the
// interval) with an offset attribute.
void replace_step_by_interval(const std::string& path, double interval, double offset) {
  {
    h5::File f = h5::File::open(path, true);
    f.remove("particles/all/position/step");
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t d = H5Dcreate2(f.id(), "particles/all/position/step", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                               H5P_DEFAULT);
    ASSERT_GE(d, 0);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &interval);
    H5Dclose(d);
    H5Sclose(space);
  }
  h5::File::open(path, true).open_dataset("particles/all/position/step").set_attribute("offset", offset);
}

// An H5MD element with a fixed time interval: offset + frame x interval is computed in double and
// range-checked before it becomes the integer step (the cast of a huge double was undefined).
TEST(MalformedHdf5, H5mdFixedIntervalStepOutOfRangeIsRefused) {
  const Model model = ka2_model();
  const std::string path = scratch_path("interval.h5");
  write_configuration(path, io_configuration(model, 7, 1, false), model);
  replace_step_by_interval(path, 1e30, 5e30);
  expect_error([&] { read_configuration(path, model); }, {path, "/particles/all/position/step", "out of range"});
  replace_step_by_interval(path, 10.0, 5.0);
  EXPECT_EQ(read_configuration(path, model).step, 5);  // frame 0: offset + 0 x interval
  std::remove(path.c_str());
}

}  // namespace
