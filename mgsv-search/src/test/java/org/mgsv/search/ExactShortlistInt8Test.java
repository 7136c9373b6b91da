package org.mgsv.search;

import org.mgsv.search.catalog.H0Matrix;

class ExactShortlistInt8Test extends ShortlistIndexTestCase {
    @Override
    protected ShortlistIndex build(H0Matrix m) {
        return ExactShortlist.build(m, ExactShortlist.Precision.INT8, 2);
    }

    @Override
    protected double minRecall() {
        // int8 candidates (4x oversampled) are re-ranked with exact floats
        return 1.0;
    }
}
