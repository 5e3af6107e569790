// Sesame's packet capture over libpcap, as a Node-API addon. Written from libpcap's manual pages
// (pcap_create(3PCAP), pcap_set_snaplen, pcap_set_promisc, pcap_set_immediate_mode,
// pcap_set_buffer_size, pcap_activate, pcap_setnonblock, pcap_get_selectable_fd, pcap_dispatch,
// pcap_stats) and the Node-API documentation.
//
// What it does that the `cap` module could not: the snapshot length, promiscuous mode and ring size
// are the caller's (a knock needs the headers only, so the ring holds many more packets), the
// kernel's counters are readable (pcap_stats), and packets reach JavaScript in batches: one call per
// wakeup with every packet read, each as a record `u32le captured length, u32le length on the
// wire, bytes` in the caller's buffer.
//
// JavaScript API:
//   open(device, filter, snaplen, promiscuous, bufferBytes, batch, onBatch)
//     -> { handle, linkType, snaplen }; onBatch(count, error?) is called with the number of
//        records written to `batch` from its start, or with an error message once reading failed.
//   stats(handle) -> { received, dropped, interfaceDropped }   (since open; libpcap's counters)
//   close(handle)
#include "code-pages.h"
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define RECORD_HEADER 8
#define MAX_ROUNDS 16

typedef struct capture {
  napi_env env;
  pcap_t *pcap;
  uv_poll_t poll;
  napi_ref callback;
  napi_ref batch_ref;
  napi_async_context async;
  unsigned char *batch;
  size_t batch_length;
  size_t used;
  uint32_t count;
  int snaplen;
  int polling;    // uv_poll_start succeeded, so the handle must be closed
  int closing;    // close() was called (or the handle was collected)
  int delivering; // inside the JavaScript callback
  int released;   // libpcap and the references are gone
  int finalized;  // the JavaScript handle was collected
} capture_t;

static void throw_message(napi_env env, const char *prefix, const char *message) {
  char text[PCAP_ERRBUF_SIZE + 128];
  snprintf(text, sizeof text, "%s%s", prefix, message);
  napi_throw_error(env, NULL, text);
}

static void release(capture_t *cap) {
  if (cap->released) return;
  cap->released = 1;
  if (cap->pcap) pcap_close(cap->pcap);
  cap->pcap = NULL;
  if (cap->callback) napi_delete_reference(cap->env, cap->callback);
  if (cap->batch_ref) napi_delete_reference(cap->env, cap->batch_ref);
  if (cap->async) napi_async_destroy(cap->env, cap->async);
  cap->callback = NULL;
  cap->batch_ref = NULL;
  cap->async = NULL;
}

static void on_poll_closed(uv_handle_t *handle) {
  capture_t *cap = handle->data;
  release(cap);
  if (cap->finalized) free(cap);
}

// Stops reading and frees libpcap once no callback is running; the memory goes with the handle.
static void finish_close(capture_t *cap) {
  if (cap->delivering) return; // the callback returns to on_readable, which closes
  if (cap->polling) {
    cap->polling = 0;
    uv_poll_stop(&cap->poll);
    uv_close((uv_handle_t *)&cap->poll, on_poll_closed);
  } else if (!cap->released) {
    release(cap);
    if (cap->finalized) free(cap);
  }
}

static void on_packet(u_char *user, const struct pcap_pkthdr *header, const u_char *bytes) {
  capture_t *cap = (capture_t *)user;
  uint32_t caplen = header->caplen;
  if (cap->used + RECORD_HEADER + caplen > cap->batch_length) return; // cannot happen: see max
  unsigned char *at = cap->batch + cap->used;
  uint32_t wire = header->len;
  for (int i = 0; i < 4; i += 1) {
    at[i] = (unsigned char)(caplen >> (8 * i));
    at[4 + i] = (unsigned char)(wire >> (8 * i));
  }
  memcpy(at + RECORD_HEADER, bytes, caplen);
  cap->used += RECORD_HEADER + caplen;
  cap->count += 1;
}

// Calls onBatch(count) or onBatch(0, message); an exception it throws is the process's uncaught one.
static void deliver(capture_t *cap, const char *error) {
  napi_env env = cap->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value callback, receiver, argv[2], result;
  size_t argc = error ? 2 : 1;
  if (napi_get_reference_value(env, cap->callback, &callback) == napi_ok && callback &&
      napi_get_global(env, &receiver) == napi_ok &&
      napi_create_uint32(env, error ? 0 : cap->count, &argv[0]) == napi_ok &&
      (!error || napi_create_string_utf8(env, error, NAPI_AUTO_LENGTH, &argv[1]) == napi_ok)) {
    cap->delivering = 1;
    napi_status status = napi_make_callback(env, cap->async, receiver, callback, argc, argv, &result);
    cap->delivering = 0;
    bool pending = false;
    if (status != napi_ok && napi_is_exception_pending(env, &pending) == napi_ok && pending) {
      napi_value exception;
      if (napi_get_and_clear_last_exception(env, &exception) == napi_ok)
        napi_fatal_exception(env, exception);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  capture_t *cap = poll->data;
  if (cap->closing) return;
  if (status < 0) {
    char message[128];
    snprintf(message, sizeof message, "capture: waiting for packets failed: %s", uv_strerror(status));
    deliver(cap, message);
    cap->closing = 1;
    finish_close(cap);
    return;
  }
  // Each round reads at most what the batch holds; a full round means more may be waiting.
  int max = (int)(cap->batch_length / (RECORD_HEADER + (size_t)cap->snaplen));
  for (int round = 0; round < MAX_ROUNDS && !cap->closing; round += 1) {
    cap->used = 0;
    cap->count = 0;
    int read = pcap_dispatch(cap->pcap, max, on_packet, (u_char *)cap);
    if (read < 0 && read != PCAP_ERROR_BREAK) {
      char message[PCAP_ERRBUF_SIZE + 32];
      snprintf(message, sizeof message, "capture: %s", pcap_geterr(cap->pcap));
      deliver(cap, message);
      cap->closing = 1;
      break;
    }
    if (cap->count > 0) deliver(cap, NULL);
    if (read < max) break;
  }
  if (cap->closing) finish_close(cap);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  capture_t *cap = data;
  cap->finalized = 1;
  if (cap->released) {
    free(cap);
  } else if (!cap->closing) {
    cap->closing = 1;
    finish_close(cap); // frees it once the poll handle is closed
  }
  // else a close is under way, and on_poll_closed (or on_readable, then it) frees it
}

static int get_string(napi_env env, napi_value value, char *out, size_t size, const char *what) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, out, size, &length) != napi_ok) {
    throw_message(env, what, " must be a string");
    return 0;
  }
  if (length + 1 >= size) {
    throw_message(env, what, " is too long");
    return 0;
  }
  return 1;
}

static napi_value open_capture(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7) {
    napi_throw_error(env, NULL, "open(device, filter, snaplen, promiscuous, bufferBytes, batch, onBatch)");
    return NULL;
  }
  char device[256];
  char filter[65536];
  int32_t snaplen = 0, buffer_bytes = 0;
  bool promiscuous = false, is_buffer = false;
  napi_valuetype callback_type;
  if (!get_string(env, argv[0], device, sizeof device, "device")) return NULL;
  if (!get_string(env, argv[1], filter, sizeof filter, "filter")) return NULL;
  if (napi_get_value_int32(env, argv[2], &snaplen) != napi_ok || snaplen < 64 || snaplen > 262144 ||
      napi_get_value_bool(env, argv[3], &promiscuous) != napi_ok ||
      napi_get_value_int32(env, argv[4], &buffer_bytes) != napi_ok || buffer_bytes < 65536 ||
      napi_is_buffer(env, argv[5], &is_buffer) != napi_ok || !is_buffer ||
      napi_typeof(env, argv[6], &callback_type) != napi_ok || callback_type != napi_function) {
    napi_throw_type_error(env, NULL, "open: bad argument types or ranges");
    return NULL;
  }
  void *batch = NULL;
  size_t batch_length = 0;
  napi_get_buffer_info(env, argv[5], &batch, &batch_length);
  if (batch_length < RECORD_HEADER + (size_t)snaplen) {
    napi_throw_range_error(env, NULL, "open: the batch buffer is smaller than one packet record");
    return NULL;
  }

  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t *pcap = pcap_create(device, errbuf);
  if (!pcap) {
    throw_message(env, "", errbuf);
    return NULL;
  }
  // The options must be set before activation; each fails only on an already active handle.
  pcap_set_snaplen(pcap, snaplen);
  pcap_set_promisc(pcap, promiscuous ? 1 : 0);
  pcap_set_immediate_mode(pcap, 1);
  pcap_set_buffer_size(pcap, buffer_bytes);
  int status = pcap_activate(pcap);
  if (status < 0) {
    const char *why = pcap_geterr(pcap);
    char message[PCAP_ERRBUF_SIZE + 128];
    snprintf(message, sizeof message, "%s: %s", device,
             why && why[0] ? why : pcap_statustostr(status));
    pcap_close(pcap);
    napi_throw_error(env, NULL, message);
    return NULL;
  }
  struct bpf_program program;
  if (pcap_compile(pcap, &program, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
    throw_message(env, "capture filter: ", pcap_geterr(pcap));
    pcap_close(pcap);
    return NULL;
  }
  int filtered = pcap_setfilter(pcap, &program);
  pcap_freecode(&program);
  if (filtered < 0 || pcap_setnonblock(pcap, 1, errbuf) < 0) {
    throw_message(env, "capture: ", filtered < 0 ? pcap_geterr(pcap) : errbuf);
    pcap_close(pcap);
    return NULL;
  }
  int fd = pcap_get_selectable_fd(pcap);
  uv_loop_t *loop = NULL;
  // libpcap opens its socket without close-on-exec: every process the server starts (door
  // commands, and what they leave running) would hold the capture socket and its ring.
  int fd_flags = fd < 0 ? 0 : fcntl(fd, F_GETFD);
  if (fd >= 0 && (fd_flags < 0 || fcntl(fd, F_SETFD, fd_flags | FD_CLOEXEC) < 0)) {
    throw_message(env, "capture: cannot set close-on-exec: ", strerror(errno));
    pcap_close(pcap);
    return NULL;
  }
  if (fd < 0 || napi_get_uv_event_loop(env, &loop) != napi_ok) {
    napi_throw_error(env, NULL, "capture: this interface cannot be waited on");
    pcap_close(pcap);
    return NULL;
  }

  capture_t *cap = calloc(1, sizeof *cap);
  if (!cap) {
    pcap_close(pcap);
    napi_throw_error(env, NULL, "capture: out of memory");
    return NULL;
  }
  cap->env = env;
  cap->pcap = pcap;
  cap->batch = batch;
  cap->batch_length = batch_length;
  cap->snaplen = pcap_snapshot(pcap);
  cap->poll.data = cap;
  napi_value resource_name, handle, result, number;
  napi_create_string_utf8(env, "sesame:capture", NAPI_AUTO_LENGTH, &resource_name);
  if (napi_create_reference(env, argv[6], 1, &cap->callback) != napi_ok ||
      napi_create_reference(env, argv[5], 1, &cap->batch_ref) != napi_ok ||
      napi_async_init(env, NULL, resource_name, &cap->async) != napi_ok ||
      napi_create_external(env, cap, finalize, NULL, &handle) != napi_ok) {
    release(cap);
    free(cap);
    napi_throw_error(env, NULL, "capture: could not set up the callback");
    return NULL;
  }
  if (uv_poll_init(loop, &cap->poll, fd) != 0 ||
      uv_poll_start(&cap->poll, UV_READABLE, on_readable) != 0) {
    cap->closing = 1;
    release(cap); // the external frees the memory when collected
    napi_throw_error(env, NULL, "capture: could not wait for packets");
    return NULL;
  }
  cap->polling = 1;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "handle", handle);
  napi_create_int32(env, pcap_datalink(pcap), &number);
  napi_set_named_property(env, result, "linkType", number);
  napi_create_int32(env, cap->snaplen, &number);
  napi_set_named_property(env, result, "snaplen", number);
  return result;
}

static capture_t *handle_of(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  napi_valuetype type;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_typeof(env, argv[0], &type) != napi_ok || type != napi_external ||
      napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a capture handle");
    return NULL;
  }
  return data;
}

static napi_value stats(napi_env env, napi_callback_info info) {
  capture_t *cap = handle_of(env, info);
  if (!cap) return NULL;
  if (cap->released || !cap->pcap) {
    napi_throw_error(env, NULL, "capture: closed");
    return NULL;
  }
  struct pcap_stat counters;
  if (pcap_stats(cap->pcap, &counters) < 0) {
    throw_message(env, "capture statistics: ", pcap_geterr(cap->pcap));
    return NULL;
  }
  napi_value result, number;
  napi_create_object(env, &result);
  napi_create_uint32(env, counters.ps_recv, &number);
  napi_set_named_property(env, result, "received", number);
  napi_create_uint32(env, counters.ps_drop, &number);
  napi_set_named_property(env, result, "dropped", number);
  napi_create_uint32(env, counters.ps_ifdrop, &number);
  napi_set_named_property(env, result, "interfaceDropped", number);
  return result;
}

static napi_value close_capture(napi_env env, napi_callback_info info) {
  capture_t *cap = handle_of(env, info);
  if (!cap) return NULL;
  if (!cap->closing) {
    cap->closing = 1;
    finish_close(cap);
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"open", NULL, open_capture, NULL, NULL, NULL, napi_default, NULL},
      {"stats", NULL, stats, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_capture, NULL, NULL, NULL, napi_default, NULL},
      {"releaseCodePages", NULL, release_code_pages, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
