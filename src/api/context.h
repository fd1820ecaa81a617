// ApiContext: what the route handlers share.
#pragma once

#include "config/config.h"
#include "store/document_store.h"

namespace talegraph::api {

struct ApiContext {
  const config::Config& config;
  store::DocumentStore& documents;
};

}  // namespace talegraph::api
