package org.mgsv.app.server;

import java.nio.charset.StandardCharsets;

/**
 * Recognises video containers by their first bytes (not by file name or declared type): ISO-BMFF (mp4, mov,
 * m4v, 3gp: a box whose type is {@code ftyp}/{@code moov}/{@code mdat}/{@code free}/{@code wide}/{@code skip}
 * at offset 4), Matroska/WebM (EBML magic 1A 45 DF A3), AVI (RIFF....AVI ), Ogg (OggS), MPEG-TS (sync byte
 * 0x47 every 188 bytes), MPEG-PS (00 00 01 BA) and FLV.
 */
public final class MediaSniffer {
    private MediaSniffer() {}

    /** Bytes needed for a decision. */
    public static final int HEAD = 400;

    /** The container name, or null when the bytes are not a known video container. */
    public static String videoContainer(byte[] head, int n) {
        if (n >= 12) {
            String box = new String(head, 4, 4, StandardCharsets.ISO_8859_1);
            if (box.equals("ftyp") || box.equals("moov") || box.equals("mdat") || box.equals("free")
                    || box.equals("wide") || box.equals("skip")) {
                return "mp4";
            }
            if (ascii(head, 0, "RIFF") && ascii(head, 8, "AVI ")) {
                return "avi";
            }
        }
        if (n >= 4) {
            if ((head[0] & 0xff) == 0x1A && (head[1] & 0xff) == 0x45 && (head[2] & 0xff) == 0xDF
                    && (head[3] & 0xff) == 0xA3) {
                return "matroska";
            }
            if (ascii(head, 0, "OggS")) {
                return "ogg";
            }
            if (ascii(head, 0, "FLV")) {
                return "flv";
            }
            if (head[0] == 0 && head[1] == 0 && (head[2] & 0xff) == 1 && (head[3] & 0xff) == 0xBA) {
                return "mpeg-ps";
            }
        }
        if (n >= 189 && head[0] == 0x47 && head[188] == 0x47) {
            return "mpeg-ts";
        }
        return null;
    }

    private static boolean ascii(byte[] b, int off, String s) {
        if (b.length < off + s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[off + i] != (byte) s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
