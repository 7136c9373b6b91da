package org.mgsv.search;

/**
 * Stage 1 of search: the K catalog tracks whose pooled embedding h0 is most similar (cosine; all vectors are
 * unit length, so the inner product) to the video's clip vector h(v). Implementations: {@link ExactShortlist}
 * (SIMD scan, exact, the default) and {@link HnswShortlist} (Lucene HNSW graph, approximate, for large
 * catalogs).
 */
public interface ShortlistIndex {
    /** Rows of the indexed {@link org.mgsv.search.catalog.H0Matrix} with the highest cosine, best first. */
    Hits search(float[] query, int k);

    /** Number of indexed rows. */
    int size();

    /** Short description for logs and benchmark output, e.g. {@code exact-int8}. */
    String name();

    /** Approximate heap bytes held by the index. */
    long memoryBytes();

    /** Result rows (indices into the matrix the index was built from) and their cosines, best first. */
    record Hits(int[] rows, float[] scores) {
        /** The pairs of a one-row heap, best first. */
        public static Hits of(org.mgsv.core.util.TopKHeap top) {
            return new Hits(top.indices(0), top.scores(0));
        }

        public int size() {
            return rows.length;
        }
    }
}
