{
  "targets": [
    {
      "target_name": "sesame_capture",
      "sources": ["src/capture.c", "src/code-pages.c"],
      "libraries": ["-lpcap"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
