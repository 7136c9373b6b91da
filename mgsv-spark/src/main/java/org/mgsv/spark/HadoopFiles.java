package org.mgsv.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.mgsv.core.MgsvException;
import org.mgsv.core.data.MediaFiles;
import org.mgsv.core.util.AtomicFiles;

/**
 * Files by Hadoop FileSystem URI ({@code hdfs://}, {@code s3a://}, {@code file://}) or local path. Local paths
 * (no scheme, or {@code file:}) go through java.nio and the project's {@link AtomicFiles}, so a local run writes
 * exactly what the single-process commands write; other schemes go through Hadoop's FileSystem.
 */
final class HadoopFiles {
    private HadoopFiles() {}

    /** True when {@code s} names a local file (no URI scheme, or {@code file:}). */
    static boolean isLocal(String s) {
        int colon = s.indexOf(':');
        int slash = s.indexOf('/');
        if (colon <= 1 || (slash >= 0 && slash < colon)) {
            return true; // no scheme (a one-letter "scheme" is a drive letter)
        }
        return s.regionMatches(true, 0, "file:", 0, 5);
    }

    /** The local path of a local name ({@code file:///a/b} → {@code /a/b}; {@code a/b} stays relative). */
    static Path localPath(String s) {
        return s.regionMatches(true, 0, "file:", 0, 5) ? Path.of(URI.create(s)) : Path.of(s);
    }

    static String resolve(String dir, String rel) {
        if (isLocal(dir)) {
            return localPath(dir).resolve(rel).toString();
        }
        return dir.endsWith("/") ? dir + rel : dir + "/" + rel;
    }

    private static FileSystem fs(String uri) throws IOException {
        return FileSystem.get(URI.create(uri), new Configuration());
    }

    /**
     * The input files named by {@code spec}: a directory (recursively, sorted, hidden files skipped, extension in
     * {@code extensions}), a file list ({@code *.list}: one path or URI per line, '#' comments), or one file.
     */
    static List<String> listInputs(String spec, Set<String> extensions, java.util.function.Function<Path, List<Path>> localLister) {
        if (spec.endsWith(".list")) {
            List<String> out = new ArrayList<>();
            for (String line : new String(read(spec), StandardCharsets.UTF_8).split("\n")) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(t);
                }
            }
            return out;
        }
        if (isLocal(spec)) {
            List<String> out = new ArrayList<>();
            for (Path p : localLister.apply(localPath(spec))) {
                out.add(p.toString());
            }
            return out;
        }
        try {
            FileSystem fs = fs(spec);
            org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(spec);
            FileStatus st = fs.getFileStatus(root);
            if (st.isFile()) {
                return List.of(spec);
            }
            List<String> out = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            Predicate<String> wanted = n -> MediaFiles.wanted(n, extensions);
            while (it.hasNext()) {
                LocatedFileStatus f = it.next();
                if (f.isFile() && wanted.test(f.getPath().getName())) {
                    out.add(f.getPath().toString());
                }
            }
            out.sort(null);
            return out;
        } catch (java.io.FileNotFoundException e) {
            throw new MgsvException(spec + ": no such file or directory");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + spec + ": " + e.getMessage(), e);
        }
    }

    /** The file name of a path or URI. */
    static String fileName(String s) {
        String t = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        return t.substring(t.lastIndexOf('/') + 1);
    }

    /**
     * A local file with {@code source}'s content: the file itself when local, else a copy under {@code tmpDir}
     * keeping the file name (ids come from names).
     */
    static Path localize(String source, Path tmpDir) throws IOException {
        if (isLocal(source)) {
            return localPath(source);
        }
        Path local = Files.createDirectories(tmpDir.resolve(Integer.toHexString(source.hashCode()))).resolve(fileName(source));
        try (InputStream in = fs(source).open(new org.apache.hadoop.fs.Path(source))) {
            Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return local;
    }

    static boolean exists(String s) {
        if (isLocal(s)) {
            return Files.exists(localPath(s));
        }
        try {
            return fs(s).exists(new org.apache.hadoop.fs.Path(s));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + s + ": " + e.getMessage(), e);
        }
    }

    static byte[] read(String s) {
        try {
            if (isLocal(s)) {
                return Files.readAllBytes(localPath(s));
            }
            try (InputStream in = fs(s).open(new org.apache.hadoop.fs.Path(s))) {
                return in.readAllBytes();
            }
        } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw new MgsvException(s + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + s + ": " + e.getMessage(), e);
        }
    }

    /** Names of the plain files directly in {@code dir} (empty when it does not exist). */
    static List<String> listNames(String dir) {
        List<String> out = new ArrayList<>();
        try {
            if (isLocal(dir)) {
                Path d = localPath(dir);
                if (Files.isDirectory(d)) {
                    try (var s = Files.list(d)) {
                        s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                                .filter(n -> !n.startsWith(".")).forEach(out::add);
                    }
                }
            } else {
                FileSystem fs = fs(dir);
                org.apache.hadoop.fs.Path d = new org.apache.hadoop.fs.Path(dir);
                if (fs.exists(d)) {
                    for (FileStatus f : fs.listStatus(d)) {
                        if (f.isFile() && !f.getPath().getName().startsWith(".")) {
                            out.add(f.getPath().getName());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    static void delete(String s) {
        try {
            if (isLocal(s)) {
                AtomicFiles.deleteRecursively(localPath(s));
            } else {
                fs(s).delete(new org.apache.hadoop.fs.Path(s), true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + s + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code bytes} to {@code target} so that readers see the old file or the whole new one. */
    static void writeAtomically(String target, byte[] bytes, String attempt) {
        if (isLocal(target)) {
            AtomicFiles.write(localPath(target), o -> o.write(bytes));
            return;
        }
        try {
            FileSystem fs = fs(target);
            org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(target);
            org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dst.getParent(), "." + dst.getName() + "." + attempt + ".tmp");
            try (OutputStream o = fs.create(tmp, true)) {
                o.write(bytes);
            }
            renameOver(fs, tmp, dst);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Commits a finished local file to {@code target}: copy to a task-attempt temporary name beside the target,
     * then rename over it. Attempts of one task write the same bytes, so whichever rename lands last is correct,
     * and the target is never seen half-written.
     */
    static void commit(Path localFile, String target, String attempt) {
        try {
            if (isLocal(target)) {
                Path dst = localPath(target);
                Files.createDirectories(dst.toAbsolutePath().getParent());
                Path tmp = dst.resolveSibling("." + dst.getFileName() + "." + attempt + ".tmp");
                Files.copy(localFile, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                AtomicFiles.move(tmp, dst);
                return;
            }
            FileSystem fs = fs(target);
            org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(target);
            org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dst.getParent(), "." + dst.getName() + "." + attempt + ".tmp");
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(localFile.toUri()), tmp);
            renameOver(fs, tmp, dst);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit " + target + ": " + e.getMessage(), e);
        }
    }

    private static void renameOver(FileSystem fs, org.apache.hadoop.fs.Path tmp, org.apache.hadoop.fs.Path dst) throws IOException {
        // HDFS/S3A rename does not replace: drop the old copy first (same bytes from an earlier attempt)
        fs.delete(dst, false);
        if (!fs.rename(tmp, dst) && !fs.exists(dst)) {
            throw new IOException("rename " + tmp + " → " + dst + " failed");
        }
        fs.delete(tmp, false);
    }
}
