// `push`: an archived account into another mailbox (a migration, or a
// restore). One entry point: list the target, map folders (folder_map.h),
// and per folder open it, list what is on it above the checked mark, plan
// (push_plan.h) and carry the plan out through a TargetStore driver,
// recording each landed message in the index. Transient failures (a
// dropped connection, a throttle) reconnect and go on from what the index
// and the target say, so nothing is appended twice.
//
// Crash order: APPEND completes → the pushed row is written in the current
// batch → the batch commits every `batch_messages` and at the folder's end.
// A crash in between leaves messages on the target the index does not
// know; the next push lists them above the checked mark and records them.
#pragma once

#include <atomic>
#include <functional>

#include "core/clock.h"
#include "core/retry_policy.h"
#include "engine/push/folder_map.h"
#include "engine/push/push_plan.h"
#include "engine/push/push_result.h"
#include "engine/push/target_store.h"
#include "engine/sync/archive.h"
#include "engine/sync/folder_filter.h"
#include "engine/sync/sync_result.h"

namespace mailhoard::push {

struct PushOptions {
  // The target mailbox as the index names it ("user@host:port").
  std::string target;
  TargetConnector connect;
  sync::FolderFilter filter;  // over archived folder names
  FolderMapOptions mapping;
  PlanOptions plan;
  bool dry_run = false;  // list and plan; change neither target nor index
  bool verify = false;   // after pushing, compare every message's bytes
  // Exchange Online drops \Flagged given in APPEND: set it afterwards.
  bool flag_after_append = false;
  size_t batch_messages = 500;  // index commits
  // APPENDs in one flight: with LITERAL+ a loopback push is bound by the
  // server's fsyncs, not by round trips.
  size_t append_window = 16;
  RetryPolicy retry;
  Clock* clock = nullptr;  // null: the real clock
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(const sync::ProgressEvent&)> on_progress;
};

PushResult PushArchive(sync::Archive& archive, const PushOptions& options);

}  // namespace mailhoard::push
