package org.mgsv.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mgsv.core.MgsvException;

class MadeConfigTest {

    @Test
    void defaultsAreTheReferenceConfiguration() {
        MadeConfig c = MadeConfig.reference();
        assertEquals(256, c.dModel());
        assertEquals(50, c.frameSlots());
        assertEquals(96, c.segmentSlots());
        assertEquals(8, c.enhancementHeads());
        assertEquals(1024, c.enhancementFfnDim());
        assertEquals(0.8f, c.enhancementDropout());
        assertEquals(0.3f, c.xpoolDropout());
        assertEquals(0.1f, c.detrDropout());
        assertEquals(2, c.detrEncoderLayers());
        assertEquals(6, c.detrDecoderLayers());
        assertEquals(240f, c.maxMDuration());
        assertEquals(MadeConfig.RetrievalScore.BOTH, c.retrievalScore());
        assertEquals(MadeConfig.MomentQuery.VIDEO, c.momentQuery());
        assertEquals(1, c.numMomentQueries());
        assertFalse(c.predictCenter());
        assertTrue(c.enhancement());
    }

    @Test
    void jsonRoundTripAndMissingFieldsTakeDefaults() {
        MadeConfig c = MadeConfig.builder().retrievalScore(MadeConfig.RetrievalScore.SINGLE)
                .momentQuery(MadeConfig.MomentQuery.XPOOL).predictCenter(true).numMomentQueries(3)
                .enhancement(false).build();
        MadeConfig back = MadeConfig.fromJson(c.toJson(), "cfg.json");
        assertEquals(c, back);
        MadeConfig partial = MadeConfig.fromJson("{\"momentQuery\": \"music\", \"retrievalScore\": \"dual\"}", "x.json");
        assertEquals(MadeConfig.MomentQuery.MUSIC, partial.momentQuery());
        assertEquals(MadeConfig.RetrievalScore.DUAL, partial.retrievalScore());
        assertEquals(256, partial.dModel());
    }

    @Test
    void invalidValuesGiveClearErrors() {
        MgsvException e = assertThrows(MgsvException.class,
                () -> MadeConfig.builder().dModel(250).detrHeads(8).enhancementDropout(1.2f).build());
        assertTrue(e.getMessage().contains("detrHeads"), e.getMessage());
        assertTrue(e.getMessage().contains("enhancementDropout"), e.getMessage());
        MgsvException u = assertThrows(MgsvException.class, () -> MadeConfig.fromJson("{\"dmodel\": 3}", "c.json"));
        assertTrue(u.getMessage().contains("c.json") && u.getMessage().contains("dmodel"), u.getMessage());
        MgsvException v = assertThrows(MgsvException.class, () -> MadeConfig.fromJson("{\"numMomentQueries\": 0}", "c.json"));
        assertTrue(v.getMessage().contains("c.json") && v.getMessage().contains("numMomentQueries"), v.getMessage());
        MgsvException q = assertThrows(MgsvException.class, () -> MadeConfig.fromJson("{\"momentQuery\": \"random\"}", "c.json"));
        assertTrue(q.getMessage().contains("c.json"), q.getMessage());
    }
}
