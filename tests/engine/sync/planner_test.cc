#include "engine/sync/planner.h"

#include <catch2/catch.hpp>

namespace mailhoard::sync {
namespace {

LocalFolderState Known(uint32_t validity, uint32_t next, uint32_t messages, uint64_t modseq) {
  LocalFolderState s;
  s.known = true;
  s.uidvalidity = validity;
  s.uidnext = next;
  s.messages = messages;
  s.highestmodseq = modseq;
  s.last_uid_seen = next - 1;
  return s;
}

TEST_CASE("FlagSet is canonical: order, case, duplicates and the Recent flag do not matter") {
  FlagSet a({"\\Seen", "$Forwarded", "\\Recent", "\\answered"});
  FlagSet b({"\\Answered", "\\seen", "$forwarded", "\\Seen"});
  CHECK(a == b);
  CHECK(a.ToString() == "$Forwarded \\answered \\Seen");
  CHECK(FlagSet::Parse(a.ToString()) == a);
  CHECK(a.Has("\\SEEN"));
  CHECK_FALSE(a.Has("\\Recent"));
  CHECK(a.Keywords() == std::vector<std::string>{"$Forwarded"});
  CHECK(a.SystemFlags().size() == 2);
  CHECK(FlagSet::Parse("") == FlagSet());
}

TEST_CASE("Unarchived names every listed UID the index holds no row for") {
  std::vector<LocalMessage> local;
  for (uint32_t uid : {2u, 3u, 7u}) local.push_back({uid, uid, FlagSet(), false, false});
  using V = std::vector<uint32_t>;
  CHECK(Unarchived(local, V{1, 2, 3, 4, 7, 9}) == V{1, 4, 9});
  CHECK(Unarchived(local, V{2, 3, 7}).empty());
  CHECK(Unarchived({}, V{5, 6}) == V{5, 6});
  CHECK(Unarchived(local, {}).empty());
}

TEST_CASE("DecideFolder opens only folders whose state moved") {
  RemoteFolderState remote{7, 101, 100, 555};
  CHECK(DecideFolder(remote, LocalFolderState{}) == FolderAction::kFull);
  CHECK(DecideFolder(remote, Known(7, 101, 100, 555)) == FolderAction::kSkip);
  CHECK(DecideFolder(remote, Known(7, 100, 99, 554)) == FolderAction::kIncremental);
  // An expunge without new mail: MESSAGES and HIGHESTMODSEQ move.
  CHECK(DecideFolder(remote, Known(7, 101, 101, 550)) == FolderAction::kIncremental);
  // A flag change moves only HIGHESTMODSEQ.
  CHECK(DecideFolder(remote, Known(7, 101, 100, 554)) == FolderAction::kIncremental);
  CHECK(DecideFolder(remote, Known(8, 101, 100, 555)) == FolderAction::kUidValidityChanged);
  // Messages the server would not deliver last time are asked for again.
  LocalFolderState pending = Known(7, 101, 100, 555);
  pending.has_unfetchable = true;
  CHECK(DecideFolder(remote, pending) == FolderAction::kIncremental);
}

TEST_CASE("DecideFolder without CONDSTORE rescans flags only when asked") {
  RemoteFolderState remote{7, 101, 100, std::nullopt};
  CHECK(DecideFolder(remote, Known(7, 101, 100, 0)) == FolderAction::kSkip);
  FolderDecisionOptions rescan{true};
  CHECK(DecideFolder(remote, Known(7, 101, 100, 0), rescan) == FolderAction::kIncremental);
}

TEST_CASE("PlanFromFullListing finds flag changes, expunges and reappearances") {
  std::vector<LocalMessage> local = {
      {1, 10, FlagSet({"\\Seen"}), false},
      {2, 11, FlagSet(), false},
      {3, 12, FlagSet({"\\Flagged"}), false},
      {4, 13, FlagSet(), true},  // marked expunged earlier
      {5, 14, FlagSet(), true},  // still gone
  };
  std::vector<RemoteMessage> remote = {
      {10, FlagSet({"\\seen"})},  // same flags, other case
      {12, FlagSet({"\\Flagged", "\\Answered"})},
      {13, FlagSet()},
      {99, FlagSet()},  // beyond what we know: new mail, not the planner's concern here
  };
  ChangePlan plan = PlanFromFullListing(local, remote);
  REQUIRE(plan.flag_updates.size() == 1);
  CHECK(plan.flag_updates[0].id == 3);
  CHECK(plan.flag_updates[0].flags == FlagSet({"\\Answered", "\\Flagged"}));
  CHECK(plan.expunged == std::vector<LocalRef>{{2, 11}});
  CHECK(plan.reappeared == std::vector<LocalRef>{{4, 13}});
}

TEST_CASE("PlanFromChanges applies CONDSTORE changes and VANISHED") {
  std::vector<LocalMessage> local = {
      {1, 10, FlagSet(), false}, {2, 11, FlagSet(), false}, {3, 12, FlagSet(), true}};
  ChangePlan plan =
      PlanFromChanges(local, {{10, FlagSet({"\\Seen"})}, {50, FlagSet()}}, {11, 12, 40});
  REQUIRE(plan.flag_updates.size() == 1);
  CHECK(plan.flag_updates[0].uid == 10);
  CHECK(plan.expunged == std::vector<LocalRef>{{2, 11}});
}

TEST_CASE("NewUids takes what lies above the last UID seen") {
  CHECK(NewUids({1, 5, 9, 10}, 5) == std::vector<uint32_t>{9, 10});
  CHECK(NewUids({1, 5}, 5).empty());
  CHECK(NewUids({}, 0).empty());
}

TEST_CASE("PlanRemap pairs messages by Message-ID, size and INTERNALDATE") {
  std::vector<RemapCandidate> local = {
      {1, 1, {"<a@x>", 100, 1000}}, {2, 2, {"<b@x>", 200, 2000}},
      {3, 3, {"", 300, 3000}},  // no Message-ID: never trusted
      {4, 4, {"<dup@x>", 50, 500}}, {5, 5, {"<dup@x>", 50, 500}},
      {6, 6, {"<gone@x>", 10, 10}},
  };
  std::vector<RemapCandidate> remote = {
      {0, 31, {"<a@x>", 100, 1000}},
      {0, 32, {"<b@x>", 201, 2000}},  // size differs: a different
                                      // message
      {0, 33, {"", 300, 3000}},
      {0, 34, {"<dup@x>", 50, 500}},
      {0, 35, {"<dup@x>", 50, 500}},
      {0, 36, {"<dup@x>", 50, 500}},
  };
  RemapPlan plan = PlanRemap(local, remote);
  REQUIRE(plan.matched.size() == 3);
  CHECK(plan.matched[0].local_id == 1);
  CHECK(plan.matched[0].new_uid == 31);
  CHECK(plan.matched[1].local_id == 4);
  CHECK(plan.matched[1].new_uid == 34);
  CHECK(plan.matched[2].local_id == 5);
  CHECK(plan.matched[2].new_uid == 35);
  CHECK(plan.fetch == std::vector<uint32_t>{32, 33, 36});
  std::vector<int64_t> unmatched = plan.unmatched_local;
  std::sort(unmatched.begin(), unmatched.end());
  CHECK(unmatched == std::vector<int64_t>{2, 3, 6});
}

TEST_CASE("expected fetches: all on a first sync, UIDNEXT growth after") {
  RemoteFolderState remote{7, 120, 100, 9};
  LocalFolderState local;
  local.known = true;
  local.uidvalidity = 7;
  local.uidnext = 101;
  CHECK(ExpectedFetches(FolderAction::kFull, remote, local) == 100);
  CHECK(ExpectedFetches(FolderAction::kUidValidityChanged, remote, local) == 100);
  CHECK(ExpectedFetches(FolderAction::kIncremental, remote, local) == 19);
  CHECK(ExpectedFetches(FolderAction::kSkip, remote, local) == 0);
  local.uidnext = 130;  // a server that lowered UIDNEXT: nothing, not a wrap-around
  CHECK(ExpectedFetches(FolderAction::kIncremental, remote, local) == 0);
}

TEST_CASE("connections follow the work: flag-only folders share one") {
  CHECK(ConnectionsFor({}, 4) == 1);
  CHECK(ConnectionsFor({0, 0, 0}, 4) == 1);                     // three flag-only folders
  CHECK(ConnectionsFor(std::vector<uint64_t>(16, 0), 4) == 2);  // sixteen of them
  CHECK(ConnectionsFor({40, 30, 30}, 4) == 1);                  // +100 in three folders
  CHECK(ConnectionsFor({2000, 0}, 4) == 2);                     // never more than tasks
  CHECK(ConnectionsFor({400, 300, 200, 100, 50, 50}, 4) == 3);
  CHECK(ConnectionsFor(std::vector<uint64_t>(17, 1200), 4) == 4);  // a first sync
  CHECK(ConnectionsFor(std::vector<uint64_t>(17, 1200), 1) == 1);
  CHECK(ConnectionsFor({5000}, 0) == 1);
}

}  // namespace
}  // namespace mailhoard::sync
