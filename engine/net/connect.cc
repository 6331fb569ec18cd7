#include <memory>

#include "engine/net/socket_transport.h"
#include "engine/net/transport.h"

namespace mailhoard::net {

Result<std::unique_ptr<Transport>> Connect(const Endpoint& endpoint,
                                           const ConnectOptions& options) {
  MH_ASSIGN_OR_RETURN(
      auto socket, SocketTransport::Connect(endpoint, options.connect_timeout, options.io_timeout));
  if (options.tls == TlsMode::kImplicit) {
    // The handshake is part of connecting: a port that accepts TCP but never
    // speaks TLS fails after connect_timeout, not the (longer) io_timeout.
    socket->set_io_timeout(options.connect_timeout);
    MH_RETURN_IF_ERROR(socket->StartTls(options.tls_options));
    socket->set_io_timeout(options.io_timeout);
  }
  return std::unique_ptr<Transport>(std::move(socket));
}

}  // namespace mailhoard::net
