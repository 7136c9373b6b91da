package org.mgsv.search.catalog;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A catalog of indexed tracks. Implementations: {@link FileCatalogStore} (embedded default: memory-mapped vector
 * files + JSON metadata, append-only segments and an atomically replaced manifest) and
 * {@link InMemoryCatalogStore}. A scale-out backend (a database or a vector service) implements the same
 * interface.
 *
 * <p>Writes are grouped: {@link #add} and {@link #remove} stage changes, {@link #commit} makes them durable and
 * visible to readers of the store's files at once. A process killed before {@code commit} loses only the staged
 * changes; the catalog stays usable. Reads ({@link #get}, {@link #ids}, {@link #h0Matrix}) see committed and
 * staged changes of this instance.
 *
 * <p>Adding a track whose id is already present replaces it.
 */
public interface CatalogStore extends AutoCloseable {

    /** Embedding size d of h0 and tokens (256 for MaDe). */
    int dim();

    /** Segment slots S per track (96 for MaDe). */
    int segments();

    /** Stages a track (replacing any track with the same id). */
    void add(TrackRecord track);

    default void addAll(Collection<TrackRecord> tracks) {
        for (TrackRecord t : tracks) {
            add(t);
        }
    }

    /** Stages the removal of a track; false when no such track. */
    boolean remove(String id);

    /** Makes staged changes durable (atomic: all or nothing). */
    void commit();

    boolean contains(String id);

    Optional<TrackRecord> get(String id);

    /** Metadata only, without reading vectors. */
    Optional<TrackInfo> info(String id);

    /** Live track ids, in a stable order (the row order of {@link #h0Matrix}). */
    List<String> ids();

    int size();

    /**
     * The h0 vectors of all live tracks, row i belonging to {@code ids().get(i)}. Implementations may return a
     * view on memory-mapped data: do not modify.
     */
    H0Matrix h0Matrix();

    /** Rewrites storage to drop removed/replaced tracks (no-op where meaningless). */
    default void compact() {}

    @Override
    default void close() {}
}
