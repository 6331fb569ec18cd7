#include "engine/sync/pop3_planner.h"

#include <catch2/catch.hpp>

namespace mailhoard::sync {
namespace {

std::vector<pop3::UidlEntry> Listing(std::initializer_list<const char*> uidls) {
  std::vector<pop3::UidlEntry> out;
  uint32_t n = 0;
  for (const char* u : uidls) out.push_back({++n, u});
  return out;
}

TEST_CASE("pop3 planner: new UIDLs get fresh uids in listing order") {
  auto plan = PlanPop3Downloads(Listing({"a", "b", "c"}), {{"b", {true, false, 0, 9}}}, 10);
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].uidl == "a");
  CHECK(plan[0].number == 1);
  CHECK(plan[0].uid == 10);
  CHECK_FALSE(plan[0].retry);
  CHECK(plan[1].uidl == "c");
  CHECK(plan[1].number == 3);
  CHECK(plan[1].uid == 11);
}

TEST_CASE("pop3 planner: an unfetchable UIDL is asked again under its own uid") {
  auto plan = PlanPop3Downloads(Listing({"x", "y"}), {{"x", {false, true, 4, 0}}}, 7);
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].uidl == "x");
  CHECK(plan[0].uid == 4);
  CHECK(plan[0].retry);
  CHECK(plan[1].uid == 7);  // the retry took no fresh uid
}

TEST_CASE("pop3 planner: archived and duplicated UIDLs are not planned") {
  auto plan = PlanPop3Downloads(Listing({"a", "a", "b"}), {{"b", {true, false, 0, 9}}}, 1);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].uidl == "a");
  CHECK(plan[0].number == 1);
}

TEST_CASE("pop3 planner: an empty listing plans nothing") {
  CHECK(PlanPop3Downloads({}, {{"a", {false, true, 3, 0}}}, 1).empty());
}

}  // namespace
}  // namespace mailhoard::sync
