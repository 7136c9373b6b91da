package org.mgsv.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.Annotation;
import org.mgsv.core.data.AnnotationCsv;
import org.mgsv.core.data.DatasetLayout;
import org.mgsv.core.tensor.Tensor;
import org.mgsv.core.tensor.TorchSave;

class SynthWriterTest {
    static final SynthConfig TINY = SynthConfig.builder().trainVideos(30).valVideos(6).testVideos(6).build();

    @TempDir Path tmp;

    @Test
    void writesThePublishedLayoutThatReadsBack() {
        Path out = tmp.resolve("bench");
        SynthWriter.Summary s = SynthWriter.write(TINY, out, 2, false);
        SynthPlan plan = SynthPlan.build(TINY);
        SynthGenerator gen = new SynthGenerator(plan);
        assertEquals(30, s.trainRows());
        // the disk estimate used before writing (and quoted for the reference scale) matches what was written
        assertEquals(SynthWriter.estimatedBytes(plan), s.bytes(), 0.02 * s.bytes());
        Path vit = out.resolve("features/Kuai_feature/vit_feature1");
        Path ast = out.resolve("features/Kuai_feature/ast_feature2p5");
        for (SynthPlan.Split split : SynthPlan.Split.values()) {
            List<Annotation> rows = AnnotationCsv.read(out.resolve("dataset/MGSV-EC/" + split.fileStem + "_data.csv"));
            assertEquals(plan.annotations(split), rows);
            for (int i = 0; i < rows.size(); i++) {
                Annotation a = rows.get(i);
                SynthPlan.Row row = plan.rows(split).get(i);
                Tensor vf = TorchSave.read(vit.resolve("vit_feature/" + a.videoId() + ".pt"), 50, 512);
                Tensor vm = TorchSave.read(vit.resolve("vit_mask/" + a.videoId() + ".pt"), 50);
                assertArrayEquals(gen.videoFeatures(row).values(), vf.toArray());
                int valid = (int) (Math.min(Math.floor(a.videoEnd()), 49) - Math.floor(a.videoStart()) + 1);
                assertEquals(valid, sum(vm.toArray()), 0.0);
                Tensor mf = TorchSave.read(ast.resolve("ast_feature/" + a.musicId() + ".pt"), 96, 768);
                Tensor mm = TorchSave.read(ast.resolve("ast_mask/" + a.musicId() + ".pt"), 96);
                int windows = (int) Math.min(96, Math.floor(a.musicTotalDuration() / 2.5) + 1);
                assertEquals(windows, sum(mm.toArray()), 0.0);
                float[] m = mf.toArray();
                for (int w = windows; w < 96; w++) {
                    for (int k = 0; k < 768; k++) {
                        assertEquals(0f, m[w * 768 + k]);
                    }
                }
            }
        }
        assertTrue(SynthWriter.isUpToDate(out, TINY));
        assertFalse(SynthWriter.isUpToDate(out, TINY.toBuilder().seed(1).build()));
        assertEquals(TINY, SynthWriter.readConfig(out));
        // no temporary leftovers beside the output
        try (Stream<Path> l = Files.list(tmp)) {
            assertEquals(List.of(out), l.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theDatasetLayoutResolvesAndValidatesIt() {
        Path out = tmp.resolve("bench");
        SynthWriter.write(TINY, out, 2, false);
        try (DatasetLayout layout = DatasetLayout.resolve(out)) {
            assertEquals(List.of("train", "val", "test"), List.copyOf(layout.splits()));
            for (String split : layout.splits()) {
                assertEquals(List.of(), layout.validate(split), split);
            }
            SynthPlan.Row row = SynthPlan.build(TINY).rows(SynthPlan.Split.VAL).get(0);
            assertEquals(row.validFrames(), layout.features().video(row.videoId()).validCount());
        }
    }

    @Test
    void outputDoesNotDependOnTheNumberOfThreads() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        SynthWriter.write(TINY, a, 1, false);
        SynthWriter.write(TINY, b, 3, false);
        Map<String, byte[]> fa = files(a);
        Map<String, byte[]> fb = files(b);
        assertEquals(fa.keySet(), fb.keySet());
        for (String k : fa.keySet()) {
            assertArrayEquals(fa.get(k), fb.get(k), k);
        }
    }

    @Test
    void replacesAnEarlierBenchmarkButNotOtherData() throws IOException {
        Path out = tmp.resolve("bench");
        SynthWriter.write(TINY, out, 1, false);
        SynthConfig other = TINY.toBuilder().seed(5).build();
        SynthWriter.write(other, out, 1, false);
        assertTrue(SynthWriter.isUpToDate(out, other));
        Path data = tmp.resolve("mydata");
        Files.createDirectories(data);
        Files.writeString(data.resolve("notes.txt"), "keep me");
        MgsvException e = assertThrows(MgsvException.class, () -> SynthWriter.write(TINY, data, 1, false));
        assertTrue(e.getMessage().contains(data.toString()), e.getMessage());
        assertEquals("keep me", Files.readString(data.resolve("notes.txt")));
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                m.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }
}
