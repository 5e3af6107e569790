// Unmaps the process's read-only file pages (the node binary's code and constants, the shared
// libraries'), so that only the pages the program goes on using come back. Written from proc(5)
// (/proc/self/smaps) and madvise(2).
//
// Why: Node maps about 37 MB of its own binary while it starts (its startup code, and the kernel's
// fault-around maps the cached neighbours of every page it faults), and Linux counts all of it in the
// process's RSS for as long as it stays mapped; an idle server goes on using a few MB of it.
//
// Why it is safe: MADV_DONTNEED on a private file mapping drops the page table entries; the next
// access maps the page again from the file (a minor fault while the page cache holds it). Only
// mappings that are readable, not writable, private, backed by a file, and hold no anonymous
// (copied-on-write) page are touched: for those the file's contents are the pages' contents. A
// mapping that was written before it became read-only (the relocated RELRO data) holds anonymous
// pages and is left alone, as are writable, shared and anonymous mappings (the heap, the capture
// ring).
//
// JavaScript API:
//   releaseCodePages() -> { mappings, bytes }   the mappings advised and their size in bytes
#define _GNU_SOURCE
#include "code-pages.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_MAPPINGS 8192

typedef struct mapping {
  unsigned long start;
  unsigned long end;
  char perms[5];
  int file;          // the mapping's name is a path
  long anonymous_kb; // -1 until its Anonymous line was read
} mapping_t;

static int releasable(const mapping_t *m) {
  return m->end > m->start && m->file && m->perms[0] == 'r' && m->perms[1] != 'w' &&
         m->perms[3] == 'p' && m->anonymous_kb == 0;
}

// Reads a line into `line`; a longer one is cut and the rest skipped. Returns 0 at the end.
static int read_line(FILE *file, char *line, size_t size) {
  if (!fgets(line, (int)size, file)) return 0;
  size_t length = strlen(line);
  if (length > 0 && line[length - 1] == '\n') return 1;
  int c;
  while ((c = fgetc(file)) != EOF && c != '\n') {
  }
  return 1;
}

// The releasable mappings, read from /proc/self/smaps into `out`; -1 if it cannot be read.
static int releasable_mappings(mapping_t *out, int capacity) {
  FILE *smaps = fopen("/proc/self/smaps", "re");
  if (!smaps) return -1;
  int count = 0, have = 0;
  mapping_t current;
  char line[512];
  while (read_line(smaps, line, sizeof line)) {
    unsigned long start, end;
    char perms[5];
    int name = 0;
    // A mapping's first line: "start-end perms offset dev inode [name]".
    if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &start, &end, perms, &name) == 3) {
      if (have && releasable(&current) && count < capacity) out[count++] = current;
      memset(&current, 0, sizeof current);
      have = 1;
      current.start = start;
      current.end = end;
      memcpy(current.perms, perms, sizeof current.perms);
      current.file = name > 0 && line[name] == '/';
      current.anonymous_kb = -1;
    } else if (have && strncmp(line, "Anonymous:", 10) == 0) {
      current.anonymous_kb = strtol(line + 10, NULL, 10);
    }
  }
  if (have && releasable(&current) && count < capacity) out[count++] = current;
  fclose(smaps);
  return count;
}

napi_value release_code_pages(napi_env env, napi_callback_info info) {
  (void)info;
  mapping_t *mappings = malloc(MAX_MAPPINGS * sizeof *mappings);
  if (!mappings) {
    napi_throw_error(env, NULL, "code pages: out of memory");
    return NULL;
  }
  int count = releasable_mappings(mappings, MAX_MAPPINGS);
  if (count < 0) {
    free(mappings);
    napi_throw_error(env, NULL, "code pages: cannot read /proc/self/smaps");
    return NULL;
  }
  double advised = 0, bytes = 0;
  for (int i = 0; i < count; i++) {
    void *start = (void *)mappings[i].start;
    size_t length = mappings[i].end - mappings[i].start;
    if (madvise(start, length, MADV_DONTNEED) != 0) continue;
    advised += 1;
    bytes += (double)length;
  }
  free(mappings);
  napi_value result, number;
  napi_create_object(env, &result);
  napi_create_double(env, advised, &number);
  napi_set_named_property(env, result, "mappings", number);
  napi_create_double(env, bytes, &number);
  napi_set_named_property(env, result, "bytes", number);
  return result;
}
