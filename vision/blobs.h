// Connected components of a binary mask; see blobs.c.
#ifndef STORELENS_BLOBS_H
#define STORELENS_BLOBS_H

#include <stdint.h>

// blob_stats finds the 8-connected components of the nonzero pixels of
// mask (rows × cols, continuous) and writes left, top, right, bottom
// (inclusive) and area of each to stats, in the order OpenCV's
// connectedComponents numbers them (by their first 2×2 block, in rows of
// blocks). runs (4 ints a run) and parent (1 a run) are scratch space for
// maxRuns runs, keys (1 a component) for maxBlobs components. It returns
// the number of components, -1 when there are more runs than maxRuns and
// -2 when more components than maxBlobs.
int blob_stats(const uint8_t *mask, int rows, int cols, int *runs, int maxRuns, int *parent, int *stats,
	       long *keys, int maxBlobs);

#endif
