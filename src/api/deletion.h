// Deleting a resource with everything stored under it. Children go first and
// the resource's own document last, so an interrupted deletion leaves the
// resource in place and a retry finishes it.
#pragma once

#include "api/context.h"
#include "store/document_store.h"

namespace talegraph::api {

// Deletes a recording's chunk ids from the user's graph (recomputing the
// chapters), its audio parts, transcript and jobs, then the recording.
void DeleteRecording(ApiContext& context, const store::Document& recording);

// Deletes an upload's chunk parts, then the upload.
void DeleteUpload(ApiContext& context, const store::Document& upload);

// Deletes a user's uploads, recordings and graph, then the user.
void DeleteUser(ApiContext& context, const store::Document& user);

}  // namespace talegraph::api
