// The HDF5 wrapper: every element type round-trips, nested groups, attributes, extendable datasets,
// and failures are one-line tlsx::Errors naming the file and the object.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tlsx/core/error.hpp"
#include "tlsx/io/atomic_file.hpp"
#include "tlsx/io/hdf5_file.hpp"

namespace {

using tlsx::h5::Dataset;
using tlsx::h5::File;
using tlsx::h5::Group;

std::string scratch(const std::string& name) {
  return ::testing::TempDir() + "tlsx_h5_" + std::to_string(::getpid()) + "_" + name;
}

// Runs f, expects a tlsx::Error whose message contains every fragment and is one line.
template <class F>
void expect_error(F&& f, const std::vector<std::string>& fragments) {
  try {
    f();
    FAIL() << "expected tlsx::Error";
  } catch (const tlsx::Error& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    for (const std::string& s : fragments) EXPECT_NE(m.find(s), std::string::npos) << "'" << s << "' not in: " << m;
  }
}

TEST(Hdf5File, EveryElementTypeRoundTrips) {
  const std::string path = scratch("types.h5");
  const std::vector<double> d{1.0, -2.5, 1e-300, 3.141592653589793, 6.02e23, -0.0};
  const std::vector<std::int32_t> i32{1, -2, 2147483647, -2147483647 - 1};
  const std::vector<std::int64_t> i64{1, -2, 9007199254740993LL, -(1LL << 62)};
  const std::vector<std::uint8_t> flags{1, 0, 0, 1, 1};
  const std::vector<std::string> words{"A", "", "a longer string with spaces", "Ni"};
  {
    File f = File::create(path);
    f.write("d", d, {2, 3});
    f.write("i32", i32);
    f.write("i64", i64);
    f.write("flags", flags);
    f.write("vstr", words);
    f.write("fstr", words, {}, tlsx::h5::StringStorage::fixed);
  }
  File f = File::open(path);
  EXPECT_EQ(f.read<double>("d"), d);
  EXPECT_EQ(f.open_dataset("d").shape(), (tlsx::h5::Shape{2, 3}));
  EXPECT_EQ(f.read<std::int32_t>("i32"), i32);
  EXPECT_EQ(f.read<std::int64_t>("i64"), i64);
  EXPECT_EQ(f.read<std::uint8_t>("flags"), flags);
  EXPECT_EQ(f.read<std::string>("vstr"), words);
  EXPECT_EQ(f.read<std::string>("fstr"), words);
  EXPECT_TRUE(f.open_dataset("fstr").is_string());
  // Numeric conversion on read: int32 -> int64 and double.
  EXPECT_EQ(f.read<std::int64_t>("i32"), std::vector<std::int64_t>(i32.begin(), i32.end()));
  EXPECT_EQ(f.read<double>("i32")[2], 2147483647.0);
  std::remove(path.c_str());
}

TEST(Hdf5File, NestedGroupsMembersAndExistence) {
  const std::string path = scratch("groups.h5");
  {
    File f = File::create(path);
    Group g = f.create_group("a/b/c");
    EXPECT_EQ(g.path(), "/a/b/c");
    g.write("x", std::vector<double>{1, 2});
    f.require_group("a/b/d");
    f.require_group("a/b/d");  // opening an existing group is fine
    f.write("a/z", std::vector<std::int32_t>{7});  // intermediate groups made on demand
    expect_error([&] { f.create_group("a/b"); }, {path, "/a/b", "already exists"});
  }
  File f = File::open(path);
  EXPECT_TRUE(f.exists("a/b/c/x"));
  EXPECT_TRUE(f.exists("/a/b"));
  EXPECT_FALSE(f.exists("a/q/c"));
  EXPECT_FALSE(f.exists("a/b/c/y"));
  EXPECT_TRUE(f.is_group("a/b"));
  EXPECT_FALSE(f.is_group("a/b/c/x"));
  EXPECT_TRUE(f.is_dataset("a/b/c/x"));
  EXPECT_EQ(f.open_group("a").members(), (std::vector<std::string>{"b", "z"}));
  EXPECT_EQ(f.open_group("a/b").members(), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(f.open_group("a").open_group("b/c").read<double>("x"), (std::vector<double>{1, 2}));
  std::remove(path.c_str());
}

TEST(Hdf5File, AttributesOnFileGroupAndDataset) {
  const std::string path = scratch("attrs.h5");
  {
    File f = File::create(path);
    f.set_attribute("program", "tlsx");
    f.set_attribute("version", std::vector<int>{1, 1});
    Group g = f.create_group("g");
    g.set_attribute("T_Q", 0.0036);
    g.set_attribute("count", std::int64_t{1234567890123});
    g.set_attribute("masses", std::vector<double>{});  // an empty list (a library before the splitting stage)
    g.set_attribute("boundary", std::vector<std::string>{"periodic", "periodic", "none"});
    Dataset d = g.write("v", std::vector<double>{1, 2, 3});
    d.set_attribute("edges", std::vector<double>{1.5, 2.5, 3.5});
    d.set_attribute("unit", "sigma");
    d.set_attribute("unit", "nm");  // replacing is allowed
  }
  File f = File::open(path);
  EXPECT_EQ(f.attribute<std::string>("program"), "tlsx");
  EXPECT_EQ(f.attribute<std::vector<std::int64_t>>("version"), (std::vector<std::int64_t>{1, 1}));
  Group g = f.open_group("g");
  EXPECT_EQ(g.attribute<double>("T_Q"), 0.0036);
  EXPECT_EQ(g.attribute<std::int64_t>("count"), 1234567890123);
  EXPECT_EQ(g.attribute<double>("count"), 1234567890123.0);
  EXPECT_TRUE(g.attribute<std::vector<double>>("masses").empty());
  EXPECT_EQ(g.attribute<std::vector<std::string>>("boundary"),
            (std::vector<std::string>{"periodic", "periodic", "none"}));
  Dataset d = g.open_dataset("v");
  EXPECT_EQ(d.attribute<std::vector<double>>("edges"), (std::vector<double>{1.5, 2.5, 3.5}));
  EXPECT_EQ(d.attribute<std::string>("unit"), "nm");
  EXPECT_TRUE(d.has_attribute("edges"));
  EXPECT_FALSE(d.has_attribute("nope"));
  EXPECT_EQ(d.attribute_names(), (std::vector<std::string>{"edges", "unit"}));
  expect_error([&] { d.attribute<double>("nope"); }, {path, "/g/v", "missing attribute 'nope'"});
  expect_error([&] { d.attribute<double>("unit"); }, {path, "/g/v", "'unit'", "string"});
  expect_error([&] { d.attribute<double>("edges"); }, {path, "'edges'", "3 elements"});
  std::remove(path.c_str());
}

TEST(Hdf5File, ExtendableDatasetsAppendAndReadRows) {
  const std::string path = scratch("append.h5");
  {
    File f = File::create(path);
    Dataset t = f.create_extendable<double>("series/time", {});
    Dataset p = f.create_extendable<double>("series/value", {4, 3}, 2);
    Dataset s = f.create_extendable<std::string>("series/label", {});
    for (int frame = 0; frame < 5; ++frame) {
      EXPECT_EQ(t.append(std::vector<double>{0.5 * frame}), std::size_t(frame + 1));
      std::vector<double> v(12);
      for (int k = 0; k < 12; ++k) v[k] = 100 * frame + k;
      p.append(v);
      s.append(std::vector<std::string>{"frame " + std::to_string(frame)});
    }
    t.append(std::vector<double>{});  // no-op
    expect_error([&] { p.append(std::vector<double>(5)); }, {path, "/series/value", "multiple of the row size 12"});
  }
  File f = File::open(path);
  EXPECT_EQ(f.read<double>("series/time"), (std::vector<double>{0, 0.5, 1, 1.5, 2}));
  Dataset p = f.open_dataset("series/value");
  EXPECT_EQ(p.shape(), (tlsx::h5::Shape{5, 4, 3}));
  EXPECT_EQ(p.rows(), 5u);
  const std::vector<double> last = p.read_rows<double>(4, 1);
  ASSERT_EQ(last.size(), 12u);
  for (int k = 0; k < 12; ++k) EXPECT_EQ(last[k], 400 + k);
  const std::vector<double> mid = p.read_rows<double>(1, 2);
  ASSERT_EQ(mid.size(), 24u);
  EXPECT_EQ(mid[0], 100);
  EXPECT_EQ(mid[23], 211);
  EXPECT_EQ(f.open_dataset("series/label").read_rows<std::string>(3, 2),
            (std::vector<std::string>{"frame 3", "frame 4"}));
  expect_error([&] { p.read_rows<double>(4, 2); }, {path, "/series/value", "dataset has 5"});
  std::remove(path.c_str());
}

TEST(Hdf5File, ErrorsNameTheFileAndObject) {
  const std::string path = scratch("errors.h5");
  expect_error([&] { File::open(path); }, {path, "cannot open file"});
  {
    std::ofstream(path) << "not hdf5\n";
  }
  expect_error([&] { File::open(path); }, {path, "not an HDF5 file"});
  File::create(path).write("g/x", std::vector<double>{1});
  File f = File::open(path);
  expect_error([&] { f.open_dataset("g/y"); }, {path + ": /g/y", "no such dataset"});
  expect_error([&] { f.open_group("g/x"); }, {path + ": /g/x", "not a group"});
  expect_error([&] { f.read<std::string>("g/x"); }, {path + ": /g/x", "numbers, not strings"});
  expect_error([&] { f.write("w", std::vector<double>{1}); }, {path, "/w", "cannot create dataset"});  // read-only
  expect_error([&] { File::create("/nonexistent-dir/x.h5"); }, {"/nonexistent-dir/x.h5", "cannot create"});
  std::remove(path.c_str());
}

TEST(AtomicFile, ReplacesOnlyOnSuccess) {
  const std::string path = scratch("atomic.txt");
  tlsx::write_text_atomically(path, "first\n");
  auto content = [&] {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(content(), "first\n");
  // A writer that fails half-way leaves the old file and no temporary behind.
  EXPECT_THROW(tlsx::write_atomically(path,
                                      [&](const std::string& tmp) {
                                        std::ofstream(tmp) << "half";
                                        throw tlsx::Error("simulated failure");
                                      }),
               tlsx::Error);
  EXPECT_EQ(content(), "first\n");
  EXPECT_FALSE(std::ifstream(tlsx::temporary_path(path)).good());
  // A writer that produces nothing cannot be synced: an Error, old file kept.
  expect_error([&] { tlsx::write_atomically(path, [](const std::string&) {}); }, {path, "cannot sync"});
  EXPECT_EQ(content(), "first\n");
  // HDF5 through the same helper.
  const std::string h5 = scratch("atomic.h5");
  tlsx::write_atomically(h5, [](const std::string& tmp) { File::create(tmp).write("x", std::vector<double>{2}); });
  EXPECT_EQ(File::open(h5).read<double>("x"), std::vector<double>{2});
  expect_error([&] { tlsx::write_text_atomically("/nonexistent-dir/y.txt", "x"); }, {"/nonexistent-dir/y.txt"});
  std::remove(path.c_str());
  std::remove(h5.c_str());
}

}  // namespace
