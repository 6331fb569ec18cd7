// [tenants.NAME]: every mailbox of an organisation under one app
// registration (client credentials), read from a mailbox list. Each mailbox
// becomes an ordinary AccountConfig named "NAME/address", with its own
// archive directory, index and lock, so every command that takes an account
// takes one mailbox, and `sync NAME` takes the whole tenant. docs/tenant.md.
#pragma once

#include "cli/config_types.h"
#include "cli/toml_reader.h"
#include "core/status.h"

namespace mailhoard::cli {

// Reads root.tenants (if any) and appends the mailboxes of each tenant, in
// list order, to config->accounts and the tenant names to config->tenants.
// config->archive_root and config->accounts (the [accounts.*]) must be set.
// Runs mailboxes_cmd / reads mailboxes_file; errors in the list read
// "<file>:<line>: ...".
Status ParseTenants(const TableReader& root, const ParseContext& ctx, Config* config);

// "tenant/address", the account name of one mailbox.
std::string TenantAccountName(const std::string& tenant, const std::string& address);

}  // namespace mailhoard::cli
