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

}  // namespace talegraph::store
