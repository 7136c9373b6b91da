package org.mgsv.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgsv.core.util.CpuFeatures;
import org.mgsv.core.util.Json;

class MatmulPeakTest {
    @TempDir Path tmp;

    /** The hand-written protobuf is a model ONNX Runtime loads, and it computes A·B with its random initializer. */
    @Test
    void onnxMatMulModelsComputeTheProduct() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int m = 3;
        int k = 4;
        int n = 5;
        float[] a = new float[m * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = i == 0 ? 1f : 0f; // selects row 0 of B
        }
        try (OrtSession s = env.createSession(OnnxMatMulModel.float32(m, k, n, 7), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(a), new long[] {m, k});
             OrtSession.Result r = s.run(Map.of("A", in))) {
            float[][] y = (float[][]) r.get(0).getValue();
            assertEquals(m, y.length);
            assertEquals(n, y[0].length);
            java.util.Random rnd = new java.util.Random(7);
            for (int j = 0; j < n; j++) {
                assertEquals((float) rnd.nextGaussian(), y[0][j], 0f); // B's first row, as generated
            }
            assertArrayEquals(new float[n], y[1], 0f);
        }
        byte[] ua = new byte[m * k];
        ua[0] = 2; // A[0,0] = 2 (uint8)
        try (OrtSession s = env.createSession(OnnxMatMulModel.int8(m, k, n, 7), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, ByteBuffer.wrap(ua), new long[] {m, k}, OnnxJavaType.UINT8);
             OrtSession.Result r = s.run(Map.of("A", in))) {
            int[][] y = (int[][]) r.get(0).getValue();
            java.util.Random rnd = new java.util.Random(7);
            for (int j = 0; j < n; j++) {
                assertEquals(2 * (rnd.nextInt(255) - 127), y[0][j]);
            }
        }
    }

    @Test
    void savedPeakIsReusedOnlyForTheSameCpuAndThreads() throws Exception {
        Path f = tmp.resolve("sub/peak.json");
        assertNull(MatmulPeak.load(f, 2));
        List<MatmulPeak.Rate> rates = new ArrayList<>(List.of(new MatmulPeak.Rate("libtorch", "fp32", "square 64", 2, 12.5)));
        MatmulPeak.Peak p = new MatmulPeak.Peak(CpuFeatures.current().model(), 2, CpuFeatures.mklDispatch(), 12.5, Double.NaN, 10, 40, rates, "now");
        MatmulPeak.save(f, p);
        MatmulPeak.Peak back = MatmulPeak.load(f, 2);
        assertNotNull(back);
        assertEquals(12.5, back.fp32());
        assertTrue(Double.isNaN(back.bf16()));
        assertEquals(1, back.rates().size());
        assertNull(MatmulPeak.load(f, 1), "another thread count is measured again");
        String dispatch = "\"mkl_dispatch\" : \"" + CpuFeatures.mklDispatch() + "\"";
        assertTrue(Files.readString(f).contains(dispatch), Files.readString(f));
        String saved = Files.readString(f);
        Files.writeString(f, saved.replace(dispatch, "\"mkl_dispatch\" : \"another dispatch\""));
        assertNull(MatmulPeak.load(f, 2), "a peak measured with MKL's kernels chosen otherwise is measured again");
        Files.writeString(f, saved.replace(dispatch + ",", ""));
        assertNull(MatmulPeak.load(f, 2), "a peak saved before the dispatch mode was recorded is measured again");
        Files.writeString(f, saved);
        Files.writeString(f, Files.readString(f).replace(CpuFeatures.current().model(), "another CPU"));
        assertNull(MatmulPeak.load(f, 2), "another CPU is measured again");
        Files.writeString(f, "{not json");
        assertNull(MatmulPeak.load(f, 2));
        assertEquals(0.5, (double) p.figures(25e9, 4.0).get("fraction_of_fp32_peak"), 1e-9); // 6.25 / 12.5
    }

    @Test
    void peaksOfOtherThreadCountsAndDispatchesAreKept() throws Exception {
        Path f = tmp.resolve("keep/peak.json");
        String cpu = CpuFeatures.current().model();
        String here = CpuFeatures.mklDispatch();
        List<MatmulPeak.Rate> none = List.of();
        MatmulPeak.save(f, new MatmulPeak.Peak(cpu, 2, here, 100, 300, 90, 400, none, "full"));
        // a process without the dispatch shim (e.g. a library user's JVM) and one at 1 thread save their own
        MatmulPeak.save(f, new MatmulPeak.Peak(cpu, 2, "other dispatch", 60, Double.NaN, Double.NaN, Double.NaN, none, "x"));
        MatmulPeak.save(f, new MatmulPeak.Peak(cpu, 1, here, 50, Double.NaN, Double.NaN, Double.NaN, none, "y"));
        MatmulPeak.Peak back = MatmulPeak.load(f, 2);
        assertNotNull(back);
        assertEquals("full", back.measured(), "the full peak of this configuration survives the others' saves");
        assertEquals(400, back.ortInt8());
        assertEquals(50, MatmulPeak.load(f, 1).fp32());
        assertEquals(3, MatmulPeak.entries(f).size());
        // saving the same configuration again replaces it
        MatmulPeak.save(f, new MatmulPeak.Peak(cpu, 2, here, 110, 300, 90, 400, none, "again"));
        assertEquals(110, MatmulPeak.load(f, 2).fp32());
        assertEquals(3, MatmulPeak.entries(f).size());
        // a malformed entry (no threads) or one without a CPU is skipped, not the end of the others
        String text = Files.readString(f);
        Files.writeString(f, text.replaceFirst("\\{\\s*\"peaks\"\\s*:\\s*\\[",
                "{ \"peaks\" : [ {\"cpu\": \"x\"}, {\"threads\": 2, \"fp32_gflops\": 1}, "));
        assertEquals(5, new ObjectMapper().readTree(f.toFile()).get("peaks").size(), Files.readString(f));
        assertEquals(110, MatmulPeak.load(f, 2).fp32());
        assertEquals(3, MatmulPeak.entries(f).size());
        assertEquals(90.0, MatmulPeak.ortPeaks(f, 2).get("fp32"));
        MatmulPeak.save(f, new MatmulPeak.Peak(cpu, 4, here, 200, 1, 1, 1, none, "four"));
        assertEquals(4, MatmulPeak.entries(f).size(), "the valid entries survive a save");
        assertEquals(110, MatmulPeak.load(f, 2).fp32());
        // ONNX Runtime does not use MKL: its peak is found whatever dispatch saved it
        Files.writeString(f, Files.readString(f).replace("\"" + here + "\"", "\"some dispatch\""));
        assertNull(MatmulPeak.load(f, 2));
        assertEquals(90.0, MatmulPeak.ortPeaks(f, 2).get("fp32"));
        // a file of one peak, as written before, still reads
        Files.writeString(f, Json.pretty(new MatmulPeak.Peak(cpu, 2, here, 120, 1, 1, 1, none, "old").toMap()));
        assertEquals(120, MatmulPeak.load(f, 2).fp32());
    }

    @Test
    void measuresLibtorchOnTinyShapes() {
        MatmulPeak.Peak p = MatmulPeak.measure(1, 64, 0.01, false, s -> {});
        assertTrue(p.fp32() > 0, "fp32 rate " + p.fp32());
        assertEquals(MatmulPeak.shapes(64).size(), p.rates().size());
    }
}
