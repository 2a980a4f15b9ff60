#ifndef DARKROOM_CCURL_SHIM_H
#define DARKROOM_CCURL_SHIM_H

// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, which Swift cannot
// call. One typed wrapper per kind of value keeps every call site type-checked.

#include <curl/curl.h>

typedef size_t (*darkroom_curl_data_callback)(char *data, size_t size, size_t count, void *userdata);
typedef int (*darkroom_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                               curl_off_t ultotal, curl_off_t ulnow);
typedef curl_socket_t (*darkroom_curl_opensocket_callback)(void *userdata, curlsocktype purpose,
                                                           struct curl_sockaddr *address);

static inline CURLcode darkroom_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode darkroom_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode darkroom_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode darkroom_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode darkroom_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode darkroom_easy_setopt_data_callback(CURL *h, CURLoption o, darkroom_curl_data_callback v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode darkroom_easy_setopt_xferinfo_callback(CURL *h, darkroom_curl_xferinfo_callback v) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v); }
static inline CURLcode darkroom_easy_setopt_opensocket_callback(CURL *h, darkroom_curl_opensocket_callback v) { return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, v); }

static inline CURLcode darkroom_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode darkroom_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode darkroom_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode darkroom_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode darkroom_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

/// CURLMsg.data is a union; Swift reads the result code through this.
static inline CURLcode darkroom_multi_message_result(const CURLMsg *message) { return message->data.result; }

#endif
