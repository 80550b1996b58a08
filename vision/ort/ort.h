// The part of ONNX Runtime's C API a detector needs, called through the
// OrtApi function table of a library loaded at run time. The table's order
// is ORT's stable ABI: entries are only ever appended, so the indices below
// (from onnxruntime_c_api.h, API version 1 onwards) hold for every release.
#ifndef STORELENS_ORT_H
#define STORELENS_ORT_H

#include <stddef.h>
#include <stdint.h>

// sl_ort_init takes the library's OrtGetApiBase and asks for the table of
// API version `version`. It returns NULL, or an error message to free.
char *sl_ort_init(void *get_api_base, uint32_t version);
const char *sl_ort_version(void);

char *sl_ort_env(int log_level, const char *log_id, void **env);
char *sl_ort_session(void *env, const void *model, size_t model_len, int threads, void **session);
char *sl_ort_counts(void *session, size_t *inputs, size_t *outputs);
char *sl_ort_name(void *session, int output, size_t index, char **name);
char *sl_ort_run(void *session, const char *input_name, float *data, size_t count,
                 const int64_t *shape, size_t rank,
                 const char *const *output_names, size_t outputs, void **values);
char *sl_ort_tensor(void *value, float **data, int64_t *dims, size_t *rank);
void sl_ort_release_value(void *value);
void sl_ort_release_session(void *session);
void sl_ort_release_env(void *env);

#endif
