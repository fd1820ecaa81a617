// Requests to Firestore's REST API v1 with retries, shared by the calls of
// FirestoreDocumentStore.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_client.h"
#include "store/firestore_auth.h"

namespace talegraph::store {

struct FirestoreRetryPolicy {
  // Retries after the first attempt.
  int max_retries = 5;
  // Delay before the first retry; each further retry doubles it, plus a
  // random jitter of up to half.
  std::chrono::milliseconds base_delay{100};
  // Maximum of one delay.
  std::chrono::milliseconds max_delay{5000};
  // No retry starts later than this after the first attempt began.
  std::chrono::milliseconds max_total{30000};
};

// A final response from Firestore: a success, or an error that retrying would not fix.
struct FirestoreResponse {
  long status = 0;
  // Parsed JSON body; null when the body was empty.
  boost::json::value body;
  // google.rpc.Code name of an error, such as "FAILED_PRECONDITION", and its message.
  std::string error_status;
  std::string error_message;
};

// Sends requests over a pool of keep-alive connections, one per concurrent caller.
// Thread-safe.
class FirestoreRest {
 public:
  // `endpoint` is scheme://host[:port] with no trailing '/'.
  FirestoreRest(std::string endpoint, std::shared_ptr<AccessTokenSource> tokens,
                FirestoreRetryPolicy retry, std::chrono::milliseconds timeout);
  ~FirestoreRest();
  FirestoreRest(const FirestoreRest&) = delete;
  FirestoreRest& operator=(const FirestoreRest&) = delete;

  // Sends `body` (JSON, or empty for none) to endpoint + `url_path` and retries, within the
  // retry policy, while the response is 429, 5xx or 409 ABORTED or no response arrives. `label`
  // names the operation in logs and errors, such as `commit of "users/u1"`. Returns the first
  // response not retried. Throws StoreError when the retries run out or a 2xx body is not
  // JSON.
  FirestoreResponse Send(std::string_view method, std::string_view url_path, std::string_view body,
                         std::string_view label);

  const std::string& endpoint() const { return endpoint_; }

 private:
  std::unique_ptr<net::HttpClient> TakeClient();
  void ReturnClient(std::unique_ptr<net::HttpClient> client);

  const std::string endpoint_;
  const std::shared_ptr<AccessTokenSource> tokens_;
  const FirestoreRetryPolicy retry_;
  const std::chrono::milliseconds timeout_;

  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<net::HttpClient>> idle_clients_;  // guarded by pool_mutex_
};

}  // namespace talegraph::store
