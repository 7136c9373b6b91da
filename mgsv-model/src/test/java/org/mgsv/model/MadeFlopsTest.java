package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** MadeFlops against a count by hand on a tiny configuration (d 4, 2 frames of 5, 3 segments of 6, 2 heads). */
class MadeFlopsTest {
    private static final MadeConfig TINY = MadeConfig.builder().dModel(4).frameSlots(2).segmentSlots(3).frameFeatDim(5)
            .segmentFeatDim(6).enhancementLayers(1).enhancementHeads(2).enhancementFfnDim(8).detrHeads(2).detrFfnDim(8)
            .detrEncoderLayers(1).detrDecoderLayers(1).contrastiveDim(4).videoPeRows(2).audioPeRows(3).build();

    @Test
    void trainingStepByHand() {
        // batch 2. Input projections: 2·(2·2 rows)·5·4 = 160 (video) + 2·(2·3)·6·4 = 288 (music) = 448.
        // Video tower (4 rows of len 2): in_proj 2·4·4·12 = 384, attention 2·(2·2·2·2·4) = 128, out_proj 128,
        //   FFN 256 + 256, final_linear 128: 1280. Music tower (6 rows of len 3): 576 + 288 + 192 + 768 + 192 = 2016.
        // X-Pool 2 musics × 2 videos: W_q + W_kᵀ (per video) 2·64, logits + pooling 2·(2·4·3·4) = 192, W_v +
        //   out_proj + linear_proj (per pair) 3·128: 704.
        // DETR encoder (2 rows of len 5): in_proj 960, attention 800, out_proj 320, FFN 640 + 640: 3360.
        // Single-query decoder: W_v + out_proj (self) 128, W_q + W_kᵀq 128, logits + pooling 2·(2·2·2·5·4) = 320,
        //   W_v + out_proj (cross) 128, FFN 256: 960. Heads: class 32, span 64 + 64 + 32, query projection 64 = 256.
        //   Frame projection 2·4·4·4 = 128. Dual similarity 2·2·4·2 = 32. Alignment loss logits (one layer)
        //   2·2·4 = 16.
        double forward = 448 + 1280 + 2016 + 704 + 3360 + 960 + 256 + 128 + 32 + 16;
        assertEquals(9200, forward);
        assertEquals(forward, MadeFlops.trainForward(TINY, 2), 0);
        // backward: input projections once more (no feature gradient), everything else twice more
        assertEquals(448 * 2 + (forward - 448) * 3, MadeFlops.trainStep(TINY, 2), 0);
    }

    @Test
    void packedTrainingStepByHand() {
        // batch 2 with 1 of 2 frames and 2 of 3 segments valid on average: 2 video, 4 music, 6 DETR tokens.
        // Per token: input projections 40 (video) / 48 (music); a tower 96 + 32 + 64 + 64 + 32 = 288; DETR
        // 96 + 32 + 64 + 64 = 256. On every slot as before: the towers' attention 128 + 288, X-Pool 704, DETR's
        // attention 800, decoder 960, heads 256, frame projection 128, dual 32, alignment 16.
        double first = 2 * 40 + 4 * 48;
        double forward = first + 6 * 288 + 128 + 288 + 704 + 6 * 256 + 800 + 960 + 256 + 128 + 32 + 16;
        assertEquals(first * 2 + (forward - first) * 3, MadeFlops.trainStepPacked(TINY, 2, 1, 2), 0);
        // nothing padded: the full-slot count
        assertEquals(MadeFlops.trainStep(TINY, 2),
                MadeFlops.trainStepPacked(TINY, 2, TINY.frameSlots(), TINY.segmentSlots()), 1e-9);
    }

    @Test
    void msgEvaluationByHand() {
        // n = 2 pairs, 2 musics, chunks of 2. Pass 1: input projections 448, towers 3296, DETR encoder 3360,
        // decoder 960, one layer's heads 256; scorer videos W_q 2·2·4·4 = 64; musics: keys, folded values, M·ū
        // 3·192, three Gram matrices 3·(2·6·4·3) = 432, three S-vectors 2·6·4·3 = 144: 1152; 4 pairs of
        // 2·3·4 + 2·3·9 + 2·3·3 + 2·3·4 + 2·4 = 128 each: 512. Pass 2: musics 1152 + 4 pairs 512.
        double pass1 = 448 + 3296 + 3360 + 960 + 256 + 64 + 1152 + 512;
        double pass2 = 1152 + 512;
        assertEquals(pass1 + pass2, MadeFlops.msgEval(TINY, 2, 2, 2), 0);
    }

    @Test
    void msgEvaluationAtValidLengthsIsTheFullSlotCountWhenNothingIsPaddedAndLessOtherwise() {
        int f = TINY.frameSlots();
        int s = TINY.segmentSlots();
        // pass 1 scores only the diagonal here (the chunked count scores a chunk's k×k pairs): chunks of 1
        assertEquals(MadeFlops.msgEval(TINY, 2, 2, 1), MadeFlops.msgEvalValid(TINY, new int[] {f, f}, new int[] {s, s}),
                1e-9);
        double shorter = MadeFlops.msgEvalValid(TINY, new int[] {f - 1, f}, new int[] {s, s - 1});
        assertTrue(shorter < MadeFlops.msgEval(TINY, 2, 2, 1), "padding is not useful work");
        assertThrows(IllegalArgumentException.class, () -> MadeFlops.msgEvalValid(TINY, new int[] {1}, new int[0]));
    }

    @Test
    void searchQueryByHand() {
        // video tower on 1 video: 2·2·5·4 = 80 + enhancement (384/4·2 = 192, 64, 64, 256) + final 64 = 720;
        // scan of 10 tracks 2·4·10 = 80; query W_q, W_kᵀ 64; 3 shortlisted tracks × (logits + pooling 2·2·3·4 = 48,
        // W_v, W_o, linear_proj 96) = 432; detection of 2 tracks: 3360 + 960 + 256 = 4576.
        assertEquals(720 + 80 + 64 + 432 + 4576, MadeFlops.searchQuery(TINY, 10, 3, 2), 0);
    }

    @Test
    void referenceStepIsAFewGflopPerPair() {
        double perPair = MadeFlops.trainStep(MadeConfig.reference(), 32) / 32;
        assertTrue(perPair > 2.5e9 && perPair < 3.5e9, "per pair " + perPair);
    }
}
