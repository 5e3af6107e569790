#ifndef SESAME_CODE_PAGES_H
#define SESAME_CODE_PAGES_H
#include <node_api.h>

napi_value release_code_pages(napi_env env, napi_callback_info info);

#endif
