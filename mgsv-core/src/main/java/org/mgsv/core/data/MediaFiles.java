package org.mgsv.core.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mgsv.core.MgsvException;

/**
 * The one place that finds media files and names them: which file names count as videos and as music, how a
 * directory is walked, and the id a file gets. {@code extract}, {@code index} and their Spark jobs all call it, so
 * one file gets the same id everywhere.
 *
 * <p><b>Discovery</b> ({@link #list}): a file named directly is always taken, whatever its extension; a directory
 * is walked recursively, in sorted order, taking the files whose lower-case last extension is in the set.
 * Hidden entries (name starting with {@code .}) below the root are skipped, directories included. Symbolic links
 * are followed, to files and to directories; a link loop, a broken link with a media extension and a directory
 * that cannot be read are reported in {@link Listing#problems()} and the walk goes on.
 *
 * <p><b>Ids</b> ({@link #idOf}): the file name without its last extension, in Unicode NFC, as it is: letters,
 * digits, marks, symbols, punctuation and spaces of every script are kept ({@code Привет.mp3} → {@code Привет},
 * {@code My Song (live).ogg} → {@code My Song (live)}). Only what cannot stand in an id is replaced by {@code _}:
 * control characters (tab, line breaks), the path separators {@code / \}, unassigned code points, lone
 * surrogates and the bidirectional controls (which make a displayed id read differently from its bytes); a
 * leading dot becomes {@code _} (a hidden {@code <id>.pt}). An id has at most {@value #MAX_ID_CHARS} UTF-16
 * characters and {@value #MAX_ID_BYTES} UTF-8 bytes (it is a file name, {@code <id>.pt}, in the published
 * layout). Two files can map to one id ({@code sad.OGG} and {@code sad.mp3}, or one name in NFC and NFD):
 * {@link IdClaims} detects that so that callers report the second file instead of letting it replace the first.
 */
public final class MediaFiles {
    private MediaFiles() {}

    /** File name extensions (lower case, no dot) taken from a directory as videos. */
    public static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "mov", "m4v", "mkv", "webm", "avi", "flv",
            "wmv", "mpg", "mpeg", "3gp", "ts", "mts", "ogv");
    /** File name extensions (lower case, no dot) taken from a directory as music. */
    public static final Set<String> AUDIO_EXTENSIONS = Set.of("mp3", "ogg", "oga", "opus", "wav", "flac", "m4a",
            "aac", "wma", "aif", "aiff", "mka", "ac3");

    /** Most UTF-16 characters in an id. */
    public static final int MAX_ID_CHARS = 128;
    /** Most UTF-8 bytes in an id (ids are file names in the published layout). */
    public static final int MAX_ID_BYTES = 200;
    /** What an id may hold, for error messages. */
    public static final String ID_RULE = "1-" + MAX_ID_CHARS + " characters (at most " + MAX_ID_BYTES
            + " UTF-8 bytes) in Unicode NFC; no control characters, '/', '\\' or bidirectional controls; not starting"
            + " with '.'";

    /** The files found and what could not be looked at. */
    public record Listing(List<Path> files, List<String> problems) {
        public Listing {
            files = List.copyOf(files);
            problems = List.copyOf(problems);
        }

        /** The files, after printing each problem as a {@code warning:} line on {@code err}. */
        public List<Path> reportTo(PrintStream err) {
            for (String p : problems) {
                err.println("warning: " + p);
            }
            return files;
        }
    }

    /** The lower-case last extension of a file name, without the dot ("" when none or a hidden name's only dot). */
    public static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    /** {@link #extension(String)} of the file's name. */
    public static String extension(Path file) {
        return extension(file.getFileName().toString());
    }

    /** True when a directory walk takes a file of this name: not hidden, extension in {@code extensions}. */
    public static boolean wanted(String fileName, Set<String> extensions) {
        return !fileName.startsWith(".") && extensions.contains(extension(fileName));
    }

    /**
     * The inputs named by {@code dirOrFile}: the file itself, or the media files under the directory (see the
     * class comment). A missing or unreadable {@code dirOrFile} is an error; problems below it are not.
     */
    public static Listing list(Path dirOrFile, Set<String> extensions) {
        if (Files.isRegularFile(dirOrFile)) {
            return new Listing(List.of(dirOrFile), List.of());
        }
        if (!Files.isDirectory(dirOrFile)) {
            throw new MgsvException(dirOrFile + ": no such file or directory");
        }
        if (!Files.isReadable(dirOrFile)) {
            throw new MgsvException(dirOrFile + ": cannot read the directory (permission denied)");
        }
        List<Path> files = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try {
            Files.walkFileTree(dirOrFile, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            return !dir.equals(dirOrFile) && dir.getFileName().toString().startsWith(".")
                                    ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            String name = file.getFileName().toString();
                            if (!wanted(name, extensions)) {
                                return FileVisitResult.CONTINUE;
                            }
                            if (attrs.isRegularFile()) {
                                files.add(file);
                            } else if (attrs.isSymbolicLink()) {
                                problems.add(file + ": broken symbolic link, skipped");
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            if (file.getFileName() != null && file.getFileName().toString().startsWith(".")) {
                                return FileVisitResult.CONTINUE;
                            }
                            problems.add(file + ": " + describe(e) + ", skipped");
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                            if (e != null) {
                                problems.add(dir + ": " + describe(e) + " while listing, the rest skipped");
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new MgsvException("cannot list " + dirOrFile + ": " + describe(e), e);
        }
        files.sort(null);
        return new Listing(files, problems);
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "cannot read (permission denied)";
        }
        if (e instanceof FileSystemLoopException) {
            return "symbolic link loop";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    // ------------------------------------------------------------------------------------------------ ids

    /** The id of a media file (see the class comment). */
    public static String idOf(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return idFromName(dot > 0 ? n.substring(0, dot) : n);
    }

    /** Turns a name (without extension) into a valid id: NFC, disallowed characters → {@code _}, truncated. */
    public static String idFromName(String name) {
        String nfc = Normalizer.normalize(name, Normalizer.Form.NFC);
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < nfc.length(); ) {
            int cp = nfc.codePointAt(i);
            i += Character.charCount(cp);
            if (!allowed(cp)) {
                cp = '_';
            }
            int b = utf8Length(cp);
            if (sb.length() + Character.charCount(cp) > MAX_ID_CHARS || bytes + b > MAX_ID_BYTES) {
                break;
            }
            if (sb.length() == 0 && cp == '.') {
                cp = '_';
            }
            sb.appendCodePoint(cp);
            bytes += b;
        }
        String id = Normalizer.normalize(sb, Normalizer.Form.NFC);
        return id.isEmpty() ? "_" : id;
    }

    /** True when {@code id} is a valid id: what {@link #idFromName} can return (see {@link #ID_RULE}). */
    public static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS || id.charAt(0) == '.') {
            return false;
        }
        int bytes = 0;
        for (int i = 0; i < id.length(); ) {
            int cp = id.codePointAt(i);
            i += Character.charCount(cp);
            if (!allowed(cp)) {
                return false;
            }
            bytes += utf8Length(cp);
        }
        return bytes <= MAX_ID_BYTES && Normalizer.isNormalized(id, Normalizer.Form.NFC);
    }

    /** Throws {@link IllegalArgumentException} naming the rule when {@code id} is not valid. */
    public static void checkId(String id) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("invalid id '" + id + "' (" + ID_RULE + ")");
        }
    }

    private static boolean allowed(int cp) {
        if (cp == '/' || cp == '\\') {
            return false;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.UNASSIGNED, Character.SURROGATE, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> {
                return false;
            }
            default -> {
                // bidirectional controls would make a displayed id read differently from its bytes
                return !(cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
                        || (cp >= 0x2066 && cp <= 0x2069));
            }
        }
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /**
     * Ids handed out in one run, each with where it came from; a second claim of an id is a collision that the
     * caller reports (naming both sources) instead of letting one input silently replace another.
     */
    public static final class IdClaims {
        private final Map<String, String> sources = new HashMap<>();

        /** Claims {@code id} for {@code source}: null when it was free, else the source that holds it. */
        public synchronized String claim(String id, String source) {
            String first = sources.putIfAbsent(id, source);
            return first == null || first.equals(source) ? null : first;
        }

        /** The message for a collision of {@code id} ({@code what}: "video", "music", "track"). */
        public static String collision(String what, String id, String source, String first) {
            return what + " id '" + id + "' of " + source + " is already taken by " + first
                    + " (ids are file names without the extension and must be unique: rename one of them)";
        }
    }
}
