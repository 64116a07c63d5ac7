// Fuzz target: stage checkpoints (pipeline/checkpoint.hpp) through the resumes that read them:
// the first input byte picks the stage (even: prepare, odd: explore), the rest is a recipe of a
// well-formed HDF5 file (h5_recipe.hpp). The stage options and input are checkpoint_fixture.hpp's.
#include "checkpoint_fixture.hpp"
#include "fuzz_support.hpp"
#include "h5_recipe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const tlsx::Model model = tlsx::ka2_model();
  static const tlsx::PrepareOptions prepare = tlsx::fuzz::checkpoint_prepare_options();
  static const tlsx::GlassSet glasses = tlsx::fuzz::checkpoint_glass_set();
  static const tlsx::ExploreOptions explore = tlsx::fuzz::checkpoint_explore_options();
  const std::string path = tlsx::fuzz::scratch_file("checkpoint.h5");
  tlsx::fuzz::build_hdf5(data + 1, size - 1, path);
  tlsx::fuzz::expect_clean_outcome([&] {
    if (data[0] % 2 == 0) (void)tlsx::Preparation::resume(path, prepare, model);
    else (void)tlsx::Exploration::resume(path, glasses, explore);
  });
  return 0;
}
