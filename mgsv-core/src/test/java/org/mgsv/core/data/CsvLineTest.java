package org.mgsv.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Index-file lines: quoted commas and doubled quotes stay inside their field; empty fields are kept. */
class CsvLineTest {

    @Test
    void splitsQuotedFields() {
        assertEquals(List.of("a", "b,c", "d\"e", ""), CsvLine.split("a,\"b,c\",\"d\"\"e\","));
        assertEquals(List.of(""), CsvLine.split(""));
        assertEquals(List.of("x", "", "y"), CsvLine.split("x,,y"));
    }
}
