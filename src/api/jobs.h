// Queuing of processing jobs, shared by complete and the process route.
#pragma once

#include <string>

#include "api/context.h"
#include "store/document_store.h"

namespace talegraph::api {

// Hands a job whose document is committed to the runner, when there is one.
void SubmitJob(ApiContext& context, const std::string& job_id);

}  // namespace talegraph::api
