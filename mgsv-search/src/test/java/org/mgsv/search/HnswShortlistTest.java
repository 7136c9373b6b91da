package org.mgsv.search;

import org.mgsv.search.catalog.H0Matrix;

class HnswShortlistTest extends ShortlistIndexTestCase {
    @Override
    protected ShortlistIndex build(H0Matrix m) {
        return HnswShortlist.build(m);
    }

    @Override
    protected double minRecall() {
        return 0.95;
    }
}
