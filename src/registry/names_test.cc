#include "registry/names.h"

#include "gtest/gtest.h"
#include "registry/model_config.h"

namespace ferry::registry {
namespace {

TEST(IsValidName, AcceptsPlainNamesOnly) {
  EXPECT_TRUE(IsValidName("flight_delays"));
  EXPECT_TRUE(IsValidName("v1.2-rc_3"));
  EXPECT_FALSE(IsValidName(""));
  EXPECT_FALSE(IsValidName("."));
  EXPECT_FALSE(IsValidName(".."));
  EXPECT_FALSE(IsValidName("../etc"));
  EXPECT_FALSE(IsValidName("a/b"));
  EXPECT_FALSE(IsValidName("a b"));
  EXPECT_FALSE(IsValidName("a%2e"));
  EXPECT_FALSE(IsValidName(std::string(200, 'a')));
}

TEST(CompareVersions, NumbersCompareAsNumbers) {
  EXPECT_LT(CompareVersions("2", "10"), 0);
  EXPECT_GT(CompareVersions("10", "9"), 0);
  EXPECT_EQ(CompareVersions("3", "3"), 0);
  EXPECT_LT(CompareVersions("1.2", "1.10"), 0);
  EXPECT_LT(CompareVersions("a", "b"), 0);
  EXPECT_NE(CompareVersions("01", "1"), 0);  // a total order: distinct names never tie
}

TEST(SelectVersions, Policies) {
  std::vector<std::string> loaded = {"1", "2", "3"};
  VersionPolicy latest;
  EXPECT_EQ(SelectVersions(latest, loaded), std::vector<std::string>({"3"}));
  latest.latest_count = 2;
  EXPECT_EQ(SelectVersions(latest, loaded), std::vector<std::string>({"2", "3"}));
  latest.latest_count = 9;
  EXPECT_EQ(SelectVersions(latest, loaded), loaded);
  VersionPolicy all{VersionPolicy::Kind::kAll, 1, {}};
  EXPECT_EQ(SelectVersions(all, loaded), loaded);
  VersionPolicy specific{VersionPolicy::Kind::kSpecific, 1, {"1", "7"}};
  EXPECT_EQ(SelectVersions(specific, loaded), std::vector<std::string>({"1"}));
  EXPECT_TRUE(SelectVersions(latest, {}).empty());
}

}  // namespace
}  // namespace ferry::registry
