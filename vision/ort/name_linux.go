package ort

// LibraryName is the file of ONNX Runtime's CPU library on this system.
const LibraryName = "libonnxruntime.so.1"
