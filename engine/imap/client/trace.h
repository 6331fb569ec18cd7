// The IMAP client's protocol log: net::TraceSink (engine/net/trace.h).
#pragma once

#include "engine/net/trace.h"

namespace mailhoard::imap {

using net::kRedacted;
using net::TraceDirection;
using net::TraceSink;

}  // namespace mailhoard::imap
