#include "ort.h"

#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#define SL_CALL __stdcall
#else
#define SL_CALL
#endif

typedef void *St; // OrtStatus*: NULL is success

typedef struct {
	const void *(SL_CALL *GetApi)(uint32_t version);
	const char *(SL_CALL *GetVersionString)(void);
} sl_api_base;

// Indices into OrtApi.
enum {
	I_GetErrorMessage = 2,
	I_CreateEnv = 3,
	I_CreateSessionFromArray = 8,
	I_Run = 9,
	I_CreateSessionOptions = 10,
	I_SetSessionExecutionMode = 13,
	I_SetSessionGraphOptimizationLevel = 23,
	I_SetIntraOpNumThreads = 24,
	I_SetInterOpNumThreads = 25,
	I_SessionGetInputCount = 30,
	I_SessionGetOutputCount = 31,
	I_SessionGetInputName = 36,
	I_SessionGetOutputName = 37,
	I_CreateTensorWithDataAsOrtValue = 49,
	I_GetTensorMutableData = 51,
	I_GetTensorElementType = 60,
	I_GetDimensionsCount = 61,
	I_GetDimensions = 62,
	I_GetTensorTypeAndShape = 65,
	I_CreateCpuMemoryInfo = 69,
	I_AllocatorFree = 76,
	I_GetAllocatorWithDefaultOptions = 78,
	I_ReleaseEnv = 92,
	I_ReleaseStatus = 93,
	I_ReleaseMemoryInfo = 94,
	I_ReleaseSession = 95,
	I_ReleaseValue = 96,
	I_ReleaseTensorTypeAndShapeInfo = 99,
	I_ReleaseSessionOptions = 100,
};

static void *const *api;
static const char *version;
static void *cpu_memory;

#define FN(i, ret, ...) ((ret(SL_CALL *)(__VA_ARGS__))api[i])

static char *copy(const char *s) {
	size_t n = strlen(s);
	char *c = malloc(n + 1);
	memcpy(c, s, n + 1);
	return c;
}

// status turns an OrtStatus into a message the caller frees, and releases it.
static char *status(St st) {
	if (st == NULL) return NULL;
	char *msg = copy(FN(I_GetErrorMessage, const char *, St)(st));
	FN(I_ReleaseStatus, void, St)(st);
	return msg;
}

char *sl_ort_init(void *get_api_base, uint32_t v) {
	const sl_api_base *base = ((const sl_api_base *(SL_CALL *)(void))get_api_base)();
	if (base == NULL) return copy("OrtGetApiBase returned nothing");
	const void *table = base->GetApi(v);
	if (table == NULL) return copy("the library is older than ONNX Runtime 1.14");
	api = table;
	version = base->GetVersionString();
	// OrtArenaAllocator = 1, OrtMemTypeDefault = 0
	return status(FN(I_CreateCpuMemoryInfo, St, int, int, void **)(1, 0, &cpu_memory));
}

const char *sl_ort_version(void) { return version; }

char *sl_ort_env(int level, const char *id, void **env) {
	return status(FN(I_CreateEnv, St, int, const char *, void **)(level, id, env));
}

char *sl_ort_session(void *env, const void *model, size_t n, int threads, void **session) {
	void *opts = NULL;
	char *err = status(FN(I_CreateSessionOptions, St, void **)(&opts));
	if (err) return err;
	err = status(FN(I_SetIntraOpNumThreads, St, void *, int)(opts, threads));
	if (!err) err = status(FN(I_SetInterOpNumThreads, St, void *, int)(opts, 1));
	if (!err) err = status(FN(I_SetSessionExecutionMode, St, void *, int)(opts, 0)); // ORT_SEQUENTIAL
	if (!err) err = status(FN(I_SetSessionGraphOptimizationLevel, St, void *, int)(opts, 99)); // ORT_ENABLE_ALL
	if (!err) err = status(FN(I_CreateSessionFromArray, St, void *, const void *, size_t, void *, void **)(env, model, n, opts, session));
	FN(I_ReleaseSessionOptions, void, void *)(opts);
	return err;
}

char *sl_ort_counts(void *s, size_t *in, size_t *out) {
	char *err = status(FN(I_SessionGetInputCount, St, void *, size_t *)(s, in));
	if (!err) err = status(FN(I_SessionGetOutputCount, St, void *, size_t *)(s, out));
	return err;
}

char *sl_ort_name(void *s, int output, size_t i, char **name) {
	void *alloc = NULL;
	char *err = status(FN(I_GetAllocatorWithDefaultOptions, St, void **)(&alloc));
	if (err) return err;
	char *n = NULL;
	err = status(FN(output ? I_SessionGetOutputName : I_SessionGetInputName, St, void *, size_t, void *, char **)(s, i, alloc, &n));
	if (err) return err;
	*name = copy(n);
	return status(FN(I_AllocatorFree, St, void *, void *)(alloc, n));
}

char *sl_ort_run(void *s, const char *in_name, float *data, size_t count, const int64_t *shape, size_t rank,
                 const char *const *out_names, size_t outs, void **values) {
	void *in = NULL;
	// ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT = 1
	char *err = status(FN(I_CreateTensorWithDataAsOrtValue, St, void *, void *, size_t, const int64_t *, size_t, int, void **)(
		cpu_memory, data, count * sizeof(float), shape, rank, 1, &in));
	if (err) return err;
	const void *inputs[1] = {in};
	err = status(FN(I_Run, St, void *, void *, const char *const *, const void *const *, size_t, const char *const *, size_t, void **)(
		s, NULL, &in_name, inputs, 1, out_names, outs, values));
	FN(I_ReleaseValue, void, void *)(in);
	return err;
}

char *sl_ort_tensor(void *v, float **data, int64_t *dims, size_t *rank) {
	void *info = NULL;
	char *err = status(FN(I_GetTensorTypeAndShape, St, void *, void **)(v, &info));
	if (err) return err;
	int type = 0;
	size_t n = 0;
	err = status(FN(I_GetTensorElementType, St, void *, int *)(info, &type));
	if (!err && type != 1) err = copy("an output is not a float tensor");
	if (!err) err = status(FN(I_GetDimensionsCount, St, void *, size_t *)(info, &n));
	if (!err && n > *rank) err = copy("an output has too many dimensions");
	if (!err) err = status(FN(I_GetDimensions, St, void *, int64_t *, size_t)(info, dims, n));
	FN(I_ReleaseTensorTypeAndShapeInfo, void, void *)(info);
	if (err) return err;
	*rank = n;
	return status(FN(I_GetTensorMutableData, St, void *, void **)(v, (void **)data));
}

void sl_ort_release_value(void *v) { FN(I_ReleaseValue, void, void *)(v); }
void sl_ort_release_session(void *s) { FN(I_ReleaseSession, void, void *)(s); }
void sl_ort_release_env(void *e) { FN(I_ReleaseEnv, void, void *)(e); }
