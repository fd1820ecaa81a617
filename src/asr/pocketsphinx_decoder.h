// One PocketSphinx decoder: the loaded model and the search over it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "asr/transcriber.h"

struct ps_decoder_s;

namespace talegraph::asr {

// Beam widths and language weights of the search, the PocketSphinx options
// of the same names. The defaults except maxhmmpf are PocketSphinx
// 5prealpha's own, which the tuning in bench/README.md ("Speech recognition
// tuning") kept.
struct SearchSettings {
  // Maximum active HMMs a frame, or -1 for no limit (-maxhmmpf). The
  // default is that of PocketsphinxConfig, and PocketSphinx has 30000.
  int maxhmmpf = 10000;
  // Beam applied to every frame (-beam). Smaller values keep more paths.
  double beam = 1e-48;
  // Beam applied to word exits (-wbeam).
  double word_beam = 7e-29;
  // Language model weight of the first, tree-shaped pass (-lw).
  double language_weight = 6.5;
  // Language model weight of the final best-path search over the word
  // lattice (-bestpathlw).
  double bestpath_language_weight = 9.5;
};

// Files of a model folder.
struct ModelFiles {
  std::string folder;
  // Folder with mdef, means, variances and the other acoustic model files.
  std::string acoustic_model;
  // N-gram language model (*.lm.bin, *.lm or *.lm.DMP).
  std::string language_model;
  // Pronunciation dictionary (*.dict).
  std::string dictionary;
};

// Finds the model files in `folder`. The acoustic model is `folder` itself
// when it contains mdef, or else its one subfolder that does. The language
// model and the dictionary are the one file of each kind in `folder`, not
// counting phonetic language models (*-phone.lm.bin). Throws
// TranscriptionError naming `folder` when a file is missing or ambiguous,
// or when the acoustic model or a binary language model does not start as
// PocketSphinx's formats do.
ModelFiles FindModelFiles(const std::string& folder);

// A decoder with its own copy of the model (about 100 MB). Not thread-safe:
// each thread uses its own decoder.
class PocketsphinxDecoder {
 public:
  // Loads the model. Throws TranscriptionError naming the model folder and
  // PocketSphinx's reason when it fails.
  PocketsphinxDecoder(const ModelFiles& model, const SearchSettings& search);
  ~PocketsphinxDecoder();

  PocketsphinxDecoder(const PocketsphinxDecoder&) = delete;
  PocketsphinxDecoder& operator=(const PocketsphinxDecoder&) = delete;

  // Recognizes one utterance of 16 kHz mono samples, searched from its own
  // start, and returns its words without fillers and silences, with times
  // shifted by `start_seconds`. Throws TranscriptionError.
  std::vector<Word> Decode(std::span<const int16_t> samples, double start_seconds);

 private:
  ps_decoder_s* decoder_ = nullptr;
  double frame_seconds_ = 0.01;
};

// Returns `word` as the dictionary spells it without the "(2)" suffix of an
// alternative pronunciation, or "" for fillers and silences such as <s>,
// </s>, <sil>, [NOISE] and ++NOISE++.
std::string CleanWord(const std::string& word);

}  // namespace talegraph::asr
