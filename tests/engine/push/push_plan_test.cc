#include "engine/push/push_plan.h"

#include <catch2/catch.hpp>

namespace mailhoard::push {
namespace {

index::PushSourceMessage Src(int64_t id, std::string message_id, int64_t date = 1000,
                             std::string flags = "", uint64_t size = 100) {
  index::PushSourceMessage m;
  m.id = id;
  m.uid = static_cast<uint32_t>(id);
  m.message_id = std::move(message_id);
  m.internal_date = date;
  m.flags = std::move(flags);
  m.size = size;
  return m;
}

index::PushedRecord Pushed(int64_t id, uint32_t validity, uint32_t uid, std::string flags = "") {
  index::PushedRecord r;
  r.message_id = id;
  r.uidvalidity = validity;
  r.uid = uid;
  r.flags = std::move(flags);
  return r;
}

// The archive keeps Message-IDs normalised ("a"); targets send "<a>".
TEST_CASE("First push into an empty folder appends everything, in UID order") {
  auto plan = PlanFolderPush({Src(1, "a"), Src(2, "b"), Src(3, "")}, {}, 7, {}, {});
  CHECK(plan.append == std::vector<size_t>{0, 1, 2});
  CHECK(plan.append_bytes == 300);
  CHECK(plan.matched.empty());
}

TEST_CASE("Recorded messages are not appended again, only new ones are") {
  auto plan = PlanFolderPush({Src(1, "a"), Src(2, "b"), Src(3, "c")},
                             {Pushed(1, 7, 10), Pushed(2, 7, 11)}, 7, {}, {});
  CHECK(plan.append == std::vector<size_t>{2});
}

TEST_CASE("A message that landed before a crash is found on the target, not appended") {
  // APPEND completed, the record was never committed: the target lists it
  // above the checked mark.
  std::vector<TargetKey> keys = {{12, "<b>", 100, 1000}, {13, "<x>", 50, 5}};
  auto plan =
      PlanFolderPush({Src(1, "a"), Src(2, "b"), Src(3, "c")}, {Pushed(1, 7, 10)}, 7, keys, {});
  REQUIRE(plan.matched.size() == 1);
  CHECK(plan.matched[0] == std::pair<size_t, uint32_t>{1, 12});
  CHECK(plan.append == std::vector<size_t>{2});
}

TEST_CASE("Two copies of one message are matched one to one") {
  std::vector<TargetKey> keys = {{5, "<d>", 100, 1000}};
  auto plan = PlanFolderPush({Src(1, "d"), Src(2, "d")}, {}, 7, keys, {});
  CHECK(plan.matched.size() == 1);
  CHECK(plan.append == std::vector<size_t>{1});
}

TEST_CASE("Matching needs the same INTERNALDATE, without Message-ID, size and date") {
  std::vector<TargetKey> keys = {{5, "<a>", 100, 999}, {6, "", 100, 1000}, {7, "", 101, 1000}};
  auto plan = PlanFolderPush({Src(1, "a"), Src(2, "", 1000, "", 100), Src(3, "", 1000, "", 102)},
                             {}, 7, keys, {});
  REQUIRE(plan.matched.size() == 1);
  CHECK(plan.matched[0] == std::pair<size_t, uint32_t>{1, 6});
  CHECK(plan.append == std::vector<size_t>{0, 2});
}

TEST_CASE("Exchange's RFC822.SIZE differs: a Message-ID and date still match") {
  std::vector<TargetKey> keys = {{5, "<a>", 130, 1000}};
  auto plan = PlanFolderPush({Src(1, "a", 1000, "", 100)}, {}, 7, keys, {});
  CHECK(plan.matched.size() == 1);
  CHECK(plan.append.empty());
}

TEST_CASE("A new UIDVALIDITY on the target: re-matched, the lost ones appended again") {
  std::vector<TargetKey> keys = {{1, "<a>", 100, 1000}};
  auto plan =
      PlanFolderPush({Src(1, "a"), Src(2, "b")}, {Pushed(1, 7, 10), Pushed(2, 7, 11)}, 8, keys, {});
  REQUIRE(plan.matched.size() == 1);
  CHECK(plan.matched[0].second == 1u);
  CHECK(plan.forget == std::vector<int64_t>{2});
  CHECK(plan.append == std::vector<size_t>{1});
}

TEST_CASE("Appended without UIDPLUS: recorded with uid 0, matched later, never appended twice") {
  auto later = PlanFolderPush({Src(1, "a")}, {Pushed(1, 7, 0)}, 7, {}, {});
  CHECK(later.append.empty());
  auto found = PlanFolderPush({Src(1, "a")}, {Pushed(1, 7, 0)}, 7, {{4, "<a>", 100, 1000}}, {});
  REQUIRE(found.matched.size() == 1);
  CHECK(found.matched[0].second == 4u);
}

TEST_CASE("Flag changes in the archive become add/remove deltas on the target's copy") {
  auto plan = PlanFolderPush({Src(1, "a", 1000, "FS"), Src(2, "b", 1000, "")},
                             {Pushed(1, 7, 10, "RS"), Pushed(2, 7, 11, "")}, 7, {}, {});
  REQUIRE(plan.flags.size() == 1);
  CHECK(plan.flags[0].uid == 10u);
  CHECK(plan.flags[0].add == std::vector<std::string>{"\\Flagged"});
  CHECK(plan.flags[0].remove == std::vector<std::string>{"\\Answered"});
}

TEST_CASE("Expunged at the source: kept on the target unless mirror_deletes") {
  auto src = Src(1, "a");
  src.expunged = true;
  auto fresh = Src(2, "b");
  fresh.expunged = true;
  auto keep = PlanFolderPush({src, fresh}, {Pushed(1, 7, 10)}, 7, {}, {});
  CHECK(keep.expunge.empty());
  CHECK(keep.append.empty());  // never pushed, expunged: not a restore
  PlanOptions o;
  o.mirror_deletes = true;
  auto mirror = PlanFolderPush({src}, {Pushed(1, 7, 10)}, 7, {}, o);
  REQUIRE(mirror.expunge.size() == 1);
  CHECK(mirror.expunge[0].second == 10u);
  PlanOptions restore;
  restore.include_expunged = true;
  CHECK(PlanFolderPush({fresh}, {}, 7, {}, restore).append.size() == 1);
}

TEST_CASE("Refused messages wait for --retry-refused") {
  auto r = Pushed(1, 7, 0);
  r.refused = "NO [LIMIT] too big";
  auto plan = PlanFolderPush({Src(1, "a")}, {r}, 7, {}, {});
  CHECK(plan.append.empty());
  CHECK(plan.refused_before == 1);
  PlanOptions o;
  o.retry_refused = true;
  CHECK(PlanFolderPush({Src(1, "a")}, {r}, 7, {}, o).append.size() == 1);
}

TEST_CASE("Target messages already recorded as ours are not matched twice") {
  std::vector<TargetKey> keys = {{10, "<a>", 100, 1000}};
  auto plan = PlanFolderPush({Src(1, "a"), Src(2, "a")}, {Pushed(1, 7, 10)}, 7, keys, {});
  CHECK(plan.matched.empty());
  CHECK(plan.append == std::vector<size_t>{1});
}

}  // namespace
}  // namespace mailhoard::push
