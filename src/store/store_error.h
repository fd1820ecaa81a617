// StoreError: the failure of a backing database itself, shared by the
// document and graph stores.
#pragma once

#include <stdexcept>

namespace talegraph::store {

// The database is unreachable, corrupt or failed an I/O operation. The HTTP
// layer maps it to 503, and a job fails at the stage that met it.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A write failed because the database's volume has no space left (SQLITE_FULL). Reads still
// work. The HTTP layer maps it to 507 storage_full, and writes succeed again once space is free.
class StorageFullError : public StoreError {
 public:
  using StoreError::StoreError;
};

}  // namespace talegraph::store
