package org.mgsv.core.tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.mgsv.core.MgsvException;
import org.mgsv.core.util.AtomicFiles;

/** numpy's {@code .npz} format: a zip of {@code <name>.npy} entries, stored ({@code np.savez}) or deflated
 * ({@code np.savez_compressed}). Array order is kept. */
public final class Npz {
    private Npz() {}

    public static Map<String, NpyArray> read(Path file) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry ze = e.nextElement();
                if (ze.isDirectory()) {
                    continue;
                }
                String name = ze.getName();
                if (!name.endsWith(".npy")) {
                    throw new MgsvException("unexpected entry " + name + " in .npz file " + file);
                }
                byte[] b;
                try (InputStream in = zip.getInputStream(ze)) {
                    b = in.readAllBytes();
                }
                out.put(name.substring(0, name.length() - 4), Npy.parse(ByteBuffer.wrap(b), file + ":" + name));
            }
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new MgsvException("array file not found: " + file);
        } catch (ZipException | java.io.EOFException e) {
            throw new MgsvException("truncated or corrupt .npz file " + file + " (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new MgsvException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Reads one named array as float32; error naming the file if absent. */
    public static Tensor readTensor(Path file, String name) {
        NpyArray a = read(file).get(name);
        if (a == null) {
            throw new MgsvException("array '" + name + "' not found in " + file);
        }
        return a.toTensor();
    }

    /** Writes the arrays (entry {@code <name>.npy} each), deflated if {@code compressed}, atomically. */
    public static void write(Path file, Map<String, NpyArray> arrays, boolean compressed) {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, NpyArray> a : arrays.entrySet()) {
                byte[] b = Npy.toBytes(a.getValue());
                ZipEntry ze = new ZipEntry(a.getKey() + ".npy");
                if (compressed) {
                    ze.setMethod(ZipEntry.DEFLATED);
                } else {
                    ze.setMethod(ZipEntry.STORED);
                    ze.setSize(b.length);
                    ze.setCompressedSize(b.length);
                    CRC32 crc = new CRC32();
                    crc.update(b);
                    ze.setCrc(crc.getValue());
                }
                zip.putNextEntry(ze);
                zip.write(b);
                zip.closeEntry();
            }
            zip.finish();
        });
    }
}
