// Fuzz target: H5MD configuration files (io/h5md.hpp) through read_configuration and
// validate_configuration; the input is a recipe of a well-formed HDF5 file (h5_recipe.hpp).
#include "fuzz_support.hpp"
#include "h5_recipe.hpp"
#include "tlsx/io/configuration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tlsx::Model model = tlsx::ka2_model();
  const std::string path = tlsx::fuzz::scratch_file("input.h5");
  tlsx::fuzz::build_hdf5(data, size, path);
  tlsx::fuzz::expect_clean_outcome([&] {
    const tlsx::Configuration c = tlsx::read_configuration(path, model);
    tlsx::validate_configuration(c, model, path);
  });
  return 0;
}
