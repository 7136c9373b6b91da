package org.mgsv.search;

import org.mgsv.search.catalog.H0Matrix;

class ExactShortlistF32Test extends ShortlistIndexTestCase {
    @Override
    protected ShortlistIndex build(H0Matrix m) {
        return ExactShortlist.build(m, ExactShortlist.Precision.FLOAT32, 2);
    }

    @Override
    protected double minRecall() {
        return 1.0;
    }
}
