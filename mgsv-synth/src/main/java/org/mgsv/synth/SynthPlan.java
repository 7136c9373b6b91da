package org.mgsv.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.mgsv.core.data.Annotation;
import org.mgsv.core.data.DatasetLayout;

/**
 * The annotation side of a synthetic benchmark: the track pool and the rows of the three splits, with all
 * times in integer milliseconds (the CSVs carry 3 decimals). Built deterministically from the configuration;
 * the features are rendered from it by {@link SynthGenerator}.
 */
public final class SynthPlan {
    /** The three splits, in file order. */
    public enum Split {
        TRAIN("train"), VAL("val"), TEST("test");

        public final String fileStem;

        Split(String s) {
            fileStem = s;
        }

        public String csvName() {
            return fileStem + DatasetLayout.CSV_SUFFIX;
        }
    }

    /** One track of the pool. {@code parent} is the track it is a version of, or -1. */
    public record Track(int index, String musicId, String title, int dir, long durationMs, int parent) {
        public String musicPath() {
            return "/Data/music/source_music/" + dir + "/" + musicId + "+" + title + ".mp3";
        }

        /** Number of valid music windows: centres 0, 2.5, ... s up to the duration (at most 96). */
        public int validWindows() {
            return (int) Math.min(SynthGenerator.MUSIC_SLOTS, durationMs / 2500 + 1);
        }
    }

    /** One annotation row (a video and its moment); {@code serial} keys the video's random stream. */
    public record Row(
            int serial,
            String videoId,
            int track,
            long videoStartMs,
            long lengthMs,
            long musicStartMs,
            long videoTotalMs,
            int width,
            int height,
            int frameRate,
            String category) {
        public long videoEndMs() {
            return videoStartMs + lengthMs;
        }

        public long musicEndMs() {
            return musicStartMs + lengthMs;
        }

        public long totalFrames() {
            return Math.round(videoTotalMs / 1000.0 * frameRate);
        }

        /** Valid frame slots: seconds floor(video_start) .. min(floor(video_end), 49). */
        public int validFrames() {
            long first = videoStartMs / 1000;
            long last = Math.min(videoEndMs() / 1000, SynthGenerator.FRAME_SLOTS - 1);
            return (int) Math.max(0, last - first + 1);
        }
    }

    private static final int[] DIR_COUNTS = {1159, 326, 195, 140, 79, 49, 27, 13, 7, 5};
    private static final String ID_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz";

    private final SynthConfig config;
    private final List<Track> tracks;
    private final List<List<Row>> rows;

    private SynthPlan(SynthConfig config, List<Track> tracks, List<List<Row>> rows) {
        this.config = config;
        this.tracks = List.copyOf(tracks);
        this.rows = rows.stream().map(List::copyOf).toList();
    }

    public SynthConfig config() {
        return config;
    }

    public List<Track> tracks() {
        return tracks;
    }

    public Track track(int index) {
        return tracks.get(index);
    }

    public List<Row> rows(Split split) {
        return rows.get(split.ordinal());
    }

    /** Indices of the tracks used by at least one row of any split (the ones that get feature files). */
    public int[] usedTracks() {
        boolean[] used = new boolean[tracks.size()];
        for (List<Row> l : rows) {
            for (Row r : l) {
                used[r.track()] = true;
            }
        }
        return java.util.stream.IntStream.range(0, used.length).filter(i -> used[i]).toArray();
    }

    public static SynthPlan build(SynthConfig c) {
        SplittableRandom rng = Streams.of(c.seed(), Streams.PLAN, 0);
        int nTrain = c.effectiveTrainTracks();
        int nVal = c.valVideos();
        int nTest = c.testVideos();
        int common = (int) Math.round(c.valTestCommon() * Math.min(nVal, nTest));
        int union = nVal + nTest - common;
        int inTrain = (int) Math.min(nTrain, Math.round(c.evalInTrain() * union));
        int total = nTrain + union - inTrain;

        // track pool: indices [0, nTrain) are the train tracks, the rest occur only in val/test
        List<Track> tracks = new ArrayList<>(total);
        Set<String> musicIds = new HashSet<>();
        for (int k = 0; k < total; k++) {
            String id;
            do {
                id = randomMusicId(rng);
            } while (!musicIds.add(id));
            int dir = EcDistributions.categorical(DIR_COUNTS, rng);
            if (k > 0 && rng.nextDouble() < c.versionRate()) {
                Track p = tracks.get(rng.nextInt(k));
                int root = p.parent() >= 0 ? p.parent() : p.index();
                Track r = tracks.get(root);
                String title = String.format(Locale.ROOT, "synth-%05d (version %05d)", root, k);
                tracks.add(new Track(k, id, title, dir, r.durationMs(), root));
            } else {
                long dur = Math.round(EcDistributions.musicDuration(rng) * 1000);
                tracks.add(new Track(k, id, String.format(Locale.ROOT, "synth-%05d", k), dir, dur, -1));
            }
        }

        // val/test track sets
        List<Integer> trainShuffled = new ArrayList<>();
        for (int k = 0; k < nTrain; k++) {
            trainShuffled.add(k);
        }
        shuffle(trainShuffled, rng);
        List<Integer> unionList = new ArrayList<>(trainShuffled.subList(0, inTrain));
        for (int k = nTrain; k < total; k++) {
            unionList.add(k);
        }
        shuffle(unionList, rng);
        List<Integer> valTracks = new ArrayList<>(unionList.subList(0, nVal));
        List<Integer> testTracks = new ArrayList<>(unionList.subList(0, common));
        testTracks.addAll(unionList.subList(nVal, union));

        Set<Long> videoIds = new HashSet<>();
        int[] serial = {0};
        List<List<Row>> rows = new ArrayList<>();

        // train: every train track gets a video, the rest are spread by heavy-tailed (log-normal) popularity
        int[] perTrack = new int[nTrain];
        Arrays.fill(perTrack, 1);
        double[] cum = new double[nTrain];
        double acc = 0;
        for (int k = 0; k < nTrain; k++) {
            acc += Math.exp(1.2 * rng.nextGaussian());
            cum[k] = acc;
        }
        for (int v = nTrain; v < c.trainVideos(); v++) {
            int i = Arrays.binarySearch(cum, rng.nextDouble() * acc);
            perTrack[i < 0 ? Math.min(nTrain - 1, -i - 1) : i]++;
        }
        List<Row> train = new ArrayList<>(c.trainVideos());
        for (int k = 0; k < nTrain; k++) {
            List<long[]> moments = new ArrayList<>();
            for (int v = 0; v < perTrack[k]; v++) {
                long[] m;
                if (!moments.isEmpty() && rng.nextDouble() < c.momentReuse()) {
                    m = moments.get(rng.nextInt(moments.size()));
                } else {
                    m = newMoment(rng, tracks.get(k).durationMs());
                    moments.add(m);
                }
                train.add(newRow(rng, serial, videoIds, k, m));
            }
        }
        shuffle(train, rng);
        rows.add(train);
        for (List<Integer> evalTracks : List.of(valTracks, testTracks)) {
            List<Row> split = new ArrayList<>(evalTracks.size());
            for (int k : evalTracks) {
                split.add(newRow(rng, serial, videoIds, k, newMoment(rng, tracks.get(k).durationMs())));
            }
            shuffle(split, rng);
            rows.add(split);
        }
        return new SynthPlan(c, tracks, rows);
    }

    /** {length, start} in ms for a track of the given duration. */
    private static long[] newMoment(SplittableRandom rng, long durationMs) {
        long len = 0;
        for (int attempt = 0; attempt < 20; attempt++) {
            len = Math.round(EcDistributions.segmentDuration(rng) * 1000);
            if (len <= durationMs) {
                break;
            }
        }
        len = Math.min(len, durationMs);
        long start = Math.round(EcDistributions.musicStart(rng, durationMs / 1000.0, len / 1000.0) * 1000);
        start = Math.max(0, Math.min(start, durationMs - len));
        return new long[] {len, start};
    }

    private static Row newRow(SplittableRandom rng, int[] serial, Set<Long> videoIds, int track, long[] moment) {
        long vid;
        do {
            vid = 100_000_000_000L + (long) (rng.nextDouble() * 20_000_000_000L);
        } while (!videoIds.add(vid));
        long vStart = Math.round(EcDistributions.videoStart(rng) * 1000);
        long tail = Math.max(0, Math.round(EcDistributions.videoTail(rng) * 1000));
        int[] wh = EcDistributions.resolution(rng);
        int fps = EcDistributions.frameRate(rng);
        String cat = EcDistributions.CATEGORIES[EcDistributions.category(rng)];
        return new Row(serial[0]++, Long.toString(vid), track, vStart, moment[0], moment[1],
                vStart + moment[0] + tail, wh[0], wh[1], fps, cat);
    }

    private static String randomMusicId(SplittableRandom rng) {
        StringBuilder sb = new StringBuilder("4+5s");
        for (int i = 0; i < 13; i++) {
            sb.append(ID_CHARS.charAt(rng.nextInt(ID_CHARS.length())));
        }
        return sb.toString();
    }

    private static <T> void shuffle(List<T> l, SplittableRandom rng) {
        for (int i = l.size() - 1; i > 0; i--) {
            Collections.swap(l, i, rng.nextInt(i + 1));
        }
    }

    /** The split's rows as MGSV-EC annotations (times in seconds, 3 decimals). */
    public List<Annotation> annotations(Split split) {
        List<Annotation> out = new ArrayList<>(rows(split).size());
        for (Row r : rows(split)) {
            Track t = tracks.get(r.track());
            out.add(new Annotation(r.videoId(), t.musicId(), sec(r.videoStartMs()), sec(r.videoEndMs()),
                    sec(r.musicStartMs()), sec(r.musicEndMs()), sec(t.durationMs()), sec(r.lengthMs()),
                    sec(r.lengthMs()), t.musicPath(), sec(r.videoTotalMs()), r.width(), r.height(),
                    (int) r.totalFrames(), r.frameRate(), r.category()));
        }
        return out;
    }

    private static double sec(long ms) {
        return ms / 1000.0;
    }
}
