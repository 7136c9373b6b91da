package org.mgsv.search.catalog;

class InMemoryCatalogStoreTest extends CatalogStoreTestCase {
    @Override
    protected CatalogStore create() {
        return new InMemoryCatalogStore(DIM, SEG);
    }

    @Override
    protected CatalogStore reopen(CatalogStore previous) {
        return previous;
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
