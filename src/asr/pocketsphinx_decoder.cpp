#include "asr/pocketsphinx_decoder.h"

#include <fmt/format.h>
#include <pocketsphinx.h>
#include <spdlog/spdlog.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/err.h>

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace talegraph::asr {
namespace {

namespace fs = std::filesystem;

// Last error or fatal message that PocketSphinx logged on this thread, for
// the message of the TranscriptionError that follows.
thread_local std::string last_pocketsphinx_error;

// Receives every log message of PocketSphinx and sphinxbase (5prealpha has
// one process-wide callback). Its informational output, hundreds of lines a
// model load, goes to spdlog's trace level, and warnings and errors to the
// debug level, because each failure that matters also throws. Fatal errors
// go to the critical level, because PocketSphinx then exits the process.
void RoutePocketsphinxLog(void* /*user_data*/, err_lvl_t level, const char* format, ...) {
  std::array<char, 1024> buffer{};
  va_list arguments;
  va_start(arguments, format);
  std::vsnprintf(buffer.data(), buffer.size(), format, arguments);
  va_end(arguments);
  std::string_view message(buffer.data());
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.remove_suffix(1);
  }
  if (level >= ERR_ERROR) {
    last_pocketsphinx_error = message;
  }
  if (level == ERR_FATAL) {
    spdlog::critical("pocketsphinx: {}", message);
    spdlog::default_logger()->flush();
  } else if (level >= ERR_WARN) {
    spdlog::debug("pocketsphinx: {}", message);
  } else {
    spdlog::trace("pocketsphinx: {}", message);
  }
}

// Sends PocketSphinx's logging to spdlog. err_set_logfp(NULL) first turns
// off the configuration dump that 5prealpha writes to the log file itself.
void RouteLogsOnce() {
  static std::once_flag routed;
  std::call_once(routed, [] {
    err_set_logfp(nullptr);
    err_set_callback(&RoutePocketsphinxLog, nullptr);
  });
}

// Serializes model loads.
// NOTE: 5prealpha does not document whether ps_init may run on several
// threads at once, so loads run one at a time (about 0.5 s each).
std::mutex& ModelLoadMutex() {
  static std::mutex mutex;
  return mutex;
}

std::string TakeLastError() {
  std::string message = std::move(last_pocketsphinx_error);
  last_pocketsphinx_error.clear();
  return message.empty() ? "no reason given" : message;
}

bool IsPhoneticModel(const std::string& name) { return name.ends_with("-phone.lm.bin"); }

bool IsLanguageModel(const std::string& name) {
  return !IsPhoneticModel(name) &&
         (name.ends_with(".lm.bin") || name.ends_with(".lm") || name.ends_with(".lm.DMP"));
}

[[noreturn]] void ThrowModelError(const std::string& folder, const std::string& cause) {
  throw TranscriptionError("pocketsphinx: cannot load the model in " + folder + ": " + cause);
}

// Returns the one path among `candidates`, or throws naming `what`.
std::string OnlyCandidate(const std::string& folder, const std::vector<std::string>& candidates,
                          const std::string& what) {
  if (candidates.empty()) {
    ThrowModelError(folder, "no " + what + " found");
  }
  if (candidates.size() > 1) {
    ThrowModelError(
        folder, fmt::format("several {} found ({}); keep one", what, fmt::join(candidates, ", ")));
  }
  return candidates.front();
}

// Returns the decoder options. cmd_ln_init copies the strings, so they
// need to live only during the call.
cmd_ln_t* ParseOptions(const ModelFiles& model, const SearchSettings& search) {
  std::string maxhmmpf = std::to_string(search.maxhmmpf);
  std::string beam = fmt::format("{}", search.beam);
  std::string word_beam = fmt::format("{}", search.word_beam);
  std::string language_weight = fmt::format("{}", search.language_weight);
  std::string bestpath_language_weight = fmt::format("{}", search.bestpath_language_weight);
  return cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", model.acoustic_model.c_str(), "-lm",
                     model.language_model.c_str(), "-dict", model.dictionary.c_str(), "-maxhmmpf",
                     maxhmmpf.c_str(), "-beam", beam.c_str(), "-wbeam", word_beam.c_str(), "-lw",
                     language_weight.c_str(), "-bestpathlw", bestpath_language_weight.c_str(),
                     static_cast<char*>(nullptr));
}

// Throws unless the file at `path` starts with one of `magics`.
void CheckFileStart(const std::string& folder, const fs::path& path,
                    const std::vector<std::string_view>& magics) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    ThrowModelError(folder, "cannot read " + path.string());
  }
  std::string start(32, '\0');
  file.read(start.data(), static_cast<std::streamsize>(start.size()));
  start.resize(static_cast<size_t>(file.gcount()));
  for (std::string_view magic : magics) {
    if (start.starts_with(magic)) {
      return;
    }
  }
  ThrowModelError(folder, path.string() + " is not a PocketSphinx model file");
}

// Checks the start of the acoustic model files and of a binary language
// model. 5prealpha exits the process (E_FATAL) on some broken files, an
// mdef of junk for one, so a wrong file such as an HTML error page or
// another engine's model throws here instead.
// NOTE: a file with a valid start but damaged later can still make
// PocketSphinx exit the process while it loads.
void CheckModelFiles(const ModelFiles& files) {
  fs::path acoustic(files.acoustic_model);
  // Binary mdef files start with "BMDF" in either byte order, text ones
  // with their format version.
  CheckFileStart(files.folder, acoustic / "mdef", {"BMDF", "FDMB", "0.3"});
  for (const char* name : {"means", "variances", "transition_matrices"}) {
    CheckFileStart(files.folder, acoustic / name, {"s3\n"});
  }
  if (files.language_model.ends_with(".lm.bin")) {
    CheckFileStart(files.folder, files.language_model, {"Trie Language Model"});
  }
}

}  // namespace

ModelFiles FindModelFiles(const std::string& folder) {
  ModelFiles files;
  files.folder = folder;
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    ThrowModelError(folder, "the folder does not exist");
  }

  std::vector<std::string> acoustic_models;
  std::vector<std::string> language_models;
  std::vector<std::string> dictionaries;
  if (fs::exists(fs::path(folder) / "mdef", error)) {
    acoustic_models.push_back(folder);
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, error)) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory(error) && fs::exists(entry.path() / "mdef", error)) {
      acoustic_models.push_back(entry.path().string());
    } else if (IsLanguageModel(name)) {
      language_models.push_back(entry.path().string());
    } else if (name.ends_with(".dict")) {
      dictionaries.push_back(entry.path().string());
    }
  }
  if (error) {
    ThrowModelError(folder, "cannot list the folder: " + error.message());
  }

  files.acoustic_model =
      OnlyCandidate(folder, acoustic_models, "acoustic model (a folder with an mdef file)");
  files.language_model =
      OnlyCandidate(folder, language_models, "language model (*.lm.bin, *.lm or *.lm.DMP)");
  files.dictionary = OnlyCandidate(folder, dictionaries, "dictionary (*.dict)");
  CheckModelFiles(files);
  return files;
}

PocketsphinxDecoder::PocketsphinxDecoder(const ModelFiles& model, const SearchSettings& search) {
  RouteLogsOnce();
  std::lock_guard lock(ModelLoadMutex());
  last_pocketsphinx_error.clear();
  cmd_ln_t* config = ParseOptions(model, search);
  if (config == nullptr) {
    ThrowModelError(model.folder, "invalid decoder options: " + TakeLastError());
  }
  decoder_ = ps_init(config);
  cmd_ln_free_r(config);
  if (decoder_ == nullptr) {
    ThrowModelError(model.folder, TakeLastError());
  }
  int32 frame_rate = cmd_ln_int32_r(ps_get_config(decoder_), "-frate");
  if (frame_rate > 0) {
    frame_seconds_ = 1.0 / frame_rate;
  }
}

PocketsphinxDecoder::~PocketsphinxDecoder() { ps_free(decoder_); }

std::vector<Word> PocketsphinxDecoder::Decode(std::span<const int16_t> samples,
                                              double start_seconds) {
  last_pocketsphinx_error.clear();
  // A new stream resets the noise estimate of -remove_noise, so that the
  // words of an utterance do not depend on what the decoder heard before.
  if (ps_start_stream(decoder_) < 0) {
    throw TranscriptionError("pocketsphinx: starting a stream failed: " + TakeLastError());
  }
  if (ps_start_utt(decoder_) < 0) {
    throw TranscriptionError("pocketsphinx: starting an utterance failed: " + TakeLastError());
  }
  // The whole utterance goes in one call (full_utt), so that the model's
  // cepstral mean normalization (-cmn batch in its feat.params) is computed
  // over all of it.
  if (ps_process_raw(decoder_, samples.data(), samples.size(), FALSE, TRUE) < 0) {
    ps_end_utt(decoder_);
    throw TranscriptionError("pocketsphinx: processing audio failed: " + TakeLastError());
  }
  if (ps_end_utt(decoder_) < 0) {
    throw TranscriptionError("pocketsphinx: ending an utterance failed: " + TakeLastError());
  }

  double end_seconds = start_seconds + static_cast<double>(samples.size()) / kSampleRate;
  std::vector<Word> words;
  for (ps_seg_t* segment = ps_seg_iter(decoder_); segment != nullptr;
       segment = ps_seg_next(segment)) {
    std::string text = CleanWord(ps_seg_word(segment));
    if (text.empty()) {
      continue;
    }
    int start_frame = 0;
    int end_frame = 0;
    ps_seg_frames(segment, &start_frame, &end_frame);
    // The end frame is inclusive, and the last frame may reach past the
    // last sample.
    double start = start_seconds + start_frame * frame_seconds_;
    double end = std::min(start_seconds + (end_frame + 1) * frame_seconds_, end_seconds);
    words.push_back({std::move(text), start, std::max(start, end)});
  }
  return words;
}

std::string CleanWord(const std::string& word) {
  if (word.empty() || word.front() == '<' || word.front() == '[' || word.starts_with("++")) {
    return "";
  }
  // An alternative pronunciation is the word followed by "(n)".
  size_t open = word.rfind('(');
  if (open != std::string::npos && open > 0 && word.back() == ')') {
    std::string_view inside(word.data() + open + 1, word.size() - open - 2);
    if (!inside.empty() && inside.find_first_not_of("0123456789") == std::string_view::npos) {
      return word.substr(0, open);
    }
  }
  return word;
}

}  // namespace talegraph::asr
