// What one POP3 run downloads, decided from the server's UIDL listing and
// what the index knows. Pure: no I/O, table-tested in pop3_planner_test.cc.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/pop3/pop3_client.h"

namespace mailhoard::sync {

// One UIDL the index has seen in this folder.
struct Pop3KnownUidl {
  bool archived = false;     // its message is stored
  bool unfetchable = false;  // recorded when the server refused it; ask again
  uint32_t uid = 0;          // the unfetchable row's uid, kept on retry
  int64_t message_id = 0;    // its index row, when archived
};

struct Pop3Download {
  uint32_t number = 0;  // message number in this session
  std::string uidl;
  uint32_t uid = 0;    // synthetic uid the file is stored under
  bool retry = false;  // asked for before and refused then
};

// Every listed UIDL not yet archived, in listing order: a new one gets the
// next synthetic uid from `next_uid` on, an unfetchable one keeps its uid (so
// its placeholder row gives way to the message). A UIDL listed twice (a
// server bug) is planned once.
std::vector<Pop3Download> PlanPop3Downloads(
    const std::vector<pop3::UidlEntry>& listing,
    const std::unordered_map<std::string, Pop3KnownUidl>& known, uint32_t next_uid);

}  // namespace mailhoard::sync
