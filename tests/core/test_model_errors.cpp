// Bad model files give one-line errors naming the file and field.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "tlsx/core/error.hpp"
#include "tlsx/model/model.hpp"

namespace {

std::string write_temp(const std::string& text) {
  static int counter = 0;
  // ctest runs every test in its own process and in parallel: the pid keeps the files apart.
  const std::string path = ::testing::TempDir() + "tlsx_model_" + std::to_string(::getpid()) + "_" +
                           std::to_string(counter++) + ".toml";
  std::ofstream(path) << text;
  return path;
}

std::string load_error(const std::string& text) {
  const std::string path = write_temp(text);
  try {
    tlsx::load_model(path);
  } catch (const tlsx::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    return what;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return "";
}

const char* kGood = R"(density = 1.2
cutoff_ratio = 2.5
[[species]]
name = "A"
fraction = 0.8
[[species]]
name = "B"
fraction = 0.2
[epsilon]
A-A = 1.0
A-B = 1.5
B-B = 0.5
[sigma]
A-A = 1.0
A-B = 0.8
B-B = 0.88
)";

TEST(ModelFile, BinaryKobAndersenLoads) {
  const tlsx::Model m = tlsx::load_model(write_temp(kGood));
  EXPECT_EQ(m.n_species(), 2);
  EXPECT_DOUBLE_EQ(m.eps(1, 0), 1.5);
  EXPECT_EQ(m.composition(1000), (std::vector<int>{800, 200}));
}

TEST(ModelFile, ErrorsNameTheField) {
  std::string s = kGood;
  EXPECT_NE(load_error(s.substr(0, s.find("B-B = 0.88"))).find("sigma.B-B"), std::string::npos);
  std::string bad_num = kGood;
  bad_num.replace(bad_num.find("A-B = 1.5"), 9, "A-B = \"x\"");
  EXPECT_NE(load_error(bad_num).find("epsilon.A-B"), std::string::npos);
  std::string unknown = kGood;
  unknown.replace(unknown.find("A-B = 0.8"), 9, "A-Q = 0.8");
  EXPECT_NE(load_error(unknown).find("unknown species"), std::string::npos);
  std::string fractions = kGood;
  fractions.replace(fractions.find("fraction = 0.2"), 14, "fraction = 0.3");
  EXPECT_NE(load_error(fractions).find("fractions"), std::string::npos);
  EXPECT_NE(load_error("density = [1,").find(":1"), std::string::npos);  // syntax error with line
  EXPECT_THROW(tlsx::load_model("/nonexistent/model.toml"), tlsx::Error);
}

}  // namespace
