// Fuzz target: extended XYZ files (io/extxyz.hpp) through read_configuration and the checks every
// command runs after reading (validate_configuration).
#include "fuzz_support.hpp"
#include "tlsx/io/configuration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tlsx::Model model = tlsx::ka2_model();
  const std::string path = tlsx::fuzz::bytes_to_file(data, size, "input.xyz");
  tlsx::fuzz::expect_clean_outcome([&] {
    const tlsx::Configuration c = tlsx::read_configuration(path, model);
    tlsx::validate_configuration(c, model, path);
  });
  return 0;
}
