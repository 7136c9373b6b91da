package org.mgsv.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;
import org.mgsv.core.util.TopKHeap;
import org.mgsv.search.catalog.H0Matrix;

/**
 * Approximate shortlist on a Lucene HNSW graph (inner product on unit vectors). Building is O(n log n) and
 * slow for millions of rows (about 3 minutes per 100k×256 on 2 cores); queries visit a small part of the graph.
 * The graph is searched with {@code efSearch = max(k, ef)} candidates and returns exact cosines.
 */
public final class HnswShortlist implements ShortlistIndex {
    private final List<float[]> vectors;
    private final int dim;
    private final OnHeapHnswGraph graph;
    private final int ef;
    private final int maxConn;

    private HnswShortlist(List<float[]> vectors, int dim, OnHeapHnswGraph graph, int maxConn, int ef) {
        this.vectors = vectors;
        this.dim = dim;
        this.graph = graph;
        this.maxConn = maxConn;
        this.ef = ef;
    }

    /** Default graph: 16 neighbours per node, beam width 100 at build time, ef 200 at query time. */
    public static HnswShortlist build(H0Matrix m) {
        return build(m, 16, 100, 200);
    }

    public static HnswShortlist build(H0Matrix m, int maxConn, int beamWidth, int ef) {
        List<float[]> vectors = new ArrayList<>(m.rows());
        for (int i = 0; i < m.rows(); i++) {
            vectors.add(m.row(i, new float[m.dim()]));
        }
        try {
            RandomAccessVectorValues.Floats values = RandomAccessVectorValues.fromFloats(vectors, m.dim());
            RandomVectorScorerSupplier sup = DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorerSupplier(
                    VectorSimilarityFunction.DOT_PRODUCT, values);
            HnswGraphBuilder b = HnswGraphBuilder.create(sup, maxConn, beamWidth, 42L);
            OnHeapHnswGraph g = b.build(vectors.size());
            return new HnswShortlist(vectors, m.dim(), g, maxConn, ef);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Hits search(float[] query, int k) {
        if (query.length != dim) {
            throw new IllegalArgumentException("query has " + query.length + " dims, index has " + dim);
        }
        k = Math.min(k, vectors.size());
        if (k == 0) {
            return new Hits(new int[0], new float[0]);
        }
        try {
            RandomAccessVectorValues.Floats values = RandomAccessVectorValues.fromFloats(vectors, dim);
            RandomVectorScorer scorer = DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorer(
                    VectorSimilarityFunction.DOT_PRODUCT, values, query);
            KnnCollector c = HnswGraphSearcher.search(scorer, Math.max(k, ef), graph, null, Integer.MAX_VALUE);
            TopDocs td = c.topDocs();
            TopKHeap top = new TopKHeap(k);
            for (ScoreDoc sd : td.scoreDocs) {
                top.offer(VecMath.dot(query, vectors.get(sd.doc)), sd.doc);
            }
            return Hits.of(top);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int size() {
        return vectors.size();
    }

    @Override
    public String name() {
        return "hnsw-m" + maxConn + "-ef" + ef;
    }

    @Override
    public long memoryBytes() {
        return 4L * dim * vectors.size() + graph.ramBytesUsed();
    }
}
