// Whether a peer address is on this host or on a private network, where the
// link is fast and cheap: compressing a mail stream there (COMPRESS=DEFLATE)
// costs both ends more CPU than the bytes it saves.
#pragma once

#include <sys/socket.h>

namespace mailhoard::net {

// Loopback (127/8, ::1), RFC 1918 (10/8, 172.16/12, 192.168/16), link-local
// (169.254/16, fe80::/10), unique-local (fc00::/7), CGNAT (100.64/10), and
// IPv4-mapped forms of these. Anything else, or an unknown family, is remote.
bool IsLocalAddress(const sockaddr* address, socklen_t length);

// The same for the peer of a connected socket; false if it cannot be read.
bool PeerIsLocal(int fd);

}  // namespace mailhoard::net
