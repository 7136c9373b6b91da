package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MadeParamsTest {

    @Test
    void namesAndShapesAreTheReferenceStateDict() throws IOException {
        List<String> lines = Files.readAllLines(SharedData.forwardA().resolve("state_dict_names.txt"));
        List<String> want = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("#") || l.isBlank()) {
                continue;
            }
            String[] f = l.split("\t");
            if (f[3].equals("param")) {
                want.add(f[0] + " " + (f[1].equals("scalar") ? "[]" : "[" + f[1].replace('x', ',') + "]"));
            }
        }
        List<String> ours = new ArrayList<>();
        for (MadeParams.Spec s : MadeParams.specs(MadeConfig.reference())) {
            ours.add(s.name() + " " + MadeParams.shapeText(s.shape()));
        }
        assertEquals(want, ours);
    }

    /**
     * As the reference's DETR (one layer deep-copied into every layer, then xavier on every matrix only): each
     * encoder / decoder layer starts with layer 0's biases and its own matrices; encoder and decoder differ.
     */
    @Test
    void detrLayersShareTheirInitialBiases() {
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(MadeConfig.reference(), m, 42);
            for (String part : new String[] {"encoder", "decoder"}) {
                String l0 = "detr_transformer." + part + ".layers.0.";
                int layers = part.equals("encoder") ? 2 : 6;
                for (int l = 1; l < layers; l++) {
                    String ll = "detr_transformer." + part + ".layers." + l + ".";
                    for (String b : new String[] {"linear1.bias", "linear2.bias"}) {
                        assertArrayEquals(p.get(l0 + b).toFloatArray(), p.get(ll + b).toFloatArray(), ll + b);
                    }
                    assertTrue(!java.util.Arrays.equals(p.get(l0 + "linear1.weight").toFloatArray(),
                            p.get(ll + "linear1.weight").toFloatArray()), ll + "linear1.weight");
                }
            }
            assertTrue(!java.util.Arrays.equals(p.get("detr_transformer.encoder.layers.0.linear2.bias").toFloatArray(),
                    p.get("detr_transformer.decoder.layers.0.linear2.bias").toFloatArray()));
        }
    }

    @Test
    void referenceSizeAndGroups() {
        try (NDManager m = NDManager.newBaseManager()) {
            MadeParams p = MadeParams.initialize(MadeConfig.reference(), m, 42);
            assertEquals(196, p.names().size());
            // 10.5 M trainable parameters in the reference configuration
            assertTrue(Math.abs(p.count() - 10.5e6) < 0.05e6, "count " + p.count());
            Map<MadeParams.Group, List<String>> g = p.groups();
            assertEquals(List.of("decoder_query_embed.weight"), g.get(MadeParams.Group.NONE));
            assertTrue(g.get(MadeParams.Group.MATCHING).contains("logit_scale"));
            assertTrue(g.get(MadeParams.Group.TEMPORAL).contains("vit_proj.weight"));
            assertTrue(g.get(MadeParams.Group.TEMPORAL).contains("audio_transformer.layers.0.3.3.bias"));
            assertTrue(g.get(MadeParams.Group.DETECTION).contains("contrastive_align_projection_vid.bias"));
            assertTrue(g.get(MadeParams.Group.DETECTION).contains("detr_transformer.decoder.norm.weight"));
            int total = 0;
            for (List<String> l : g.values()) {
                total += l.size();
            }
            assertEquals(196, total);
        }
    }

    @Test
    void initialisationFollowsTheReferenceAndIsReproducible() {
        try (NDManager m = NDManager.newBaseManager()) {
            MadeConfig c = MadeConfig.reference();
            MadeParams a = MadeParams.initialize(c, m, 42);
            MadeParams b = MadeParams.initialize(c, m, 42);
            MadeParams other = MadeParams.initialize(c, m, 43);
            for (String n : a.names()) {
                assertArrayEquals(a.get(n).toFloatArray(), b.get(n).toFloatArray(), n);
            }
            String w = "detr_transformer.encoder.layers.0.linear1.weight";
            assertTrue(!java.util.Arrays.equals(a.get(w).toFloatArray(), other.get(w).toFloatArray()));
            assertEquals((float) Math.log(1 / 0.03), a.get("logit_scale").getFloat(), 1e-6);
            NDArray eye = a.get("video_guided_to_music_pooling_cross_transformer.cross_attn.k_proj.weight");
            assertEquals(256f, eye.sum().getFloat());
            assertEquals(1f, eye.getFloat(5, 5));
            assertEquals(0f, a.get("video_guided_to_music_pooling_cross_transformer.linear_proj.bias").abs().sum().getFloat());
            assertEquals(256f, a.get("detr_transformer.decoder.layers.0.norm2.weight").sum().getFloat());
            // xavier_uniform bound for [1024,256]: sqrt(6/1280)
            float bound = (float) Math.sqrt(6.0 / 1280);
            float max = a.get(w).abs().max().getFloat();
            assertTrue(max <= bound && max > 0.95 * bound, "xavier max " + max);
            // Linear default: U(±1/sqrt(768)) for ast_proj
            float lb = (float) (1 / Math.sqrt(768));
            float lm = a.get("ast_proj.weight").abs().max().getFloat();
            assertTrue(lm <= lb && lm > 0.95 * lb, "linear max " + lm);
            assertEquals(0f, a.get("detr_transformer.encoder.layers.1.self_attn.in_proj_bias").abs().sum().getFloat());
            NDArray q = a.get("decoder_query_embed.weight");
            float std = (float) Math.sqrt(q.mul(q).mean().getFloat());
            assertTrue(std > 0.8 && std < 1.2, "query embedding std " + std);
        }
    }
}
