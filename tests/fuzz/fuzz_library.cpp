// Fuzz target: double-well libraries (pipeline/library.hpp, the output of explore / neb /
// splitting / merge); the input is a recipe of a well-formed HDF5 file (h5_recipe.hpp).
#include "fuzz_support.hpp"
#include "h5_recipe.hpp"
#include "tlsx/pipeline/library.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = tlsx::fuzz::scratch_file("library.h5");
  tlsx::fuzz::build_hdf5(data, size, path);
  tlsx::fuzz::expect_clean_outcome([&] { (void)tlsx::read_library(path); });
  return 0;
}
