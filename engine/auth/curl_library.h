// libcurl, loaded on first use. Only OAuth2 token requests need HTTP, and
// libcurl pulls some twenty libraries (GnuTLS, Kerberos, LDAP, …) into every
// process that links it: about 15 ms of start-up and 3 MB of resident memory
// on each scheduled run, most of which never sends an HTTP request.
#pragma once

#include <curl/curl.h>

#include "core/status.h"

namespace mailhoard::auth {

struct CurlLibrary {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  void (*easy_cleanup)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

// The process-wide library, loaded (and curl_global_init'ed) once; an
// error names the missing library or symbol.
Result<const CurlLibrary*> LoadCurl();

}  // namespace mailhoard::auth
