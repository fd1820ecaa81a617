// Shared pieces of the upload handlers (uploads.cpp, upload_complete.cpp).
//
// An upload document holds, besides what the client declared, "chunks": an
// object from chunk index (decimal string) to {"size", "sha256", "parts",
// "generation"}, and "received_bytes", their total size.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "api/context.h"
#include "http/message.h"
#include "store/document_store.h"

namespace talegraph::api {

// Returns the upload as the API shows it, with received and missing chunks.
boost::json::object UploadView(const ApiContext& context, const store::Document& upload);

// Throws HttpError 409 upload_not_open unless the upload's status is open.
void RequireOpen(const store::Document& upload);

// Whether `content_type` (parameters allowed) is a media type phones record
// audio in: audio/*, video/mp4, video/3gpp, video/webm or application/ogg.
bool IsAudioMediaType(std::string_view content_type);

// Number of chunks the upload has or declared: chunk_count when set, else
// one past the highest received index.
uint64_t ExpectedChunkCount(const boost::json::object& upload);

// POST /v1/uploads/{upload_id}/complete.
http::Response CompleteUpload(ApiContext& context, http::Request& request);

}  // namespace talegraph::api
