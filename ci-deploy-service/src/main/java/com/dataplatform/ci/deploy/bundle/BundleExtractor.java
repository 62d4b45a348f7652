package com.dataplatform.ci.deploy.bundle;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a {@code .tar.gz} or {@code .zip} bundle (recognised by its magic bytes) into an empty workspace. Refused:
 * absolute paths, {@code ..} segments, entries landing outside the workspace (zip-slip), symbolic links that are
 * absolute or resolve outside the workspace, writes through a link, hard links and device/FIFO entries, more than
 * {@code maxEntries} entries and more than {@code maxUnpackedBytes} of content (counted while copying, so a
 * lying size header does not help).
 */
public final class BundleExtractor {

    private final long maxUnpackedBytes;
    private final int maxEntries;

    public BundleExtractor(long maxUnpackedBytes, int maxEntries) {
        this.maxUnpackedBytes = maxUnpackedBytes;
        this.maxEntries = maxEntries;
    }

    public void extract(Path archive, Path workspace) throws IOException {
        Files.createDirectories(workspace);
        Path root = workspace.toRealPath();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
                ArchiveInputStream<?> in = open(raw)) {
            long total = 0;
            int entries = 0;
            ArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (++entries > maxEntries) {
                    throw BundleRejected.tooLarge("more than " + maxEntries + " entries");
                }
                total += unpack(in, entry, root, maxUnpackedBytes - total);
            }
            if (entries == 0) {
                throw BundleRejected.unsafe("the archive is empty");
            }
            linksStayInside(root);
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof IOException io && io.getCause() instanceof BundleRejected br) {
                throw br;
            }
            throw BundleRejected.unsafe("unreadable archive: " + e.getMessage());
        }
    }

    private static ArchiveInputStream<?> open(InputStream raw) throws IOException {
        raw.mark(4);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new TarArchiveInputStream(new GzipCompressorInputStream(raw));
        }
        if (b0 == 'P' && b1 == 'K') {
            return new ZipArchiveInputStream(raw);
        }
        throw BundleRejected.unsafe("the bundle must be a .tar.gz or .zip archive");
    }

    private long unpack(ArchiveInputStream<?> in, ArchiveEntry entry, Path root, long budget) throws IOException {
        String name = entry.getName();
        Path target = resolveInside(root, name);
        if (entry instanceof TarArchiveEntry tar) {
            if (tar.isSymbolicLink()) {
                link(root, target, name, tar.getLinkName());
                return 0;
            }
            if (tar.isLink() || tar.isCharacterDevice() || tar.isBlockDevice() || tar.isFIFO()) {
                throw BundleRejected.unsafe("entry '" + name + "' is a hard link or special file");
            }
            if (!tar.isDirectory() && !tar.isFile()) {
                throw BundleRejected.unsafe("entry '" + name + "' has an unsupported type");
            }
        }
        if (entry instanceof ZipArchiveEntry zip && zip.isUnixSymlink()) {
            byte[] linkTarget = in.readNBytes(4096);
            link(root, target, name, new String(linkTarget, java.nio.charset.StandardCharsets.UTF_8));
            return linkTarget.length;
        }
        if (entry.isDirectory()) {
            Files.createDirectories(target);
            requireInside(root, target, name);
            return 0;
        }
        Files.createDirectories(target.getParent());
        requireInside(root, target.getParent(), name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw BundleRejected.unsafe("entry '" + name + "' appears twice or overwrites a link");
        }
        long written = 0;
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                written += n;
                if (written > budget) {
                    throw BundleRejected.tooLarge("the unpacked bundle exceeds " + maxUnpackedBytes + " bytes");
                }
                out.write(buffer, 0, n);
            }
        }
        if (entry instanceof TarArchiveEntry tar && (tar.getMode() & 0100) != 0
                || entry instanceof ZipArchiveEntry zip && (zip.getUnixMode() & 0100) != 0) {
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(target));
            perms.add(PosixFilePermission.OWNER_EXECUTE);
            Files.setPosixFilePermissions(target, perms);
        }
        return written;
    }

    /** The normalized path of an entry name, refusing absolute names, {@code ..} and anything outside the root. */
    static Path resolveInside(Path root, String name) {
        if (name == null || name.isEmpty() || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
            throw BundleRejected.unsafe("entry name '" + name + "' is empty or contains NUL/backslash");
        }
        if (name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
            throw BundleRejected.unsafe("entry '" + name + "' has an absolute path");
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw BundleRejected.unsafe("entry '" + name + "' escapes the workspace (path traversal)");
            }
        }
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw BundleRejected.unsafe("entry '" + name + "' escapes the workspace");
        }
        return target;
    }

    /** Lexical checks cannot see a chain of links; after unpacking every link must really resolve inside. */
    private static void linksStayInside(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isSymbolicLink(p)) {
                    Path real;
                    try {
                        real = p.toRealPath();
                    } catch (IOException e) {
                        throw BundleRejected.unsafe("symbolic link '" + root.relativize(p) + "' is dangling");
                    }
                    if (!real.startsWith(root)) {
                        throw BundleRejected.unsafe("symbolic link '" + root.relativize(p)
                                + "' resolves out of the workspace");
                    }
                }
            }
        }
    }

    private static void requireInside(Path root, Path existing, String name) throws IOException {
        if (!existing.toRealPath().startsWith(root)) {
            throw BundleRejected.unsafe("entry '" + name + "' is written through a link out of the workspace");
        }
    }

    private static void link(Path root, Path target, String name, String linkTarget) throws IOException {
        if (linkTarget == null || linkTarget.isEmpty() || linkTarget.startsWith("/")) {
            throw BundleRejected.unsafe("symbolic link '" + name + "' is absolute or empty");
        }
        Path resolved = target.getParent().resolve(linkTarget).normalize();
        if (!resolved.startsWith(root)) {
            throw BundleRejected.unsafe("symbolic link '" + name + "' points out of the workspace");
        }
        Files.createDirectories(target.getParent());
        requireInside(root, target.getParent(), name);
        Files.createSymbolicLink(target, Path.of(linkTarget));
    }
}
