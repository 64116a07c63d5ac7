// Model files as the fuzzer (tests/fuzz/fuzz_model_toml.cpp) checks them: an accepted model's TOML
// text, which every output file stores, reads back as the same model whatever its species are
// called; optional fields of the wrong type are errors, not silently their defaults.
#include <gtest/gtest.h>

#include <string>

#include "tlsx/core/error.hpp"
#include "tlsx/model/model.hpp"

namespace {

TEST(ModelText, SpeciesNamesWithQuotesAndBackslashesSurviveTheStoredText) {
  const std::string text = R"(name = "odd"
density = 1.2
cutoff_ratio = 2.5
[[species]]
name = 'A"x\'
fraction = 0.5
[[species]]
name = "B"
fraction = 0.5
[epsilon]
'A"x\-A"x\' = 1.0
'A"x\-B' = 1.5
B-B = 0.5
[sigma]
'A"x\-A"x\' = 1.0
'A"x\-B' = 0.8
B-B = 0.88
)";
  const tlsx::Model m = tlsx::model_from_toml_text(text, "odd.toml");
  ASSERT_EQ(m.species[0].name, "A\"x\\");
  const tlsx::Model back = tlsx::model_from_toml_text(tlsx::model_to_toml(m), "stored");
  ASSERT_EQ(back.n_species(), 2);
  EXPECT_EQ(back.species[0].name, m.species[0].name);
  EXPECT_EQ(back.epsilon, m.epsilon);
  EXPECT_EQ(back.sigma, m.sigma);
}

TEST(ModelText, OptionalFieldsOfTheWrongTypeAreRefused) {
  const std::string pairs = "[epsilon]\nA-A = 1.0\n[sigma]\nA-A = 1.0\n";
  const std::string head = "density = 1.2\ncutoff_ratio = 2.5\n";
  for (const auto& [species, field] :
       {std::pair<std::string, std::string>{"name = \"A\"\nfraction = 1.0\nmass = \"heavy\"\n", "species[0].mass"},
        {"name = \"A\"\nfraction = 1.0\nelement = 28\n", "species[0].element"}}) {
    try {
      tlsx::model_from_toml_text(head + "[[species]]\n" + species + pairs, "typed.toml");
      ADD_FAILURE() << "accepted " << field;
    } catch (const tlsx::Error& e) {
      EXPECT_NE(std::string(e.what()).find("typed.toml: field '" + field + "' must be"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(tlsx::model_from_toml_text("name = 3\n" + head + "[[species]]\nname = \"A\"\nfraction = 1.0\n" + pairs, "n.toml"),
               tlsx::Error);
}

}  // namespace
