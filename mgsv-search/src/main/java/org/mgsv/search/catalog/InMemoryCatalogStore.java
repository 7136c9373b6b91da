package org.mgsv.search.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A catalog held in memory (tests, demos, small throw-away catalogs). {@link #commit()} does nothing. */
public final class InMemoryCatalogStore implements CatalogStore {
    private final int dim;
    private final int segments;
    private final Map<String, TrackRecord> tracks = new LinkedHashMap<>();

    public InMemoryCatalogStore(int dim, int segments) {
        this.dim = dim;
        this.segments = segments;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int segments() {
        return segments;
    }

    @Override
    public synchronized void add(TrackRecord track) {
        FileCatalogStore.checkShape(track, dim, segments);
        tracks.remove(track.id());
        tracks.put(track.id(), track);
    }

    @Override
    public synchronized boolean remove(String id) {
        return tracks.remove(id) != null;
    }

    @Override
    public void commit() {}

    @Override
    public synchronized boolean contains(String id) {
        return tracks.containsKey(id);
    }

    @Override
    public synchronized Optional<TrackRecord> get(String id) {
        return Optional.ofNullable(tracks.get(id));
    }

    @Override
    public synchronized Optional<TrackInfo> info(String id) {
        return get(id).map(TrackRecord::info);
    }

    @Override
    public synchronized List<String> ids() {
        return List.copyOf(tracks.keySet());
    }

    @Override
    public synchronized int size() {
        return tracks.size();
    }

    @Override
    public synchronized H0Matrix h0Matrix() {
        List<String> ids = new ArrayList<>(tracks.keySet());
        float[] data = new float[ids.size() * dim];
        int i = 0;
        for (TrackRecord t : tracks.values()) {
            System.arraycopy(t.h0(), 0, data, i++ * dim, dim);
        }
        return H0Matrix.of(ids, data, dim);
    }
}
