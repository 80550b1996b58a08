// Connected components of a binary mask (8-connectivity) and their
// bounding boxes and areas, found on the runs of foreground pixels in each
// row: the masks the detector labels are mostly empty, so this is several
// times faster than labelling every pixel (cv::connectedComponentsWithStats)
// and needs no label image.

#include <stdint.h>
#include <string.h>
#include "blobs.h"

static int find(int *parent, int a) {
	while (parent[a] != a) {
		parent[a] = parent[parent[a]];
		a = parent[a];
	}
	return a;
}

static void unite(int *parent, int a, int b) {
	a = find(parent, a);
	b = find(parent, b);
	// The older run stays the root, so a component's root is its first run.
	if (a < b) parent[b] = a;
	else if (b < a) parent[a] = b;
}

int blob_stats(const uint8_t *mask, int rows, int cols, int *runs, int maxRuns, int *parent, int *stats,
	       long *keys, int maxBlobs) {
	int n = 0;          // runs so far
	int prev0 = 0;      // first run of the previous row
	int prev1 = 0;      // one past its last run
	for (int y = 0; y < rows; y++) {
		const uint8_t *row = mask + (long)y * cols;
		int cur0 = n;
		int p = prev0;
		int x = 0;
		while (x < cols) {
			// Skip background eight pixels at a time.
			for (uint64_t w; x + 8 <= cols; x += 8) {
				memcpy(&w, row + x, 8);
				if (w != 0) break;
			}
			while (x < cols && row[x] == 0) x++;
			if (x >= cols) break;
			int s = x;
			while (x < cols && row[x] != 0) x++;
			if (n == maxRuns) return -1;
			int *r = runs + 4 * n;
			r[0] = y;
			r[1] = s;
			r[2] = x;
			parent[n] = n;
			// Runs of the previous row touching [s, x) diagonally or
			// directly: start ≤ x and end ≥ s.
			while (p < prev1 && runs[4 * p + 2] < s) p++;
			for (int q = p; q < prev1 && runs[4 * q + 1] <= x; q++) unite(parent, n, q);
			n++;
		}
		prev0 = cur0;
		prev1 = n;
	}
	// Number the components by their first run and gather their boxes:
	// stats holds left, top, right, bottom (inclusive), area.
	int nb = 0;
	for (int i = 0; i < n; i++) {
		// A root is its component's first run: earlier runs already
		// have their blob.
		int root = find(parent, i);
		int *r = runs + 4 * i;
		int *st;
		if (root == i) {
			if (nb == maxBlobs) return -2;
			r[3] = nb;
			st = stats + 5 * nb;
			st[0] = r[1];
			st[1] = r[0];
			st[2] = r[2] - 1;
			st[3] = r[0];
			st[4] = 0;
			nb++;
		} else {
			r[3] = runs[4 * root + 3];
			st = stats + 5 * r[3];
		}
		if (r[1] < st[0]) st[0] = r[1];
		if (r[2] - 1 > st[2]) st[2] = r[2] - 1;
		st[3] = r[0]; // runs come in row order
		st[4] += r[2] - r[1];
		// The component's first 2×2 block, rows then columns: OpenCV
		// numbers components in that order.
		long key = (long)(r[0] >> 1) * cols + (r[1] >> 1);
		if (root == i || key < keys[r[3]]) keys[r[3]] = key;
	}
	for (int a = 1; a < nb; a++) {
		for (int b = a; b > 0 && keys[b] < keys[b - 1]; b--) {
			long k = keys[b];
			keys[b] = keys[b - 1];
			keys[b - 1] = k;
			for (int c = 0; c < 5; c++) {
				int t = stats[5 * b + c];
				stats[5 * b + c] = stats[5 * (b - 1) + c];
				stats[5 * (b - 1) + c] = t;
			}
		}
	}
	return nb;
}
