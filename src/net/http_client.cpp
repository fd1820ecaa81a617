#include "net/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace talegraph::net {

namespace {

// Hosts reached without a proxy when the environment sets no NO_PROXY list,
// because a proxy cannot reach this machine's loopback services.
constexpr char kLoopbackHosts[] = "localhost,127.0.0.1,::1";

void InitializeCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
      throw HttpError(fmt::format("libcurl initialization failed: {}", curl_easy_strerror(code)),
                      false);
    }
  });
}

std::string ToLower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  size_t last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

// Read position in the bytes of one form part.
struct PartReader {
  std::string_view data;
  size_t offset = 0;
};

size_t ReadPart(char* buffer, size_t size, size_t count, void* arg) {
  auto* reader = static_cast<PartReader*>(arg);
  size_t length = std::min(size * count, reader->data.size() - reader->offset);
  std::memcpy(buffer, reader->data.data() + reader->offset, length);
  reader->offset += length;
  return length;
}

int SeekPart(void* arg, curl_off_t offset, int origin) {
  auto* reader = static_cast<PartReader*>(arg);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > reader->data.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  reader->offset = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

// Destination of the response while libcurl receives it.
struct ResponseSink {
  HttpResponse response;
  bool body_too_large = false;
};

size_t CollectBody(char* data, size_t size, size_t count, void* arg) {
  auto* sink = static_cast<ResponseSink*>(arg);
  size_t length = size * count;
  if (sink->response.body.size() + length > kMaxResponseBytes) {
    sink->body_too_large = true;
    return 0;  // libcurl then stops with CURLE_WRITE_ERROR
  }
  sink->response.body.append(data, length);
  return length;
}

size_t CollectHeader(char* data, size_t size, size_t count, void* arg) {
  auto* sink = static_cast<ResponseSink*>(arg);
  size_t length = size * count;
  std::string_view line(data, length);
  if (line.starts_with("HTTP/")) {
    // A status line starts each response, and only the last one's headers
    // count (an interim 100 Continue response may come first).
    sink->response.headers.clear();
    return length;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    sink->response.headers.emplace_back(ToLower(Trim(line.substr(0, colon))),
                                        std::string(Trim(line.substr(colon + 1))));
  }
  return length;
}

struct MimeDeleter {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

using MimePtr = std::unique_ptr<curl_mime, MimeDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

SlistPtr BuildHeaderList(const HttpRequest& request) {
  curl_slist* list = nullptr;
  for (const auto& [name, value] : request.headers) {
    list = curl_slist_append(list, fmt::format("{}: {}", name, value).c_str());
  }
  // An empty Expect header stops libcurl from waiting up to a second for a
  // 100 Continue response before it sends a large body.
  list = curl_slist_append(list, "Expect:");
  return SlistPtr(list);
}

// Builds the multipart body. `readers` keeps each part's read position for
// as long as the transfer runs.
MimePtr BuildForm(CURL* curl, const HttpRequest& request,
                  std::vector<std::unique_ptr<PartReader>>& readers) {
  MimePtr mime(curl_mime_init(curl));
  for (const FormPart& form_part : request.form) {
    curl_mimepart* part = curl_mime_addpart(mime.get());
    curl_mime_name(part, form_part.name.c_str());
    readers.push_back(std::make_unique<PartReader>(PartReader{form_part.data}));
    curl_mime_data_cb(part, static_cast<curl_off_t>(form_part.data.size()), ReadPart, SeekPart,
                      nullptr, readers.back().get());
    if (!form_part.file_name.empty()) {
      curl_mime_filename(part, form_part.file_name.c_str());
    }
    if (!form_part.content_type.empty()) {
      curl_mime_type(part, form_part.content_type.c_str());
    }
  }
  return mime;
}

void SetMethodAndBody(CURL* curl, const HttpRequest& request, curl_mime* form) {
  if (form != nullptr) {
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, form);
  } else if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    // With a null pointer libcurl would call its read callback, stdin by default.
    const char* body = request.body.empty() ? "" : request.body.data();
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
  }
  if (request.method != "GET" && request.method != "POST") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

void SetTransferOptions(CURL* curl, const HttpRequest& request, ResponseSink& sink,
                        char* error_buffer) {
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
  if (std::getenv("NO_PROXY") == nullptr && std::getenv("no_proxy") == nullptr) {
    curl_easy_setopt(curl, CURLOPT_NOPROXY, kLoopbackHosts);
  }
}

std::string FailureReason(CURLcode code, const ResponseSink& sink, const char* error_buffer) {
  if (sink.body_too_large) {
    return fmt::format("response body exceeds {} bytes", kMaxResponseBytes);
  }
  if (error_buffer[0] != '\0') {
    return error_buffer;
  }
  return curl_easy_strerror(code);
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  std::string lower = ToLower(name);
  for (const auto& [field, value] : headers) {
    if (field == lower) {
      return value;
    }
  }
  return std::nullopt;
}

HttpError::HttpError(const std::string& message, bool timed_out)
    : std::runtime_error(message), timed_out_(timed_out) {}

HttpClient::HttpClient() {
  InitializeCurlOnce();
  handle_ = curl_easy_init();
  if (handle_ == nullptr) {
    throw HttpError("libcurl could not create a transfer handle", false);
  }
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(handle_)); }

HttpResponse HttpClient::Send(const HttpRequest& request) {
  auto* curl = static_cast<CURL*>(handle_);
  // Resetting clears the previous request's options but keeps its open
  // connection for reuse.
  curl_easy_reset(curl);

  ResponseSink sink;
  char error_buffer[CURL_ERROR_SIZE] = {};
  SetTransferOptions(curl, request, sink, error_buffer);
  SlistPtr headers = BuildHeaderList(request);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  std::vector<std::unique_ptr<PartReader>> readers;
  MimePtr form = request.form.empty() ? nullptr : BuildForm(curl, request, readers);
  SetMethodAndBody(curl, request, form.get());

  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    throw HttpError(fmt::format("{} {} failed: {}", request.method, request.url,
                                FailureReason(code, sink, error_buffer)),
                    code == CURLE_OPERATION_TIMEDOUT);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &sink.response.status);
  return std::move(sink.response);
}

}  // namespace talegraph::net
