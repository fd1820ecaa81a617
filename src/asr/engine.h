// Construction of the speech recognition engine that [asr] engine names.
#pragma once

#include <memory>

#include "asr/transcriber.h"
#include "config/config.h"

namespace talegraph::asr {

// Returns the configured engine. Throws TranscriptionError when it cannot
// be set up, such as a missing model.
std::unique_ptr<Transcriber> MakeTranscriber(const config::Config& config);

}  // namespace talegraph::asr
