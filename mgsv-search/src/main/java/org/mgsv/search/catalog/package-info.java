/**
 * Catalogs of indexed tracks: the {@link org.mgsv.search.catalog.CatalogStore} interface (one contract test suite),
 * the crash-safe file store with its generations of parts, and an in-memory store.
 */
package org.mgsv.search.catalog;
