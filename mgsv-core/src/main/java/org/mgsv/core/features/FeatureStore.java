package org.mgsv.core.features;

import java.util.Set;

/**
 * Per-id video and music features of a dataset. Implementations validate what they return (shape, finite
 * values, 0/1 masks) and zero the features of padded slots; errors are {@link org.mgsv.core.MgsvException}s
 * naming the file or store and the id. Implementations are safe for concurrent reads.
 */
public interface FeatureStore extends AutoCloseable {
    /** The shapes of this store's features. */
    FeatureSpec spec();

    boolean hasVideo(String videoId);

    boolean hasMusic(String musicId);

    /** The features of {@code videoId}; throws an {@link org.mgsv.core.MgsvException} if absent or invalid. */
    VideoFeatures video(String videoId);

    /** The features of {@code musicId}; throws an {@link org.mgsv.core.MgsvException} if absent or invalid. */
    MusicFeatures music(String musicId);

    /** Every video id this store holds, sorted. */
    Set<String> videoIds();

    /** Every music id this store holds, sorted. */
    Set<String> musicIds();

    /** Where the features come from (a path), for messages. */
    String location();

    @Override
    void close();
}
