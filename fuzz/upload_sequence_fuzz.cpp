// Runs arbitrary sequences of upload operations (chunk PUTs in any order and
// size, repeats, completes, aborts, reads, new uploads) against the upload
// routes, and checks each response against a model of the upload's state.
// At each complete, the recording's audio must equal chunks 0..n-1 joined.
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "route_driver.h"

namespace {

using boost::beast::http::verb;
using talegraph::fuzz::RouteDriver;
using talegraph::fuzz::RouteResult;

constexpr unsigned kMaxIndex = 8;
constexpr size_t kMaxChunkBytes = 64;

// Reads the fuzz input one byte at a time, 0 once it is used up.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool Done() const { return offset_ >= size_; }
  uint8_t Byte() { return Done() ? 0 : data_[offset_++]; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t offset_ = 0;
};

enum class State { kOpen, kCompleted, kAborted };

struct Model {
  std::string upload_id;
  std::optional<unsigned> chunk_count;
  std::map<unsigned, std::string> chunks;
  State state = State::kOpen;
};

void Expect(bool condition) {
  if (!condition) {
    __builtin_trap();
  }
}

class Sequence {
 public:
  Sequence() {
    user_id_ = driver_.Send(verb::post, "/v1/users", R"({"name":"Fuzz"})")
                   .body.at("id")
                   .as_string()
                   .c_str();
  }

  void Start(std::optional<unsigned> chunk_count) {
    boost::json::object body{{"user_id", user_id_}, {"content_type", "audio/wav"}};
    if (chunk_count) {
      body["chunk_count"] = *chunk_count;
    }
    const RouteResult result =
        driver_.Send(verb::post, "/v1/uploads", boost::json::serialize(body));
    Expect(result.status == 201);
    model_ = Model{std::string(result.body.at("upload_id").as_string()), chunk_count, {}, {}};
  }

  void Put(unsigned index, std::string bytes) {
    const RouteResult result = driver_.Send(verb::put, Path() + "/chunks/" + std::to_string(index),
                                            bytes, "application/octet-stream");
    if (model_.state != State::kOpen) {
      Expect(result.status == 409 && result.code == "upload_not_open");
    } else if (model_.chunk_count && index >= *model_.chunk_count) {
      Expect(result.status == 422 && result.code == "chunk_index_out_of_range");
    } else {
      Expect(result.status == 200);
      Expect(result.body.at("size").to_number<size_t>() == bytes.size());
      model_.chunks[index] = std::move(bytes);
    }
  }

  void Complete() {
    const RouteResult result = driver_.Send(verb::post, Path() + "/complete", "", "");
    if (model_.state == State::kAborted) {
      Expect(result.status == 409);
      return;
    }
    if (model_.state == State::kCompleted) {
      Expect(result.status == 202);
      return;
    }
    const std::optional<std::string> joined = Joined();
    if (!joined) {
      Expect(result.status >= 400 && result.status < 500);
      return;
    }
    Expect(result.status == 202);
    model_.state = State::kCompleted;
    const std::string audio_path =
        "/v1/recordings/" + std::string(result.body.at("recording_id").as_string()) + "/audio";
    const RouteResult audio = driver_.Send(verb::get, audio_path, "", "");
    Expect(audio.status == 200);
    Expect(audio.raw_body == *joined);
  }

  void Abort() {
    const RouteResult result = driver_.Send(verb::delete_, Path(), "", "");
    if (model_.state == State::kOpen) {
      Expect(result.status == 204);
      model_.state = State::kAborted;
    } else {
      Expect(result.status == 409);
    }
  }

  void Read() {
    const RouteResult result = driver_.Send(verb::get, Path(), "", "");
    Expect(result.status == 200);
    const auto& received = result.body.at("received").as_array();
    if (model_.state == State::kAborted) {
      return;
    }
    Expect(received.size() == model_.chunks.size());
    size_t position = 0;
    for (const auto& [index, bytes] : model_.chunks) {
      Expect(received[position++].to_number<unsigned>() == index);
    }
  }

 private:
  std::string Path() const { return "/v1/uploads/" + model_.upload_id; }

  // Returns chunks 0..n-1 joined, or nullopt when one of them is missing or
  // there are none, with n as the complete route computes it.
  std::optional<std::string> Joined() const {
    const unsigned count = model_.chunk_count
                               ? *model_.chunk_count
                               : (model_.chunks.empty() ? 0 : model_.chunks.rbegin()->first + 1);
    if (count == 0) {
      return std::nullopt;
    }
    std::string joined;
    for (unsigned index = 0; index < count; ++index) {
      const auto found = model_.chunks.find(index);
      if (found == model_.chunks.end()) {
        return std::nullopt;
      }
      joined += found->second;
    }
    return joined;
  }

  RouteDriver driver_;
  std::string user_id_;
  Model model_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Sequence* sequence = new Sequence();
  Input input(data, size);
  const uint8_t declared = input.Byte() % (kMaxIndex + 1);
  sequence->Start(declared == 0 ? std::nullopt : std::optional<unsigned>(declared));
  while (!input.Done()) {
    switch (input.Byte() % 6) {
      case 0:
      case 1: {
        const unsigned index = input.Byte() % (kMaxIndex + 1);
        const size_t length = 1 + input.Byte() % kMaxChunkBytes;
        std::string bytes(length, static_cast<char>(input.Byte()));
        sequence->Put(index, std::move(bytes));
        break;
      }
      case 2:
        sequence->Complete();
        break;
      case 3:
        sequence->Abort();
        break;
      case 4:
        sequence->Read();
        break;
      default: {
        const uint8_t count = input.Byte() % (kMaxIndex + 1);
        sequence->Start(count == 0 ? std::nullopt : std::optional<unsigned>(count));
        break;
      }
    }
  }
  return 0;
}
