/**
 * Search latency by stage and shortlist recall on synthetic catalogs of any size ({@code mgsv bench search},
 * {@link org.mgsv.bench.search.SearchBench}).
 */
package org.mgsv.bench.search;
