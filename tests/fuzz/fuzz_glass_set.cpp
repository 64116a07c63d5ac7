// Fuzz target: glass sets (pipeline/glass_set.hpp, the output of `tlsx prepare`); the input is a
// recipe of a well-formed HDF5 file (h5_recipe.hpp).
#include "fuzz_support.hpp"
#include "h5_recipe.hpp"
#include "tlsx/pipeline/glass_set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = tlsx::fuzz::scratch_file("glasses.h5");
  tlsx::fuzz::build_hdf5(data, size, path);
  tlsx::fuzz::expect_clean_outcome([&] { (void)tlsx::read_glass_set(path); });
  return 0;
}
