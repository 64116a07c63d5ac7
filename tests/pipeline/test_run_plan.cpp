// tlsx run's plan: a preset becomes the stage command lines a user would type, and a bad preset
// is refused with the file, line and key.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tlsx/core/error.hpp"
#include "tlsx/pipeline/run_plan.hpp"

namespace {

using tlsx::RunPlan;

const char* kTwoColumns = R"(
[run]
seed = 7
threads = 2
model = "models/ka2.toml"

[prepare]
n = 300
steps = 1000

[explore]
temperature = 0.4
store_is = "all"

[neb]
images = 16
climb = true
spring_only = false

[splitting]
mass = [5250.0, 1200]

[[column]]
fictive_temperature = 0.617
glasses = 3
tau_cg = 11
n_cg = 50

[[column]]
fictive_temperature = 0.558
glasses = 2
tau_cg = 17
n_cg = 40
)";

bool has_sequence(const std::vector<std::string>& args, const std::vector<std::string>& seq) {
  return std::search(args.begin(), args.end(), seq.begin(), seq.end()) != args.end();
}

std::string joined(const std::vector<std::string>& args) {
  std::string s;
  for (const std::string& a : args) s += a + " ";
  return s;
}

TEST(RunPlan, StagesPerColumnThenMergeAndAnalyze) {
  const RunPlan p = tlsx::make_run_plan_from_text(kTwoColumns, "two.toml", "presets", "out");
  ASSERT_EQ(p.columns.size(), 2u);
  ASSERT_EQ(p.stages.size(), 2u * 4 + 2);
  const std::vector<std::string> order = {"prepare", "explore", "neb", "splitting", "prepare", "explore",
                                          "neb",     "splitting", "merge", "analyze"};
  for (std::size_t k = 0; k < order.size(); ++k) EXPECT_EQ(p.stages[k].stage, order[k]);
  EXPECT_EQ(p.columns[0].directory, "out/Tf0.617");
  EXPECT_EQ(p.columns[1].directory, "out/Tf0.558");
  // Glass ids continue across columns so that no two glasses share random streams.
  EXPECT_EQ(p.columns[0].first_glass, 0);
  EXPECT_EQ(p.columns[1].first_glass, 3);

  const auto& prep = p.stages[4].args;
  EXPECT_TRUE(has_sequence(prep, {"--temperature", "0.558", "--glasses", "2", "--first-glass", "3"})) << joined(prep);
  EXPECT_TRUE(has_sequence(prep, {"--seed", "7"})) << joined(prep);
  EXPECT_TRUE(has_sequence(prep, {"--threads", "2"})) << joined(prep);
  EXPECT_TRUE(has_sequence(prep, {"--model", "presets/models/ka2.toml"})) << joined(prep);
  EXPECT_TRUE(has_sequence(prep, {"--n", "300", "--steps", "1000"})) << joined(prep);
  EXPECT_EQ(p.stages[4].output, "out/Tf0.558/glasses.h5");

  const auto& explore = p.stages[1].args;
  EXPECT_TRUE(has_sequence(explore, {"explore", "out/Tf0.617/glasses.h5", "-o", "out/Tf0.617/explore.h5"}));
  EXPECT_TRUE(has_sequence(explore, {"--tau-cg", "11", "--n-cg", "50"})) << joined(explore);
  EXPECT_TRUE(has_sequence(explore, {"--store-is", "all"})) << joined(explore);
  EXPECT_TRUE(has_sequence(explore, {"--temperature", "0.4"})) << joined(explore);
  EXPECT_TRUE(p.stages[1].checkpointed);
  EXPECT_TRUE(p.stages[0].checkpointed);  // prepare

  const auto& neb = p.stages[2].args;
  EXPECT_TRUE(has_sequence(neb, {"--images", "16"})) << joined(neb);
  EXPECT_EQ(std::count(neb.begin(), neb.end(), "--climb"), 1) << joined(neb);
  EXPECT_EQ(std::count(neb.begin(), neb.end(), "--spring-only"), 0);  // false flags are left out
  EXPECT_TRUE(has_sequence(p.stages[3].args, {"--mass", "5250", "1200"})) << joined(p.stages[3].args);

  EXPECT_TRUE(has_sequence(p.stages[8].args, {"merge", "out/Tf0.617/library.h5", "out/Tf0.558/library.h5", "-o",
                                              "out/library.h5"}));
  EXPECT_TRUE(has_sequence(p.stages[9].args, {"analyze", "out/library.h5", "--report", "out/report"}));
}

TEST(RunPlan, CommandLineOverridesWin) {
  const RunPlan p = tlsx::make_run_plan_from_text(kTwoColumns, "two.toml", ".", "out", "cpu", 1);
  EXPECT_TRUE(has_sequence(p.stages[0].args, {"--backend", "cpu", "--threads", "1"})) << joined(p.stages[0].args);
}

void expect_refused(const std::string& text, const std::vector<std::string>& fragments) {
  try {
    tlsx::make_run_plan_from_text(text, "bad.toml", ".", "out");
    FAIL() << "accepted:\n" << text;
  } catch (const tlsx::Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    for (const std::string& f : fragments) EXPECT_NE(what.find(f), std::string::npos) << what << " lacks " << f;
  }
}

TEST(RunPlan, BadPresetsAreRefusedWithFileLineAndKey) {
  const std::string column = "[[column]]\nfictive_temperature = 0.6\nglasses = 2\ntau_cg = 5\nn_cg = 10\n";
  expect_refused("[run]\nseed = 1\n", {"bad.toml", "no [[column]]"});
  expect_refused("[explorer]\nx = 1\n" + column, {"bad.toml:1:", "unknown table or key 'explorer'"});
  expect_refused("[run]\nbackend = \"gpu\"\n" + column, {"bad.toml:2:", "[run] backend"});
  expect_refused("[run]\nseeds = 1\n" + column, {"bad.toml:2:", "unknown key 'seeds'"});
  expect_refused("[explore]\noutput = \"x.h5\"\n" + column, {"bad.toml:2:", "[explore] output", "set by tlsx run"});
  expect_refused("[prepare]\nmax_hours = 2\n" + column, {"bad.toml:2:", "[prepare] max_hours", "set by tlsx run"});
  expect_refused("[[column]]\nfictive_temperature = 0.6\nglasses = 2\ntau_cg = 5\n", {"bad.toml", "n_cg is missing"});
  expect_refused("[[column]]\nfictive_temperature = 0.6\nglasses = 2.5\ntau_cg = 5\nn_cg = 10\n",
                 {"bad.toml:3:", "glasses: expected an integer"});
  expect_refused("[[column]]\nfictive_temperature = -0.6\nglasses = 2\ntau_cg = 5\nn_cg = 10\n",
                 {"bad.toml:2:", "must be positive"});
  expect_refused(column + "temperature = 1\n", {"bad.toml:6:", "unknown key 'temperature'"});
  expect_refused(column + column, {"bad.toml", "0.6 appears twice"});
  expect_refused("[prepare\nn = 1\n", {"bad.toml:1:"});
}

TEST(RunPlan, ShortestDecimalReadsBackExactly) {
  EXPECT_EQ(tlsx::shortest_decimal(0.4), "0.4");
  EXPECT_EQ(tlsx::shortest_decimal(0.617), "0.617");
  EXPECT_EQ(tlsx::shortest_decimal(1e-10), "1e-10");
  EXPECT_EQ(tlsx::shortest_decimal(5250.0), "5250");
  EXPECT_EQ(tlsx::shortest_decimal(-3.0), "-3");
  const double third = 1.0 / 3.0;
  EXPECT_EQ(std::stod(tlsx::shortest_decimal(third)), third);
}

TEST(RunPlan, ShippedPresetsParse) {
  for (const char* name : {"configs/smoke", "configs/paper-dataset1", "configs/paper-dataset2",
                           "bench/presets/n1200-short", "tests/data/tiny_run"}) {
    const std::string path = std::string(TLSX_SOURCE_DIR) + "/" + name + ".toml";
    const RunPlan p = tlsx::make_run_plan(path, "out");
    EXPECT_FALSE(p.columns.empty()) << name;
  }
  const RunPlan d1 = tlsx::make_run_plan(std::string(TLSX_SOURCE_DIR) + "/configs/paper-dataset1.toml", "out");
  ASSERT_EQ(d1.columns.size(), 3u);  // Table I, dataset 1
  EXPECT_EQ(d1.columns[2].glasses, 256);
  EXPECT_EQ(d1.columns[2].tau_cg * d1.columns[2].n_cg, 430000);  // tau_total
  const RunPlan d2 = tlsx::make_run_plan(std::string(TLSX_SOURCE_DIR) + "/configs/paper-dataset2.toml", "out");
  ASSERT_EQ(d2.columns.size(), 4u);
  EXPECT_EQ(d2.columns[3].tau_cg * d2.columns[3].n_cg, 3100000);
}

}  // namespace
