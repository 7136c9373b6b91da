package org.mgsv.media.audio;

import org.mgsv.media.encode.SegmentEncoder;
import org.mgsv.media.encode.SegmentEncoderTestCase;

/** The shared segment encoder contract, for the built-in music descriptors. */
class BuiltinSegmentEncoderContractTest extends SegmentEncoderTestCase {
    @Override
    protected SegmentEncoder createEncoder() {
        return new BuiltinSegmentEncoder();
    }
}
